import type { Cadence } from '../../../src-shared/domain/ai';

export type CadenceKind = 'manual' | 'interval' | 'daily' | 'weekly';

export interface CadenceDraft {
  kind: CadenceKind;
  everyMinutes: string;
  /** HH:MM from an <input type="time"> */
  time: string;
  dayOfWeek: string;
}

export const EMPTY_CADENCE: CadenceDraft = { kind: 'manual', everyMinutes: '60', time: '09:00', dayOfWeek: '1' };

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The cadence a draft stands for, or an error message for the form. */
export function cadenceFromDraft(d: CadenceDraft): Cadence | string {
  if (d.kind === 'manual') return { kind: 'manual' };
  if (d.kind === 'interval') {
    const n = Number(d.everyMinutes);
    if (!Number.isInteger(n) || n < 1) return 'The interval must be a whole number of minutes, at least 1.';
    return { kind: 'interval', everyMinutes: n };
  }
  const m = /^(\d{1,2}):(\d{2})/.exec(d.time);
  const atHour = m ? Number(m[1]) : NaN;
  const atMinute = m ? Number(m[2]) : NaN;
  if (!(atHour >= 0 && atHour <= 23 && atMinute >= 0 && atMinute <= 59)) return 'Pick a time of day.';
  if (d.kind === 'daily') return { kind: 'daily', atHour, atMinute };
  return { kind: 'weekly', dayOfWeek: Number(d.dayOfWeek), atHour, atMinute };
}
