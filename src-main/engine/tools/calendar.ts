import { type CalendarEvent, EVENTS, toInstant } from '../../../src-shared/tools/modules';
import { todayIn } from './common';
import { type ToolContext, ToolError } from './types';
import type { ToolImpl } from './types';

const DAY_MS = 86_400_000;
const DEFAULT_RANGE_DAYS = 7;

function instant(ctx: ToolContext, text: string, what: string): Date {
  const at = toInstant(text, ctx.timeZone);
  if (!at) throw new ToolError(`${what} "${text}" is not a date-time; use YYYY-MM-DDTHH:MM.`);
  return at;
}

/** The range [from, to): a bare date as `to` includes that whole day. */
function range(ctx: ToolContext, from?: string, to?: string): { from: Date; to: Date } {
  const start = instant(ctx, from ?? todayIn(ctx), 'from');
  if (!to) return { from: start, to: new Date(start.getTime() + DEFAULT_RANGE_DAYS * DAY_MS) };
  const end = instant(ctx, to, 'to');
  return { from: start, to: /^\d{4}-\d{2}-\d{2}$/.test(to.trim()) ? new Date(end.getTime() + DAY_MS) : end };
}

export const listEvents: ToolImpl<{ from?: string; to?: string }> = {
  name: 'list_events',
  run(ctx, p) {
    const { from, to } = range(ctx, p.from, p.to);
    const events = ctx.store
      .listData<CalendarEvent>(EVENTS.app, EVENTS.table)
      .filter((e) => Date.parse(e.startTime) < to.getTime() && Date.parse(e.endTime) > from.getTime())
      .sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
    return {
      result: events.map((e) => ({ id: e.id, title: e.title, startTime: e.startTime, endTime: e.endTime, location: e.location ?? null })),
      effects: [],
    };
  },
};

export const createEvent: ToolImpl<{ title: string; startTime: string; endTime: string; location?: string; description?: string }> = {
  name: 'create_event',
  run(ctx, p) {
    const start = instant(ctx, p.startTime, 'startTime');
    const end = instant(ctx, p.endTime, 'endTime');
    if (end.getTime() <= start.getTime()) throw new ToolError('The event must end after it starts.');
    const id = ctx.newId('event');
    const fields: CalendarEvent = {
      title: p.title,
      startTime: start.toISOString(),
      endTime: end.toISOString(),
      location: p.location ?? null,
      description: p.description ?? null,
      createdAt: ctx.now.toISOString(),
    };
    return { result: { eventId: id, startTime: fields.startTime, endTime: fields.endTime }, effects: [{ app: EVENTS.app, table: EVENTS.table, id, op: 'insert', fields: { ...fields } }] };
  },
};

export const CALENDAR_TOOLS = [listEvents, createEvent] as ToolImpl<never>[];
