/**
 * Rows of the log and of the projection as SQLite returns them, and what they mean: the field
 * writes of a log row, its wire form, a projected row's merge state and wire form.
 */
import type { Actor } from '../../../src-shared/domain/actor';
import { type ChangeOut, type Op, type RecordOut, isPlainObject } from '../../../src-shared/domain/change';
import { stampSortKey } from '../../../src-shared/hlc';
import type { FieldStamps, FieldValues, FieldWrite, LwwRecord } from '../../../src-shared/lww';

/** A row of `sync_changes`. */
export interface ChangeRow {
  seq: number;
  id: string;
  app_id: string;
  table_name: string;
  record_id: string;
  space_id: string | null;
  op: string;
  data: string;
  field_meta: string;
  client_id: string;
  created_at: string;
  actor: string | null;
  origin: string | null;
}

/** A row of `records` as SQLite returns it. */
export interface RecordRow {
  app_id: string;
  table_name: string;
  record_id: string;
  data: string;
  field_meta: string;
  deleted: number;
  last_seq: number;
}

/** The columns of a log row the projection reads. */
export type LogRow = Pick<ChangeRow, 'seq' | 'app_id' | 'table_name' | 'record_id' | 'op' | 'data' | 'field_meta'>;



/**
 * The field writes stored in a log row, or a reason why the row cannot be read. `field_meta` names
 * every field the change wrote; only the stamps' shape is checked (as `LoggedStamp` does on the
 * replica), since they were validated strictly when pushed.
 */
export function parseWrites(data: string, fieldMeta: string, op: string): Record<string, FieldWrite> | string {
  try {
    if (op !== 'insert' && op !== 'update' && op !== 'delete') return `unknown op ${op}`;
    const values = JSON.parse(data) as unknown;
    const meta = JSON.parse(fieldMeta) as unknown;
    if (!isPlainObject(values) || !isPlainObject(meta)) return 'data or field_meta is not an object';
    const writes: Record<string, FieldWrite> = {};
    for (const field in meta) {
      const at = meta[field];
      if (typeof at !== 'string' || stampSortKey(at) === null) return `field_meta.${field} is not a stamp`;
      writes[field] = { value: values[field] ?? null, at };
    }
    return writes;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The wire form of a log row, or why it cannot be read. */
export function rowToChange(row: ChangeRow): ChangeOut | { unreadable: string } {
  const fields = parseWrites(row.data, row.field_meta, row.op);
  if (typeof fields === 'string') return { unreadable: fields };
  let actor: Actor | null;
  try {
    actor = row.actor ? (JSON.parse(row.actor) as Actor) : null;
  } catch (error) {
    return { unreadable: `actor: ${(error as Error).message}` };
  }
  const out: ChangeOut = {
    seq: row.seq,
    eventId: row.id,
    app: row.app_id,
    table: row.table_name,
    id: row.record_id,
    op: row.op as Op,
    fields,
    actor,
    origin: row.origin,
    spaceId: row.space_id,
    clientId: row.client_id,
    createdAt: row.created_at,
  };
  // Upstream readers take an insert's values from `data` and a delete's tombstone from `deletedAt`.
  if (row.op === 'insert') out.data = Object.fromEntries(Object.entries(fields).map(([f, w]) => [f, w.value]));
  const tombstone = fields.deletedAt?.value;
  if (row.op === 'delete' && typeof tombstone === 'string') out.deletedAt = tombstone;
  return out;
}

/**
 * The merge state of a projected row. A damaged row (not JSON) counts as empty: the next change
 * rebuilds it from there on, and rebuildProjection restores it fully.
 */
export function parseRecordRow(row: Pick<RecordRow, 'data' | 'field_meta'>): LwwRecord | undefined {
  try {
    return { data: JSON.parse(row.data) as FieldValues, meta: JSON.parse(row.field_meta) as FieldStamps };
  } catch {
    return undefined;
  }
}

export function toRecordOut(row: RecordRow): RecordOut {
  return {
    app: row.app_id,
    table: row.table_name,
    id: row.record_id,
    data: JSON.parse(row.data) as FieldValues,
    meta: JSON.parse(row.field_meta) as FieldStamps,
    deleted: row.deleted === 1,
    seq: row.last_seq,
  };
}

