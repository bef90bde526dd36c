import { describe, expect, it } from 'vitest';
import { cadenceFromDraft, EMPTY_CADENCE } from './cadence';

describe('cadenceFromDraft', () => {
  it('maps each kind onto the shared Cadence shape', () => {
    expect(cadenceFromDraft(EMPTY_CADENCE)).toEqual({ kind: 'manual' });
    expect(cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'interval', everyMinutes: '90' })).toEqual({ kind: 'interval', everyMinutes: 90 });
    expect(cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'daily', time: '07:05' })).toEqual({ kind: 'daily', atHour: 7, atMinute: 5 });
    expect(cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'weekly', time: '18:30', dayOfWeek: '5' })).toEqual({
      kind: 'weekly',
      dayOfWeek: 5,
      atHour: 18,
      atMinute: 30,
    });
  });

  it('returns a message for input the form cannot turn into a cadence', () => {
    expect(typeof cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'interval', everyMinutes: '0' })).toBe('string');
    expect(typeof cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'interval', everyMinutes: '1.5' })).toBe('string');
    expect(typeof cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'daily', time: '' })).toBe('string');
  });
});

describe('cron and existing cadences', () => {
  it('accepts a valid cron expression and explains an invalid one', () => {
    expect(cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'cron', expression: ' 0 9 * * 1-5 ' })).toEqual({ kind: 'cron', expression: '0 9 * * 1-5' });
    expect(cadenceFromDraft({ ...EMPTY_CADENCE, kind: 'cron', expression: 'every day' })).toMatch(/Not a valid cron expression/);
  });

  it('round-trips every cadence through a draft', async () => {
    const { draftFromCadence } = await import('./cadence');
    const cadences = [
      { kind: 'manual' },
      { kind: 'interval', everyMinutes: 45 },
      { kind: 'daily', atHour: 7, atMinute: 5 },
      { kind: 'weekly', dayOfWeek: 1, atHour: 8, atMinute: 0 },
      { kind: 'cron', expression: '*/15 * * * *' },
    ] as const;
    for (const c of cadences) expect(cadenceFromDraft(draftFromCadence(c))).toEqual(c);
  });
});
