/**
 * Field-level last-writer-wins: THE merge rule, used by the engine's SQLite projection and by the
 * renderer's Dexie replica alike, so both end with the same record whatever the arrival order.
 *
 * Per field the larger stamp wins (see hlc.ts for how stamps compare: our HLC strings and plain ISO
 * instants of any precision or offset are kept as given and compared as instants). Ties are broken
 * by a total order on the write itself, never by arrival: first the larger value by its canonical
 * JSON, then (same instant, same value, e.g. `…00Z` vs `…00.000Z`) the larger stamp spelling, so
 * even the stored stamp converges. Two HLC writers can never tie (node ids differ); ties come only
 * from upstream clients' plain instants. Because the winner is the maximum of a total order, the
 * merge is commutative, associative and idempotent: any order of arrival, duplicates included,
 * gives the same record.
 * A tombstone is the field `deletedAt` and merges like any other: an insert implicitly writes
 * `deletedAt: null` at its own stamp, so a newer insert (or an update that sets `deletedAt: null`)
 * revives a record, while an older one cannot.
 */
import { compareStamps } from './hlc';

export type FieldValues = Record<string, unknown>;
/** field name -> stamp of the write that produced the current value */
export type FieldStamps = Record<string, string>;

export interface LwwRecord {
  data: FieldValues;
  meta: FieldStamps;
}

export interface FieldWrite {
  value: unknown;
  at: string;
}

export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** Does a write (incomingAt, incomingValue) beat the current field (currentAt, currentValue)? */
export function writeWins(incoming: FieldWrite, currentAt: string | undefined, currentValue: unknown): boolean {
  if (currentAt === undefined) return true;
  const c = compareStamps(incoming.at, currentAt);
  if (c !== 0) return c > 0;
  const incomingJson = canonicalJson(incoming.value);
  const currentJson = canonicalJson(currentValue);
  if (incomingJson !== currentJson) return incomingJson > currentJson;
  return incoming.at > currentAt;
}

export interface MergeResult {
  record: LwwRecord;
  /** fields whose value or stamp changed */
  applied: string[];
}

/** Merges field writes into a record (or into nothing). Never mutates its inputs. */
export function mergeFields(current: LwwRecord | undefined, writes: Record<string, FieldWrite>): MergeResult {
  const record: LwwRecord = { data: current ? { ...current.data } : {}, meta: current ? { ...current.meta } : {} };
  return { record, applied: mergeFieldsInto(record, writes) };
}

/**
 * The same merge, in place, for a caller that owns `record` (the engine's projection of a batch):
 * a million appends then allocate no copies. Returns the fields applied.
 */
export function mergeFieldsInto(record: LwwRecord, writes: Record<string, FieldWrite>): string[] {
  const { data, meta } = record;
  const applied: string[] = [];
  for (const field in writes) {
    const write = writes[field]!;
    if (!writeWins(write, meta[field], data[field])) continue;
    data[field] = write.value === undefined ? null : write.value;
    meta[field] = write.at;
    applied.push(field);
  }
  return applied;
}

export function isDeleted(record: LwwRecord | undefined): boolean {
  const d = record?.data.deletedAt;
  return d !== undefined && d !== null && d !== '' && d !== false;
}
