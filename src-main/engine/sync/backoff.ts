/**
 * Full-jitter exponential back-off (as the upstream client and the LLM client do): the n-th retry
 * waits a random time in [0, min(cap, base·2^n)), never less than what the server asked for with
 * Retry-After. Random numbers are injected so tests know the waits.
 */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;

export function backoffDelay(attempt: number, random: () => number, retryAfterMs: number | null = null): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, 10 * BACKOFF_CAP_MS));
}
