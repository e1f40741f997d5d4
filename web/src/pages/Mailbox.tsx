// Placeholder until the page is built.
export function Mailbox() {
  return <h1>Mailbox</h1>;
}
