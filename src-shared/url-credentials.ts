/**
 * User names and passwords written into URLs (`http://user:pass@host/v1`). The app refuses them in
 * the addresses a person sets (the key belongs in the API key field, the token in the sync token
 * field, where they are kept as secrets), and any URL that reaches an error text, a log line or the
 * debug view has them cut out first, so a password can never be echoed.
 */

/** Whether `url` names a user or a password. A text that is not a URL names none. */
export function hasUrlCredentials(url: string): boolean {
  try {
    const u = new URL(url.trim());
    return u.username !== '' || u.password !== '';
  } catch {
    return false;
  }
}

/** `url` without its user name and password (unchanged when it has none or is not a URL). */
export function withoutUrlCredentials(url: string): string {
  if (!hasUrlCredentials(url)) return url;
  const u = new URL(url.trim());
  u.username = '';
  u.password = '';
  // URL.toString adds a slash to a bare origin: keep the text as it was written otherwise
  return url.trim().endsWith('/') ? u.toString() : u.toString().replace(/\/$/, '');
}

/** `scheme://user:pass@` → `scheme://`, wherever a URL appears in a text (an error message, a server's answer). */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi, '$1');
}

/** Why a base URL with credentials is refused, in words that say what to do instead. */
export const LLM_URL_CREDENTIALS =
  'must not contain a user name or password (they would be sent and shown as part of the address): put the key in the API key field instead';
export const SYNC_URL_CREDENTIALS =
  'must not contain a user name or password (they would be sent and shown as part of the address): put the account token in the sync token field instead';

/** What the settings forms say when a base URL carries a user name or password. */
export const KEY_IN_URL_TEXT = 'The base URL must not contain a user name or password. Put the key in the API key field instead.';

/** The origin of an address (scheme, host and port): the server a key or token may be sent to; null when it is no URL. */
export function urlOrigin(url: string): string | null {
  try {
    return new URL(url.trim()).origin;
  } catch {
    return null;
  }
}
