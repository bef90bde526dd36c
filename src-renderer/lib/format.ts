import { ApiError } from '../../src-shared/api';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** A calendar date (YYYY-MM-DD) shown without shifting it through the local zone. */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '—';
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dateOnly.format(d);
}

export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A user-facing message; validation errors list what was wrong with which field. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError && e.issues?.length) {
    const details = e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    return `${e.message} (${details.join('; ')})`;
  }
  return e instanceof Error ? e.message : String(e);
}
