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

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const numberFormat = new Intl.NumberFormat();

export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : timeOnly.format(d);
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : numberFormat.format(n);
}

/** 850 ms, 1.2 s, 2 min 05 s: short enough for a status bar. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * How long since `iso` (an instant from the engine) at `now` (this window's clock), never below
 * zero: the window's clock ticks coarsely and may run behind the engine's, and a running time of
 * "-360 ms" means nothing to anyone.
 */
export function formatElapsed(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  return formatDuration(Number.isNaN(ms) ? null : Math.max(0, ms));
}

/** "in 5 min", "3 h ago", "just now": for times close to now; farther ones as a date. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  const diff = t - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return diff >= 0 ? 'in a moment' : 'just now';
  const unit = abs < 3_600_000 ? { n: Math.round(abs / 60_000), u: 'min' } : abs < 86_400_000 ? { n: Math.round(abs / 3_600_000), u: 'h' } : null;
  if (!unit) return formatDateTime(iso);
  return diff >= 0 ? `in ${unit.n} ${unit.u}` : `${unit.n} ${unit.u} ago`;
}

/** YYYY-MM-DD of an instant on this machine's wall clock (for grouping by day). */
export function localDay(at: string | number | Date): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A short text of any value, for diffs and timelines. */
export function previewText(value: unknown, max = 160): string {
  const text = formatValue(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const localDateTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/**
 * A tool parameter for people: YYYY-MM-DD as a date, a zone-less YYYY-MM-DDTHH:MM as that wall
 * time (it is read in the user's zone), an instant in this machine's zone, anything else as is.
 */
export function formatParam(value: unknown): string {
  if (typeof value !== 'string') return formatValue(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  const wall = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(value);
  if (wall) {
    const [, y, mo, d, h, mi] = wall.map(Number) as number[];
    return localDateTime.format(new Date(y!, mo! - 1, d!, h!, mi!));
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return formatDateTime(value);
  return value;
}
