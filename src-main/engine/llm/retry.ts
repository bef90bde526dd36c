/**
 * Which failed attempts are worth another one: an unreachable server, 408, 429, 502, 503, 504 and a
 * 500 that does not say a feature is unsupported, each only when it failed fast (within
 * SLOW_FAILURE_MS; a 429 at any time): a 500 after a long generation (a server that could not parse
 * its own model's output) or a gateway timing out would only repeat that wait. Never a timeout
 * (the endpoint is busy or stuck; the mission backs off instead), an answer dropped mid-way, or
 * anything the request itself caused.
 */
import type { LlmError } from './errors';
import { saysUnsupported } from './unsupported';

export const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 60_000;
/** A failure slower than this is not retried (but for 429). */
export const SLOW_FAILURE_MS = 5_000;
const TRANSIENT_STATUSES = new Set([408, 429, 502, 503, 504]);

export function worthRetrying(error: LlmError, latencyMs: number): boolean {
  // A failure that took long would likely take as long again (a gateway timing out, a server
  // failing after a long generation); a 429 says when to come back.
  if (latencyMs >= SLOW_FAILURE_MS && error.status !== 429) return false;
  if (error.kind === 'unreachable') return true;
  if (error.kind !== 'http' || error.status === undefined) return false;
  if (TRANSIENT_STATUSES.has(error.status)) return true;
  return error.status === 500 && !saysUnsupported(error);
}

/** Full-jitter exponential back-off before attempt n+1. */
export function backoffMs(attempt: number, random: number): number {
  return random * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
}

export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, RETRY_AFTER_CAP_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
}
