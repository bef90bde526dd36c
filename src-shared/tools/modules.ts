/**
 * The module records the planner reads and writes: where each lives in the change log (app/table)
 * and its shape. Tools (engine), input resolvers (engine) and module pages (renderer) share these,
 * so a field name is spelled once. Records are read leniently: any field may be missing.
 */
import { instantAt } from '../cadence';

export interface ModuleLocation {
  /** the module name used by tools, policies and mission inputs */
  module: string;
  app: string;
  table: string;
}

export const TASKS: ModuleLocation = { module: 'todo', app: 'todo', table: 'tasks' };
export const NOTES: ModuleLocation = { module: 'notes', app: 'notes', table: 'notes' };
export const EVENTS: ModuleLocation = { module: 'calendar', app: 'calendar', table: 'events' };
export const GOALS: ModuleLocation = { module: 'goals', app: 'goals', table: 'goals' };
/** A free-text document about the user ("kontext"): one record, linked to missions as an input. */
export const KONTEXT: ModuleLocation = { module: 'kontext', app: 'kontext', table: 'kontextDoc' };
export const KONTEXT_DOC_ID = 'default';

export const MODULE_LOCATIONS: readonly ModuleLocation[] = [TASKS, NOTES, EVENTS, GOALS, KONTEXT];

export type Priority = 'low' | 'medium' | 'high';
export type GoalPeriod = 'day' | 'week' | 'month';

export interface Task {
  title: string;
  description?: string | null;
  /** YYYY-MM-DD */
  dueDate?: string | null;
  priority?: Priority | null;
  done?: boolean;
  completedAt?: string | null;
  createdAt?: string;
}

export interface Note {
  title?: string | null;
  content: string;
  tags?: string[];
  createdAt?: string;
  updatedAt?: string;
}

export interface CalendarEvent {
  title: string;
  /** ISO instants */
  startTime: string;
  endTime: string;
  location?: string | null;
  description?: string | null;
  createdAt?: string;
}

export interface Goal {
  title: string;
  targetValue?: number | null;
  currentValue?: number;
  period?: GoalPeriod | null;
  createdAt?: string;
}

export interface KontextDoc {
  content: string;
  updatedAt?: string;
}

/**
 * The instant a date-time parameter stands for: an ISO instant with a zone as is, a zone-less
 * YYYY-MM-DDTHH:MM as wall-clock time in the user's zone, a bare date as its local midnight.
 * Null when the text is not a date.
 */
export function toInstant(text: string, timeZone: string): Date | null {
  const t = text.trim().replace(' ', 'T');
  if (/(Z|[+-]\d{2}:?\d{2})$/.test(t) && t.includes('T')) {
    const ms = Date.parse(t);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(t);
  if (!m) return null;
  const [, y, mo, d, h, mi] = m;
  const at = instantAt(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), timeZone);
  return Number.isNaN(at.getTime()) ? null : at;
}
