/**
 * Records frozen by stamps from the future, and their repair (issue 13, finding 3). A field stamped
 * far ahead of the clock wins every later write of that field, a tombstone so stamped keeps the
 * record deleted; such stamps are refused at the edge now, but a database may hold some from
 * before, or from a time this computer's own clock was wrong.
 *
 * The repair, run when the engine opens: each log change of a frozen record gets, for every field
 * stamped more than MAX_DRIFT_MS ahead of now, the time the change arrived here instead (its
 * `created_at`, or now if that is later) - the value stays, only its claim to the future goes -
 * and the record is projected again from its changes. Since replicas already hold the old stamps,
 * the caller then starts a new replica epoch (they hydrate again).
 *
 * Opening stays cheap: the Store keeps an upper bound of every stamp it projected (`boundKey` in
 * the settings table), and the scan of `records` runs only when that bound is beyond the horizon,
 * or unknown (a database from before the bound was kept).
 */
import type { Statement } from 'better-sqlite3';
import { MAX_DRIFT_MS, stampMillis } from '../../../src-shared/hlc';
import type { FieldStamps } from '../../../src-shared/lww';
import type { Db } from './db';
import { readFields, type RecordRow, stampsColumn } from './rows';

export interface RestampedField {
  seq: number;
  field: string;
  was: string;
  now: string;
}

export interface FrozenRecord {
  app: string;
  table: string;
  id: string;
}

/** One log row of a frozen record, after its stamps were brought back to its arrival time. */
export interface RepairedRow {
  seq: number;
  op: string;
  data: string;
  fieldMeta: string;
  setAside: boolean;
}

/** Loose stamps may carry an offset of up to a day: candidates are read from this much earlier. */
const OFFSET_MARGIN_MS = 2 * 86_400_000;
const KEY_SEPARATOR = '\u0000';

/** The settings row holding the upper bound of projected stamps. */
export const STAMP_BOUND_KEY = 'projection.latestStamp';

export class FrozenStamps {
  private readonly candidates: Statement;
  private readonly logRowsOf: Statement;
  private readonly restamp: Statement;
  private readonly deleteRecord: Statement;

  constructor(db: Db) {
    this.candidates = db.prepare(
      // json_tree: the stamps of either form of field_meta (packed: an array holding an object)
      `SELECT app_id, table_name, record_id, data, field_meta FROM records
       WHERE EXISTS (SELECT 1 FROM json_tree(records.field_meta) j WHERE j.type = 'text' AND j.value >= ?)`,
    );
    // one pass over the log for all frozen records (the log has no index by record)
    this.logRowsOf = db.prepare(
      `SELECT c.seq, c.app_id, c.table_name, c.record_id, c.op, c.data, c.field_meta, c.created_at, q.seq IS NOT NULL AS set_aside
       FROM sync_changes c LEFT JOIN quarantine q ON q.seq = c.seq
       WHERE c.app_id || char(0) || c.table_name || char(0) || c.record_id IN (SELECT value FROM json_each(?))
       ORDER BY c.seq`,
    );
    this.restamp = db.prepare('UPDATE sync_changes SET field_meta = ? WHERE seq = ?');
    this.deleteRecord = db.prepare('DELETE FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
  }

  /** Records with a field stamped after `horizonMs`. */
  frozenRecords(horizonMs: number): FrozenRecord[] {
    const rows = this.candidates.all(new Date(horizonMs - OFFSET_MARGIN_MS).toISOString()) as Pick<RecordRow, 'app_id' | 'table_name' | 'record_id' | 'data' | 'field_meta'>[];
    return rows
      .filter((r) => Object.values(stampsOf(r.data, r.field_meta)).some((at) => stampMillis(at) > horizonMs))
      .map((r) => ({ app: r.app_id, table: r.table_name, id: r.record_id }));
  }

  /**
   * Brings every stamp of these records' log changes that is after `horizonMs` back to the time
   * the change arrived (never later than `nowMs`), and empties their projected rows. Returns the
   * stamps changed and, per record, its log rows in order, to be projected again.
   */
  restampRecords(records: FrozenRecord[], horizonMs: number, nowMs: number): { restamped: RestampedField[]; rows: Map<string, RepairedRow[]> } {
    const keys = records.map((r) => [r.app, r.table, r.id].join(KEY_SEPARATOR));
    const found = this.logRowsOf.all(JSON.stringify(keys)) as {
      seq: number;
      app_id: string;
      table_name: string;
      record_id: string;
      op: string;
      data: string;
      field_meta: string;
      created_at: string;
      set_aside: number;
    }[];
    const restamped: RestampedField[] = [];
    const rows = new Map<string, RepairedRow[]>(keys.map((k) => [k, []]));
    for (const row of found) {
      const read = readFields(row.data, row.field_meta);
      const { data, meta } = typeof read === 'string' ? { data: {}, meta: {} as FieldStamps } : read;
      const arrived = Date.parse(row.created_at);
      const at = new Date(Number.isNaN(arrived) ? nowMs : Math.min(arrived, nowMs)).toISOString();
      let changed = false;
      for (const field in meta) {
        if (!(stampMillis(meta[field]!) > horizonMs)) continue;
        restamped.push({ seq: row.seq, field, was: meta[field]!, now: at });
        meta[field] = at;
        changed = true;
      }
      const fieldMeta = changed ? stampsColumn(meta, data) : row.field_meta;
      if (changed) this.restamp.run(fieldMeta, row.seq);
      rows.get([row.app_id, row.table_name, row.record_id].join(KEY_SEPARATOR))!.push({ seq: row.seq, op: row.op, data: row.data, fieldMeta, setAside: row.set_aside === 1 });
    }
    for (const r of records) this.deleteRecord.run(r.app, r.table, r.id);
    return { restamped, rows };
  }
}

/** A record's key as restampRecords keys its rows. */
export function frozenKey(r: FrozenRecord): string {
  return [r.app, r.table, r.id].join(KEY_SEPARATOR);
}

/** The horizon: the latest stamp a write may carry when the clock reads `nowMs`. */
export function stampHorizon(nowMs: number): number {
  return nowMs + MAX_DRIFT_MS;
}

/** The stamps of a row (either form of field_meta); none when it cannot be read. */
function stampsOf(data: string, fieldMeta: string): FieldStamps {
  const fields = readFields(data, fieldMeta);
  return typeof fields === 'string' ? {} : fields.meta;
}
