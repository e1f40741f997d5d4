// Placeholder until the page is built.
export function ClientConfigure() {
  return <h1>ClientConfigure</h1>;
}
