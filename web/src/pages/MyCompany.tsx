// Placeholder until the page is built.
export function MyCompany() {
  return <h1>MyCompany</h1>;
}
