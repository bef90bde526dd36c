import { useMemo } from 'react';
import { z } from 'zod';
import { Attribution } from '../../../src-shared/domain/actor';
import { EVENTS } from '../../../src-shared/tools/modules';
import { parseRecords, useRecords } from '../../db/hooks';

/** Events as the calendar tools write them: ISO instants. Read leniently. */
export const CalendarEvent = z.object({
  id: z.string(),
  title: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  location: z.string().nullish(),
  description: z.string().nullish(),
  createdAt: z.string().nullish(),
  createdBy: Attribution.nullish(),
});
export type CalendarEvent = z.infer<typeof CalendarEvent>;

export function useEvents(): CalendarEvent[] | undefined {
  const records = useRecords(EVENTS.app, EVENTS.table);
  return useMemo(() => parseRecords(records, CalendarEvent)?.sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime)), [records]);
}

/** Local midnight of a YYYY-MM-DD day. */
export function dayStart(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
}

export function addDays(day: string, n: number): string {
  const d = dayStart(day);
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The Monday of the week a day is in (weeks start on Monday, as in ISO 8601). */
export function weekStart(day: string): string {
  const weekday = dayStart(day).getDay();
  return addDays(day, -((weekday + 6) % 7));
}

/** The days shown: one, or the seven of its week. */
export function daysOf(mode: 'day' | 'week', anchor: string): string[] {
  if (mode === 'day') return [anchor];
  const first = weekStart(anchor);
  return Array.from({ length: 7 }, (_, i) => addDays(first, i));
}

/** Events overlapping a local day, earliest first. */
export function eventsOn(events: readonly CalendarEvent[], day: string): CalendarEvent[] {
  const from = dayStart(day).getTime();
  const to = dayStart(addDays(day, 1)).getTime();
  return events.filter((e) => Date.parse(e.startTime) < to && Date.parse(e.endTime) > from);
}

/** An ISO instant as the value of <input type="datetime-local"> (local wall time). */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

