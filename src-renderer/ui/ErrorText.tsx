/** An error message for the user, announced by screen readers; renders nothing without one. */
export function ErrorText({ error, prefix }: { error: string | null | undefined; prefix?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {prefix}
      {error}
    </p>
  );
}
