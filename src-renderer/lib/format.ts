import { ApiError } from '../../src-shared/api';
import { plainIssues } from './plainIssues';

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

/**
 * A user-facing message; validation errors say in words what was wrong with which field. The
 * engine's generic "Invalid input for <method>" adds nothing a person can use, so it is left out.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError && e.issues?.length) {
    const details = plainIssues(e.issues);
    return /^Invalid input( for [\w.]+)?$/.test(e.message) ? details : `${e.message}: ${details}`;
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

/** 850 ms, 1.2 s, 2 min 05 s: short enough for a status bar. Never negative. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = Math.max(0, ms);
  if (d < 1000) return `${Math.round(d)} ms`;
  if (d < 60_000) return `${(d / 1000).toFixed(d < 10_000 ? 1 : 0)} s`;
  const s = Math.round(d / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** How long something has been going since `startedAt`, by the caller's clock (0 s if that clock is behind). */
export function formatElapsed(startedAt: string, now: number): string {
  const t = Date.parse(startedAt);
  return Number.isNaN(t) ? '—' : formatDuration(Math.max(0, now - t));
}

const NEAR_MS = 45_000;

/** 5 min, 3 h: the distance between two instants when it is under a day, else null. */
function distance(ms: number): string | null {
  if (ms < 3_600_000) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return null;
}

/**
 * When something happened: "just now", "5 min ago", "3 h ago", else its date. A time that reads
 * as future on this clock (another machine's clock runs ahead) is still in the past: "just now".
 */
export function formatSince(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const ago = now - t;
  if (ago < NEAR_MS) return 'just now';
  const d = distance(ago);
  return d ? `${d} ago` : formatDateTime(iso);
}

/**
 * When something is due: "in a moment", "in 5 min", "in 3 h", else its date. A time already
 * passed is never "ago": it is due now (`overdue` says it in the caller's words).
 */
export function formatUntil(iso: string | null | undefined, now: number, overdue = 'due now'): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const ahead = t - now;
  if (ahead <= 0) return overdue;
  if (ahead < NEAR_MS) return 'in a moment';
  const d = distance(ahead);
  return d ? `in ${d}` : formatDateTime(iso);
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
