// Placeholder until the page is built.
export function Users() {
  return <h1>Users</h1>;
}
