/**
 * When a mission runs next after a run. Pure, so every rule is tested directly:
 * - success: the cadence's next run counted from NOW. A mission that missed runs while the app was
 *   closed is due once (the catch-up run) and then resumes its rhythm: no backlog storm.
 * - failure: exponential back-off from BACKOFF_BASE_MS, never later than the cadence's own next run;
 *   after MAX_FAILURES in a row the mission needs attention and waits (nextRunAt null) for the user.
 * - skip (agent paused, over budget, …): the failure streak is kept; the next run is the cadence's,
 *   or `notBefore` when that is later (an over-budget agent gets tokens again at local midnight).
 */
import { nextRunAfter } from '../../../src-shared/cadence';
import type { Cadence } from '../../../src-shared/domain/ai';

export const MAX_FAILURES = 5;
export const BACKOFF_BASE_MS = 60_000;

export type RunResult = 'ok' | 'failed' | 'skipped' | 'broken';

export interface NextSchedule {
  nextRunAt: string | null;
  failureStreak: number;
  needsAttention: boolean;
}

export function scheduleAfterRun(
  cadence: Cadence,
  previousStreak: number,
  result: RunResult,
  now: Date,
  timeZone: string,
  notBefore: Date | null = null,
): NextSchedule {
  if (result === 'broken') {
    // Retrying cannot help (the mission record itself is unusable): straight to the user.
    return { nextRunAt: null, failureStreak: previousStreak + 1, needsAttention: true };
  }
  const cadenceNext = safeNextRun(cadence, now, timeZone);
  switch (result) {
    case 'ok':
      return { nextRunAt: cadenceNext?.toISOString() ?? null, failureStreak: 0, needsAttention: false };
    case 'skipped': {
      const next = cadenceNext && notBefore && notBefore > cadenceNext ? notBefore : cadenceNext;
      return { nextRunAt: next?.toISOString() ?? null, failureStreak: previousStreak, needsAttention: false };
    }
    case 'failed': {
      const streak = previousStreak + 1;
      if (streak >= MAX_FAILURES) return { nextRunAt: null, failureStreak: streak, needsAttention: true };
      if (!cadenceNext) return { nextRunAt: null, failureStreak: streak, needsAttention: false };
      const backoff = now.getTime() + BACKOFF_BASE_MS * 2 ** (streak - 1);
      return { nextRunAt: new Date(Math.min(backoff, cadenceNext.getTime())).toISOString(), failureStreak: streak, needsAttention: false };
    }
  }
}

/** A cadence from a synced record may be malformed: such a cadence never runs by itself. */
function safeNextRun(cadence: Cadence, now: Date, timeZone: string): Date | null {
  try {
    return nextRunAfter(cadence, now, timeZone);
  } catch {
    return null;
  }
}

/** Local midnight after `now`: when a day's token budget starts over. */
export function nextLocalMidnight(now: Date, timeZone: string): Date {
  return nextRunAfter({ kind: 'daily', atHour: 0, atMinute: 0 }, now, timeZone)!;
}
