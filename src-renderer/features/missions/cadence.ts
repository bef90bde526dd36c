import { cronProblem } from '../../../src-shared/cadence';
import type { Cadence } from '../../../src-shared/domain/ai';

export type CadenceKind = Cadence['kind'];

/** What the cadence inputs hold (strings, as inputs do). */
export interface CadenceDraft {
  kind: CadenceKind;
  everyMinutes: string;
  /** HH:MM from an <input type="time"> */
  time: string;
  dayOfWeek: string;
  expression: string;
}

export const EMPTY_CADENCE: CadenceDraft = { kind: 'manual', everyMinutes: '60', time: '09:00', dayOfWeek: '1', expression: '0 9 * * 1-5' };

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number) => String(n).padStart(2, '0');

/** The draft that shows an existing cadence (other fields keep their defaults). */
export function draftFromCadence(c: Cadence): CadenceDraft {
  switch (c.kind) {
    case 'manual':
      return EMPTY_CADENCE;
    case 'interval':
      return { ...EMPTY_CADENCE, kind: 'interval', everyMinutes: String(c.everyMinutes) };
    case 'daily':
      return { ...EMPTY_CADENCE, kind: 'daily', time: `${pad(c.atHour)}:${pad(c.atMinute ?? 0)}` };
    case 'weekly':
      return { ...EMPTY_CADENCE, kind: 'weekly', dayOfWeek: String(c.dayOfWeek), time: `${pad(c.atHour)}:${pad(c.atMinute ?? 0)}` };
    case 'cron':
      return { ...EMPTY_CADENCE, kind: 'cron', expression: c.expression };
  }
}

/** The cadence a draft stands for, or an error message for the form. */
export function cadenceFromDraft(d: CadenceDraft): Cadence | string {
  if (d.kind === 'manual') return { kind: 'manual' };
  if (d.kind === 'interval') {
    const n = Number(d.everyMinutes);
    if (!Number.isInteger(n) || n < 1) return 'The interval must be a whole number of minutes, at least 1.';
    return { kind: 'interval', everyMinutes: n };
  }
  if (d.kind === 'cron') {
    const expression = d.expression.trim();
    return cronProblem(expression) ?? { kind: 'cron', expression };
  }
  const m = /^(\d{1,2}):(\d{2})/.exec(d.time);
  const atHour = m ? Number(m[1]) : NaN;
  const atMinute = m ? Number(m[2]) : NaN;
  if (!(atHour >= 0 && atHour <= 23 && atMinute >= 0 && atMinute <= 59)) return 'Pick a time of day.';
  if (d.kind === 'daily') return { kind: 'daily', atHour, atMinute };
  return { kind: 'weekly', dayOfWeek: Number(d.dayOfWeek), atHour, atMinute };
}
