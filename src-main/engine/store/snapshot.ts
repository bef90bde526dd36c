/**
 * Pages of the projection for a new replica to hydrate from (`sync.snapshot`), by keyset along
 * the key index: each page is one range scan, however deep.
 */
import type { Statement } from 'better-sqlite3';
import type { RecordOut } from '../../../src-shared/domain/change';
import type { Db } from './db';
import { type RecordRow, toRecordOut } from './rows';

/** A row of a snapshot page sent as text: 1 in `valid` when its data and field_meta are well-formed JSON. */
type CheckedRecordRow = RecordRow & { valid: number };



/** The two statements of keyset paging through `records`: the first page, and a page after a key. */
interface PageQueries {
  first: Statement;
  after: Statement;
}

/** Where a snapshot page ends: the key of its last record. */
export type SnapshotKey = [app: string, table: string, id: string];

/** The opaque `afterKey` of the api, or null when it was not made by `encodeSnapshotKey`. */
export function decodeSnapshotKey(key: string): SnapshotKey | null {
  try {
    const parts = JSON.parse(key) as unknown;
    return Array.isArray(parts) && parts.length === 3 && parts.every((p) => typeof p === 'string') ? (parts as SnapshotKey) : null;
  } catch {
    return null;
  }
}

export function encodeSnapshotKey(key: SnapshotKey): string {
  return JSON.stringify(key);
}

export class SnapshotPages {
  private readonly pages: PageQueries;
  private readonly checkedPages: PageQueries;

  /** `settle` brings `records` up to the log; `maxSeq` is the log's last seq. */
  constructor(
    private readonly db: Db,
    private readonly settle: () => void,
    private readonly maxSeq: () => number,
  ) {
    const pageQueries = (columns: string): PageQueries => ({
      first: db.prepare(`SELECT ${columns} FROM records ORDER BY app_id, table_name, record_id LIMIT ?`),
      after: db.prepare(`SELECT ${columns} FROM records WHERE (app_id, table_name, record_id) > (?, ?, ?) ORDER BY app_id, table_name, record_id LIMIT ?`),
    });
    this.pages = pageQueries('*');
    // `valid`: whether the stored JSON can be sent as it is (recordsJson); only that path pays for the check.
    this.checkedPages = pageQueries('*, json_valid(data) AND json_valid(field_meta) AS valid');
  }

  /**
   * A page of the projection, tombstones included (a replica needs them to refuse older writes),
   * for a new replica to hydrate from instead of replaying the whole log. `seq` is read in the same
   * read transaction as the page, so the page reflects exactly the log up to `seq`. A replica keeps
   * the FIRST page's seq as its pull cursor: later pages may reflect later changes too, and pulling
   * those again is harmless because the merge is idempotent.
   */
  page(afterKey: SnapshotKey | null, limit: number): { records: RecordOut[]; seq: number; nextKey: SnapshotKey | null } {
    const { rows, seq, nextKey } = this.rows<RecordRow>(this.pages, afterKey, limit);
    return { records: rows.map(toRecordOut), seq, nextKey };
  }

  /**
   * The same page as `page`, as the JSON text of its `records` array, made from the stored
   * JSON without parsing it: the HTTP host sends this (hydrating parsed and re-serialised every
   * record otherwise, the engine's main cost of a page). Each `meta` is the stored `field_meta`,
   * so its stamps are packed (rows.ts; SNAPSHOT_PAGE_FORMAT, which the replica unpacks) or, in a
   * row not written since they were, plain. Null when a row's JSON is damaged; then `page`
   * reports it.
   */
  pageJson(afterKey: SnapshotKey | null, limit: number): { recordsJson: string; seq: number; nextKey: SnapshotKey | null } | null {
    const { rows, seq, nextKey } = this.rows<CheckedRecordRow>(this.checkedPages, afterKey, limit);
    const parts: string[] = [];
    for (const row of rows) {
      if (row.valid !== 1) return null;
      parts.push(
        `{"app":${JSON.stringify(row.app_id)},"table":${JSON.stringify(row.table_name)},"id":${JSON.stringify(row.record_id)},"data":${row.data},"meta":${row.field_meta},"deleted":${row.deleted === 1},"seq":${row.last_seq}}`,
      );
    }
    return { recordsJson: `[${parts.join(',')}]`, seq, nextKey };
  }

  private rows<Row extends RecordRow>(queries: PageQueries, afterKey: SnapshotKey | null, limit: number): { rows: Row[]; seq: number; nextKey: SnapshotKey | null } {
    this.settle();
    return this.db.transaction(() => {
      const seq = this.maxSeq();
      const rows = (afterKey ? queries.after.all(...afterKey, limit + 1) : queries.first.all(limit + 1)) as Row[];
      const page = rows.length > limit ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      const nextKey: SnapshotKey | null = rows.length > limit && last ? [last.app_id, last.table_name, last.record_id] : null;
      return { rows: page, seq, nextKey };
    })();
  }
}
