import { describe, expect, it } from 'vitest';
import { cronProblem, describeCadence, nextRunAfter, nextRuns } from './cadence';
import { Cadence } from './domain/ai';

const FROM = new Date('2026-04-14T10:00:00.000Z'); // a Tuesday

describe('cadence: next run in the user time zone', () => {
  it('manual never runs by itself; interval counts from the given instant', () => {
    expect(nextRunAfter({ kind: 'manual' }, FROM, 'UTC')).toBeNull();
    expect(nextRunAfter({ kind: 'interval', everyMinutes: 60 }, FROM, 'UTC')?.toISOString()).toBe('2026-04-14T11:00:00.000Z');
  });

  it('daily: later today, else tomorrow, on the wall clock of the zone', () => {
    expect(nextRunAfter({ kind: 'daily', atHour: 14, atMinute: 30 }, FROM, 'Europe/Berlin')?.toISOString()).toBe('2026-04-14T12:30:00.000Z');
    expect(nextRunAfter({ kind: 'daily', atHour: 9, atMinute: 0 }, FROM, 'Europe/Berlin')?.toISOString()).toBe('2026-04-15T07:00:00.000Z');
    expect(nextRunAfter({ kind: 'daily', atHour: 9, atMinute: 0 }, FROM, 'America/New_York')?.toISOString()).toBe('2026-04-14T13:00:00.000Z');
  });

  it('weekly: the next given weekday, a week later when today has passed', () => {
    const friday = nextRunAfter({ kind: 'weekly', dayOfWeek: 5, atHour: 8, atMinute: 0 }, FROM, 'Europe/Berlin')!;
    expect(friday.toISOString()).toBe('2026-04-17T06:00:00.000Z');
    const tuesdayPast = nextRunAfter({ kind: 'weekly', dayOfWeek: 2, atHour: 8, atMinute: 0 }, FROM, 'Europe/Berlin')!;
    expect(tuesdayPast.toISOString()).toBe('2026-04-21T06:00:00.000Z');
  });

  it('daily across a DST change keeps the wall-clock hour', () => {
    const runs = nextRuns({ kind: 'daily', atHour: 9, atMinute: 0 }, new Date('2026-03-28T12:00:00Z'), 2, 'Europe/Berlin');
    expect(runs.map((d) => d.toISOString())).toEqual(['2026-03-29T07:00:00.000Z', '2026-03-30T07:00:00.000Z']);
  });
});

describe('cadence: cron (croner)', () => {
  it('evaluates a 5-field expression in the zone, across DST', () => {
    const cron = { kind: 'cron' as const, expression: '0 9 * * 1-5' };
    const runs = nextRuns(cron, new Date('2026-03-27T10:00:00Z'), 3, 'Europe/Berlin');
    // Friday 11:00 local has passed 9:00; next are Mon, Tue, Wed at 9:00 CEST (07:00Z after the change).
    expect(runs.map((d) => d.toISOString())).toEqual(['2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z', '2026-04-01T07:00:00.000Z']);
  });

  it('is strictly after the given instant', () => {
    const at = new Date('2026-04-14T10:00:00.000Z');
    expect(nextRunAfter({ kind: 'cron', expression: '0 10 * * *' }, at, 'UTC')?.toISOString()).toBe('2026-04-15T10:00:00.000Z');
  });

  it('reports invalid expressions in words and never schedules them', () => {
    expect(cronProblem('0 9 * * 1-5')).toBeNull();
    expect(cronProblem('61 * * * *')).toMatch(/minute/);
    expect(cronProblem('0 9 * * * *')).toMatch(/5 parts/);
    expect(cronProblem('0 0 31 2 *')).toMatch(/never/);
    expect(nextRunAfter({ kind: 'cron', expression: 'not cron' }, FROM, 'UTC')).toBeNull();
  });

  it('describes cadences for the UI', () => {
    expect(describeCadence({ kind: 'weekly', dayOfWeek: 1, atHour: 8, atMinute: 5 })).toBe('Weekly on Mon at 08:05');
    expect(describeCadence({ kind: 'cron', expression: '*/15 * * * *' })).toBe('Cron */15 * * * *');
  });
});

describe('cadence schema', () => {
  it('rejects a cron expression croner cannot use, with its reason', () => {
    expect(Cadence.safeParse({ kind: 'cron', expression: '0 9 * * 1-5' }).success).toBe(true);
    const bad = Cadence.safeParse({ kind: 'cron', expression: '0 25 * * *' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['expression'], message: expect.stringMatching(/hour/) });
  });
});
