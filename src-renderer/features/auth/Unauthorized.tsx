export function Unauthorized() {
  return (
    <main className="unauthorized">
      <h1>Access token needed</h1>
      <p>
        Open the URL printed by <code>npm run serve</code> (it carries the access token).
      </p>
      <p className="muted">The token in this browser is missing or no longer accepted by the host.</p>
    </main>
  );
}
