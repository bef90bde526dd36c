/**
 * Field-level last-writer-wins: THE merge rule, used by the engine's SQLite projection and by the
 * renderer's Dexie replica alike, so both end with the same record whatever the arrival order.
 *
 * Per field the larger stamp wins (see hlc.ts for how stamps compare). On an exact tie the larger
 * value by its canonical JSON wins, so the outcome never depends on which change arrived first.
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
  return canonicalJson(incoming.value) > canonicalJson(currentValue);
}

export interface MergeResult {
  record: LwwRecord;
  /** fields whose value or stamp changed */
  applied: string[];
}

/** Merges field writes into a record (or into nothing). Never mutates its inputs. */
export function mergeFields(current: LwwRecord | undefined, writes: Record<string, FieldWrite>): MergeResult {
  const data: FieldValues = current ? { ...current.data } : {};
  const meta: FieldStamps = current ? { ...current.meta } : {};
  const applied: string[] = [];
  for (const field of Object.keys(writes)) {
    const write = writes[field]!;
    if (!writeWins(write, meta[field], data[field])) continue;
    data[field] = write.value === undefined ? null : write.value;
    meta[field] = write.at;
    applied.push(field);
  }
  return { record: { data, meta }, applied };
}

export function isDeleted(record: LwwRecord | undefined): boolean {
  const d = record?.data.deletedAt;
  return d !== undefined && d !== null && d !== '' && d !== false;
}
