/**
 * When a mission runs next. Daily and weekly cadences are wall-clock times in the user's time
 * zone (an IANA name); the arithmetic goes through Intl so DST shifts land on the right hour.
 * Cron expressions are evaluated by a pluggable evaluator (the engine installs a maintained cron
 * parser); without one a cron cadence never becomes due rather than guessing.
 */
import type { Cadence } from './domain/ai';

export type CronEvaluator = (expression: string, from: Date, timeZone: string) => Date | null;
let cronEvaluator: CronEvaluator | null = null;
export function setCronEvaluator(fn: CronEvaluator | null): void {
  cronEvaluator = fn;
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
      return cronEvaluator ? cronEvaluator(cadence.expression, from, timeZone) : null;
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
