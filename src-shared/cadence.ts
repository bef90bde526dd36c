/**
 * When a mission runs next. Daily and weekly cadences are wall-clock times in the user's time
 * zone (an IANA name); the arithmetic goes through Intl so DST shifts land on the right hour.
 * Cron expressions (standard 5 fields, minute precision) are evaluated by croner: maintained, no
 * dependencies and browser-safe, so the engine and the renderer's previews share this one file.
 *
 * Missed runs are not replayed: the runner plans a mission whose nextRunAt has passed ONCE and then
 * asks nextRunAfter(cadence, now), so a week with the app closed yields one catch-up run, not seven.
 */
import { Cron } from 'croner';
import type { Cadence } from './domain/ai';

const crons = new Map<string, Cron>();
const CRON_CACHE_MAX = 500;

/** A parsed, never-scheduled croner instance (no callback, so it starts no timer). Throws on a bad expression. */
function cronFor(expression: string, timeZone: string): Cron {
  const key = `${timeZone}\u0000${expression}`;
  let cron = crons.get(key);
  if (!cron) {
    cron = new Cron(expression.trim(), { timezone: timeZone, mode: '5-part', paused: true });
    if (crons.size >= CRON_CACHE_MAX) crons.clear();
    crons.set(key, cron);
  }
  return cron;
}

/** Why a cron expression cannot be used, in words for the form; null when it is fine. */
export function cronProblem(expression: string): string | null {
  try {
    const next = cronFor(expression, 'UTC').nextRun(new Date());
    return next ? null : 'This expression never matches a future time.';
  } catch (error) {
    return `Not a valid cron expression (minute hour day-of-month month day-of-week): ${(error as Error).message.replace(/^CronPattern:\s*/, '')}`;
  }
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

interface WallParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export function wallClock(instant: Date, timeZone: string): WallParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
  };
}

/** The instant at which the wall clock in `timeZone` shows the given local date and time. */
export function instantAt(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  // Two refinement passes settle the zone offset, including across DST changes.
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const w = wallClock(new Date(t), timeZone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
    t += guess - shown;
  }
  return new Date(t);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The next run strictly after `from`, or null when the cadence never runs by itself. */
export function nextRunAfter(cadence: Cadence, from: Date, timeZone: string = systemTimeZone()): Date | null {
  switch (cadence.kind) {
    case 'manual':
      return null;
    case 'interval':
      return new Date(from.getTime() + cadence.everyMinutes * 60_000);
    case 'daily':
    case 'weekly': {
      const now = wallClock(from, timeZone);
      for (let offset = 0; offset <= 8; offset++) {
        const day = new Date(Date.UTC(now.year, now.month - 1, now.day + offset));
        if (cadence.kind === 'weekly' && day.getUTCDay() !== cadence.dayOfWeek) continue;
        const at = instantAt(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), cadence.atHour, cadence.atMinute ?? 0, timeZone);
        if (at.getTime() > from.getTime()) return at;
      }
      return null;
    }
    case 'cron':
      try {
        return cronFor(cadence.expression, timeZone).nextRun(from);
      } catch {
        return null; // an invalid expression never becomes due; the form reports cronProblem()
      }
  }
}

/** The next `count` runs after `from` (for previews). */
export function nextRuns(cadence: Cadence, from: Date, count: number, timeZone: string = systemTimeZone()): Date[] {
  const runs: Date[] = [];
  let cursor = from;
  while (runs.length < count) {
    const next = nextRunAfter(cadence, cursor, timeZone);
    if (!next) break;
    runs.push(next);
    cursor = next;
  }
  return runs;
}

export function describeCadence(cadence: Cadence): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (cadence.kind) {
    case 'manual':
      return 'Manual (run now only)';
    case 'interval':
      return cadence.everyMinutes % 60 === 0 ? `Every ${cadence.everyMinutes / 60} h` : `Every ${cadence.everyMinutes} min`;
    case 'daily':
      return `Daily at ${pad(cadence.atHour)}:${pad(cadence.atMinute ?? 0)}`;
    case 'weekly':
      return `Weekly on ${WEEKDAYS[cadence.dayOfWeek]} at ${pad(cadence.atHour)}:${pad(cadence.atMinute ?? 0)}`;
    case 'cron':
      return `Cron ${cadence.expression}`;
  }
}
