/**
 * Who may use the headless host: callers that present the access token, as
 * `Authorization: Bearer <token>` (or `?token=` where a browser cannot set headers, e.g.
 * EventSource). Repeated wrong tokens from one address are answered ever more slowly, so guessing
 * gets expensive.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Wrong tokens answered at full speed before the delays start. */
export const AUTH_FAILURES_BEFORE_DELAY = 5;
/** The answer to a wrong token is delayed by this much per failure beyond AUTH_FAILURES_BEFORE_DELAY, up to 5 s. */
export const AUTH_DELAY_STEP_MS = 250;
const MAX_DELAY_MS = 5_000;
/** Beyond this many addresses the failure counts are forgotten: a flood from many addresses must not grow memory. */
const MAX_TRACKED_ADDRESSES = 10_000;

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m ? m[1]!.trim() : null;
}

/** The token a request presents: the bearer header, else (where allowed) the `token` query parameter. */
export function presentedToken(req: IncomingMessage, url: URL, options: { query: boolean }): string | null {
  return bearerToken(req) ?? (options.query ? url.searchParams.get('token') : null);
}

/** How long to hold the answer to an address's n-th wrong token in a row. */
export function failureDelayMs(failures: number): number {
  return failures > AUTH_FAILURES_BEFORE_DELAY ? Math.min(MAX_DELAY_MS, AUTH_DELAY_STEP_MS * (failures - AUTH_FAILURES_BEFORE_DELAY)) : 0;
}

export interface AuthGate {
  /** Whether the request presents the token; a wrong one is answered after the address's delay. */
  allows(req: IncomingMessage, url: URL, options?: { query?: boolean }): Promise<boolean>;
}

export function createAuthGate(token: string, sleep: (ms: number) => Promise<void>): AuthGate {
  const failures = new Map<string, number>();
  return {
    async allows(req, url, options = {}) {
      const who = req.socket.remoteAddress ?? 'unknown';
      if (tokenMatches(presentedToken(req, url, { query: options.query ?? false }), token)) {
        failures.delete(who);
        return true;
      }
      if (failures.size > MAX_TRACKED_ADDRESSES) failures.clear();
      const count = (failures.get(who) ?? 0) + 1;
      failures.set(who, count);
      const delay = failureDelayMs(count);
      if (delay > 0) await sleep(delay);
      return false;
    },
  };
}
