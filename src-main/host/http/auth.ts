/**
 * Who may use the headless host. Two credentials, one secret (the access token):
 *  - API clients send `Authorization: Bearer <token>`.
 *  - The UI in a browser gets a session cookie when it is opened with the printed URL
 *    (`/?token=…`): HttpOnly (page scripts never see it), SameSite=Strict, named after the port
 *    (cookies are shared between the ports of one host name), its value an HMAC of the token, so a
 *    new token (`--new-token`) ends every session. The UI never puts the token in a URL again.
 * A request that carries an Authorization header is judged by it alone. Cookie-authenticated
 * requests must also pass ./csrf. Repeated wrong tokens (bearer or `?token=`) from one address are
 * answered ever more slowly, so guessing gets expensive.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Wrong tokens answered at full speed before the delays start. */
export const AUTH_FAILURES_BEFORE_DELAY = 5;
/** The answer to a wrong token is delayed by this much per failure beyond AUTH_FAILURES_BEFORE_DELAY, up to 5 s. */
export const AUTH_DELAY_STEP_MS = 250;
const MAX_DELAY_MS = 5_000;
/** Beyond this many addresses the failure counts are forgotten: a flood from many addresses must not grow memory. */
const MAX_TRACKED_ADDRESSES = 10_000;
/** The session cookie lives this long after the UI was last loaded (each load renews it); 30 days. */
export const SESSION_MAX_AGE_S = 30 * 24 * 3600;

export const UNAUTHORIZED_MESSAGE =
  'Missing or wrong access token: send Authorization: Bearer <token> (the token is in the URL printed at start), or open that URL in the browser.';

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The cookie value for a token: derived, so the cookie is not the token itself. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('mission-companion session v1').digest('base64url');
}

export function sessionCookieName(port: number): string {
  return `companion-session-${port}`;
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  // a malformed header is a wrong credential, not a missing one
  return m ? m[1]!.trim() : '';
}

/** One cookie's value from the Cookie header(s), or null. Malformed pairs are skipped. */
export function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return null;
}

/** How long to hold the answer to an address's n-th wrong token in a row. */
export function failureDelayMs(failures: number): number {
  return failures > AUTH_FAILURES_BEFORE_DELAY ? Math.min(MAX_DELAY_MS, AUTH_DELAY_STEP_MS * (failures - AUTH_FAILURES_BEFORE_DELAY)) : 0;
}

/** How a request proved itself: 'bearer', 'cookie', or null (nothing presented, or something wrong). */
export type AuthVia = 'bearer' | 'cookie';

export interface AuthGate {
  /** Whether the request carries a credential at all (an Authorization header or the session cookie). */
  presents(req: IncomingMessage): boolean;
  /**
   * The credential the request carries and proves, or null. A wrong bearer token counts against
   * the address and is answered after its delay.
   */
  check(req: IncomingMessage): Promise<AuthVia | null>;
  /** Whether a `?token=` of a page load is right (counted like a wrong header when it is not). */
  checkToken(req: IncomingMessage, given: string): Promise<boolean>;
  /** The Set-Cookie value that signs this browser in. */
  sessionCookie(): string;
}

export function createAuthGate(token: string, port: number, sleep: (ms: number) => Promise<void>): AuthGate {
  const failures = new Map<string, number>();
  const cookieName = sessionCookieName(port);
  const session = sessionValue(token);

  const verdict = async (req: IncomingMessage, ok: boolean): Promise<boolean> => {
    const who = req.socket.remoteAddress ?? 'unknown';
    if (ok) {
      failures.delete(who);
      return true;
    }
    if (failures.size > MAX_TRACKED_ADDRESSES) failures.clear();
    const count = (failures.get(who) ?? 0) + 1;
    failures.set(who, count);
    const delay = failureDelayMs(count);
    if (delay > 0) await sleep(delay);
    return false;
  };

  return {
    presents: (req) => req.headers.authorization !== undefined || cookieValue(req, cookieName) !== null,
    async check(req) {
      const bearer = bearerToken(req);
      if (bearer !== null) return (await verdict(req, tokenMatches(bearer, token))) ? 'bearer' : null;
      // A stale cookie (the token was replaced) is not a guess, and guessing a 256-bit HMAC is
      // hopeless: neither it nor a missing credential is delayed, so a signed-out tab stays quick.
      const cookie = cookieValue(req, cookieName);
      return cookie !== null && tokenMatches(cookie, session) ? 'cookie' : null;
    },
    checkToken: (req, given) => verdict(req, tokenMatches(given, token)),
    sessionCookie: () => `${cookieName}=${session}; Path=/; Max-Age=${SESSION_MAX_AGE_S}; HttpOnly; SameSite=Strict`,
  };
}
