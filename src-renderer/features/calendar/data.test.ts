import { describe, expect, it } from 'vitest';
import { addDays, daysOf, eventsOn, weekStart, type CalendarEvent } from './data';

describe('calendar days', () => {
  it('finds the Monday of a week and lists its seven days', () => {
    expect(weekStart('2026-11-27')).toBe('2026-11-23'); // a Friday
    expect(weekStart('2026-11-23')).toBe('2026-11-23');
    expect(weekStart('2026-11-29')).toBe('2026-11-23'); // a Sunday
    expect(daysOf('week', '2026-11-27')).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29']);
    expect(daysOf('day', '2026-11-27')).toEqual(['2026-11-27']);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('puts an event on every local day it overlaps', () => {
    const local = (day: string, hm: string) => new Date(`${day}T${hm}:00`).toISOString();
    const e: CalendarEvent = { id: 'e', title: 'Late', startTime: local('2026-11-23', '23:00'), endTime: local('2026-11-24', '01:00') };
    expect(eventsOn([e], '2026-11-23')).toHaveLength(1);
    expect(eventsOn([e], '2026-11-24')).toHaveLength(1);
    expect(eventsOn([e], '2026-11-25')).toHaveLength(0);
  });
});
