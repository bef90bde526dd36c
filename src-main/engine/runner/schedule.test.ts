import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, MAX_FAILURES, nextLocalMidnight, scheduleAfterRun } from './schedule';

const NOW = new Date('2026-11-20T09:00:00.000Z');
const hourly = { kind: 'interval' as const, everyMinutes: 60 };
const daily = { kind: 'daily' as const, atHour: 8, atMinute: 0 };

describe('scheduleAfterRun', () => {
  it('success: the cadence counted from now (one catch-up run, then the rhythm) and the streak cleared', () => {
    expect(scheduleAfterRun(daily, 3, 'ok', NOW, 'Europe/Berlin')).toEqual({ nextRunAt: '2026-11-21T07:00:00.000Z', failureStreak: 0, needsAttention: false });
    expect(scheduleAfterRun({ kind: 'manual' }, 0, 'ok', NOW, 'UTC').nextRunAt).toBeNull();
  });

  it('failure: exponential back-off capped by the cadence', () => {
    const waits = [0, 1, 2, 3].map((streak) => Date.parse(scheduleAfterRun(daily, streak, 'failed', NOW, 'UTC').nextRunAt!) - NOW.getTime());
    expect(waits).toEqual([1, 2, 4, 8].map((m) => m * BACKOFF_BASE_MS));
    // a mission never waits longer than its next regular run
    const tight = scheduleAfterRun({ kind: 'interval', everyMinutes: 5 }, 3, 'failed', NOW, 'UTC');
    expect(Date.parse(tight.nextRunAt!) - NOW.getTime()).toBe(5 * 60_000);
  });

  it(`after ${MAX_FAILURES} failures in a row the mission needs attention and stops`, () => {
    expect(scheduleAfterRun(daily, MAX_FAILURES - 1, 'failed', NOW, 'UTC')).toEqual({ nextRunAt: null, failureStreak: MAX_FAILURES, needsAttention: true });
  });

  it('a skip keeps the streak; over budget waits for local midnight', () => {
    const skip = scheduleAfterRun(hourly, 2, 'skipped', NOW, 'Europe/Berlin', nextLocalMidnight(NOW, 'Europe/Berlin'));
    expect(skip).toEqual({ nextRunAt: '2026-11-20T23:00:00.000Z', failureStreak: 2, needsAttention: false });
  });

  it('a broken mission record needs attention at once, even with an unusable cadence', () => {
    expect(scheduleAfterRun({ kind: 'bogus' } as never, 0, 'broken', NOW, 'UTC')).toEqual({ nextRunAt: null, failureStreak: 1, needsAttention: true });
    expect(scheduleAfterRun({ kind: 'bogus' } as never, 0, 'ok', NOW, 'UTC').nextRunAt).toBeNull();
  });
});
