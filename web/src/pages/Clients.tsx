// Placeholder until the page is built.
export function Clients() {
  return <h1>Clients</h1>;
}
