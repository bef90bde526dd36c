/**
 * Which failed attempts are worth another one. Network errors, 408, 429, 502, 503 and 504 are
 * (the server was unreachable, overloaded or restarting). A 500 is only when it came back fast
 * and does not say a feature is unsupported: a 500 after a long generation (a server that could
 * not parse its own model's output) would only repeat that wait. A timeout is not (the endpoint
 * is busy or stuck; the mission backs off instead), nor is anything the request itself caused.
 */
import type { LlmError } from './errors';
import { saysUnsupported } from './unsupported';

export const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 60_000;
/** A 500 slower than this is not retried. */
export const SLOW_FAILURE_MS = 5_000;
const TRANSIENT_STATUSES = new Set([408, 429, 502, 503, 504]);

export function worthRetrying(error: LlmError, latencyMs: number): boolean {
  if (error.kind === 'unreachable') return true;
  if (error.kind !== 'http' || error.status === undefined) return false;
  if (TRANSIENT_STATUSES.has(error.status)) return true;
  return error.status === 500 && latencyMs < SLOW_FAILURE_MS && !saysUnsupported(error);
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
