// Placeholder until the page is built.
export function Notices() {
  return <h1>Notices</h1>;
}
