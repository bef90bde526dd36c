/**
 * THE date types of the app: a calendar date (YYYY-MM-DD) and a date-time (a wall time, or an
 * instant with a zone), both naming a day that exists. Tool parameters, the forms that edit them
 * and the plan schema sent to the model all use these, so `2026-02-30` or `2026-13-45` is refused
 * everywhere alike (JavaScript's Date would quietly roll them over into March or next year).
 *
 * The patterns say the calendar exactly (month lengths, leap years of the proleptic Gregorian
 * calendar JavaScript uses), so the JSON schema sent to the model is no wider than the validator.
 * They use only what llama.cpp's schema-to-grammar converter reads the way JavaScript does:
 * anchored, plain groups and alternatives, `[0-9]` classes, counted repeats.
 */
import { z } from 'zod';

const MONTH_DAY = '((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))';
/** Years divisible by 4 but not by 100, or by 400. */
const LEAP_YEAR = '([0-9]{2}(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)';
const DATE = `([0-9]{4}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const HOUR = '([01][0-9]|2[0-3])';
const MINUTE = '[0-5][0-9]';

/** YYYY-MM-DD of a day that exists. */
export const CALENDAR_DATE_PATTERN = new RegExp(`^${DATE}$`);
/** YYYY-MM-DDTHH:MM[:SS[.fraction]][zone] on a day that exists (a space may stand for the T). */
export const DATE_TIME_PATTERN = new RegExp(`^${DATE}[T ]${HOUR}:${MINUTE}(:${MINUTE}(\\.[0-9]{1,9})?)?(Z|[+-]${HOUR}:?${MINUTE})?$`);

export function isCalendarDate(text: string): boolean {
  return CALENDAR_DATE_PATTERN.test(text);
}

export function isDateTime(text: string): boolean {
  return DATE_TIME_PATTERN.test(text);
}

/** A day, as YYYY-MM-DD. */
export const CalendarDate = z.string().regex(CALENDAR_DATE_PATTERN, 'a real calendar date as YYYY-MM-DD');
/** A local date-time (read in the user's time zone) or an ISO instant with a zone. */
export const DateTime = z.string().regex(DATE_TIME_PATTERN, 'a date-time as YYYY-MM-DDTHH:MM (local time) or an ISO instant, on a real calendar date');
/** A date or a date-time, for ranges. */
export const DateOrDateTime = z.union([CalendarDate, DateTime]);
