import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CalendarDate, CALENDAR_DATE_PATTERN, DATE_TIME_PATTERN, DateOrDateTime, DateTime, isCalendarDate, isDateTime } from './dates';
import { TOOLS } from './tools/catalog';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Whether y-m-d exists on the proleptic Gregorian calendar, asked of Date itself. */
function exists(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const day = new Date(0);
  day.setUTCFullYear(y, m, 0); // day 0 of the next month: the last day of month m
  return d <= day.getUTCDate();
}

describe('the shared date type', () => {
  it('accepts exactly the days on the calendar, leap years included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const text = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
        expect(isCalendarDate(text), text).toBe(exists(y, m, d));
      }),
      { numRuns: 20_000 },
    );
    for (const leap of ['2024-02-29', '2000-02-29', '1600-02-29', '2028-02-29']) expect(isCalendarDate(leap), leap).toBe(true);
    for (const notLeap of ['2026-02-29', '1900-02-29', '2100-02-29', '2026-02-30', '2026-13-45', '2026-04-31', '2026-00-10', '2026-1-5', '26-01-05'])
      expect(isCalendarDate(notLeap), notLeap).toBe(false);
  });

  it('takes date-times on real days with real clock times, local or with a zone', () => {
    for (const ok of ['2026-11-21T10:00', '2026-11-21 10:00', '2026-11-21T23:59:59', '2026-11-21T10:00:00.123Z', '2024-02-29T08:30+01:00', '2026-11-21T10:00-0530'])
      expect(isDateTime(ok), ok).toBe(true);
    for (const bad of ['2026-02-30T10:00', '2026-13-45T10:00', '2026-11-21T24:00', '2026-11-21T10:60', '2026-11-21', 'tomorrow 10:00', '2026-11-21T10:00:61'])
      expect(isDateTime(bad), bad).toBe(false);
  });

  it('is what every tool parameter that takes a date uses, and what the JSON schema says', () => {
    expect(CalendarDate.safeParse('2026-02-30').success).toBe(false);
    expect(DateTime.safeParse('2026-02-30T09:00').success).toBe(false);
    expect(DateOrDateTime.safeParse('2026-02-28').success).toBe(true);
    const patterns = new Set<string>();
    for (const tool of TOOLS) {
      const schema = z.toJSONSchema(tool.params, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { pattern?: string; anyOf?: { pattern?: string }[] }> };
      for (const [name, p] of Object.entries(schema.properties ?? {})) {
        for (const pattern of [p.pattern, ...(p.anyOf ?? []).map((a) => a.pattern)]) {
          if (pattern && /(\\d|\[0-9\])\{4\}-/.test(pattern)) patterns.add(`${tool.name}.${name}: ${pattern === CALENDAR_DATE_PATTERN.source || pattern === DATE_TIME_PATTERN.source ? 'shared' : pattern}`);
        }
      }
    }
    expect([...patterns].sort()).toEqual([
      'create_event.endTime: shared',
      'create_event.startTime: shared',
      'create_task.dueDate: shared',
      'list_events.from: shared',
      'list_events.to: shared',
      'update_task.dueDate: shared',
    ]);
  });
});
