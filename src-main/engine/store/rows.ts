/**
 * Rows of the log and of the projection as SQLite returns them, and what they mean: the field
 * writes of a log row, its wire form, a projected row's merge state and wire form.
 */
import type { Actor } from '../../../src-shared/domain/actor';
import { type ChangeOut, type Op, type RecordOut, type SnapshotRecordOut, isPlainObject } from '../../../src-shared/domain/change';
import type { FieldStamps, FieldValues, FieldWrite, LwwRecord } from '../../../src-shared/lww';
import { type PackedStamps, packStamps, unpackStamps } from '../../../src-shared/packed-stamps';

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
 * The `field_meta` column as the Store writes it, in `sync_changes`, `records` and `record_base`:
 * the stamps packed (src-shared/packed-stamps.ts), most often one stamp for every field.
 */
export function stampsColumn(meta: FieldStamps, data: FieldValues): string {
  return packStamps(meta, data);
}

/**
 * A row's data and field stamps (`field_meta` packed, or plain as rows written before packing
 * keep it), or why they cannot be read: the one decoder of the columns, for log and projected
 * rows alike. Only the stamps' shape is checked (as `LoggedStamp` does on the replica), since
 * they were validated strictly when written.
 */
export function readFields(data: string, fieldMeta: string): LwwRecord | string {
  const read = readColumns(data, fieldMeta);
  return typeof read === 'string' ? read : { data: read.data, meta: read.meta };
}

/** readFields, with the stamps also as stored (`stored`: packed, or plain in a row written before packing). */
function readColumns(data: string, fieldMeta: string): (LwwRecord & { stored: PackedStamps | FieldStamps }) | string {
  try {
    const values = JSON.parse(data) as unknown;
    if (!isPlainObject(values)) return 'data is not an object';
    const stored = JSON.parse(fieldMeta) as PackedStamps | FieldStamps;
    const meta = unpackStamps(stored, values, 'field_meta');
    return typeof meta === 'string' ? meta : { data: values, meta, stored };
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The field writes stored in a log row, or a reason why the row cannot be read. `field_meta` names
 * every field the change wrote.
 */
export function parseWrites(data: string, fieldMeta: string, op: string): Record<string, FieldWrite> | string {
  if (op !== 'insert' && op !== 'update' && op !== 'delete') return `unknown op ${op}`;
  const fields = readFields(data, fieldMeta);
  if (typeof fields === 'string') return fields;
  const writes: Record<string, FieldWrite> = {};
  for (const field in fields.meta) writes[field] = { value: fields.data[field] ?? null, at: fields.meta[field]! };
  return writes;
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
  const fields = readFields(row.data, row.field_meta);
  return typeof fields === 'string' ? undefined : fields;
}

/**
 * A projected row as a snapshot page sends it (SNAPSHOT_PAGE_FORMAT): its stamps as stored, which
 * a new replica's chunks keep as they are (src-renderer/db/freshChunks.ts), checked as toRecordOut
 * checks them; throws when the row cannot be read.
 */
export function toSnapshotRecordOut(row: RecordRow): SnapshotRecordOut {
  const fields = readColumns(row.data, row.field_meta);
  if (typeof fields === 'string') throw new SyntaxError(`record ${row.app_id}/${row.table_name}/${row.record_id}: ${fields}`);
  return { app: row.app_id, table: row.table_name, id: row.record_id, data: fields.data, meta: fields.stored, deleted: row.deleted === 1, seq: row.last_seq };
}

/** The api form of a projected row; throws when the row cannot be read (as JSON.parse did). */
export function toRecordOut(row: RecordRow): RecordOut {
  const fields = readFields(row.data, row.field_meta);
  if (typeof fields === 'string') throw new SyntaxError(`record ${row.app_id}/${row.table_name}/${row.record_id}: ${fields}`);
  return {
    app: row.app_id,
    table: row.table_name,
    id: row.record_id,
    data: fields.data,
    meta: fields.meta,
    deleted: row.deleted === 1,
    seq: row.last_seq,
  };
}

