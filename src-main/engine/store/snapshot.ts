/**
 * Pages of the projection for a new replica to hydrate from (`sync.snapshot`), by keyset along
 * the key index: each page is one range scan, however deep.
 */
import type { Statement } from 'better-sqlite3';
import type { SnapshotRecordOut } from '../../../src-shared/domain/change';
import type { Db } from './db';
import { type RecordRow, toSnapshotRecordOut } from './rows';

/**
 * A record as the JSON text of a snapshot page, made by SQLite from the stored JSON (no row object
 * and no string per field in between); NULL when its data or field_meta is not well-formed JSON.
 */
const RECORD_JSON = `CASE WHEN json_valid(data) AND json_valid(field_meta) THEN '{"app":' || json_quote(app_id) || ',"table":' || json_quote(table_name) || ',"id":' || json_quote(record_id) || ',"data":' || data || ',"meta":' || field_meta || ',"deleted":' || CASE deleted WHEN 1 THEN 'true' ELSE 'false' END || ',"seq":' || last_seq || '}' END`;
const KEY_ORDER = 'app_id, table_name, record_id';

type KeyRow = Pick<RecordRow, 'app_id' | 'table_name' | 'record_id'>;

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
  /** the page's records as JSON text, one string each (pageJson) */
  private readonly textPages: PageQueries;
  /** the key of a page's last record: an index-only scan */
  private readonly lastKeys: PageQueries;

  /** `settle` brings `records` up to the log; `maxSeq` is the log's last seq. */
  constructor(
    private readonly db: Db,
    private readonly settle: () => void,
    private readonly maxSeq: () => number,
  ) {
    const pageQueries = (select: (from: string) => string): PageQueries => ({
      first: db.prepare(select('records')),
      after: db.prepare(select(`records WHERE (${KEY_ORDER}) > (?, ?, ?)`)),
    });
    this.pages = pageQueries((from) => `SELECT * FROM ${from} ORDER BY ${KEY_ORDER} LIMIT ?`);
    this.textPages = pageQueries((from) => `SELECT ${RECORD_JSON} FROM ${from} ORDER BY ${KEY_ORDER} LIMIT ?`);
    // one column: each row is its text
    this.textPages.first.pluck();
    this.textPages.after.pluck();
    this.lastKeys = pageQueries((from) => `SELECT ${KEY_ORDER} FROM ${from} ORDER BY ${KEY_ORDER} LIMIT 1 OFFSET ?`);
  }

  /**
   * A page of the projection, tombstones included (a replica needs them to refuse older writes),
   * for a new replica to hydrate from instead of replaying the whole log. `seq` is read in the same
   * read transaction as the page, so the page reflects exactly the log up to `seq`. A replica keeps
   * the FIRST page's seq as its pull cursor: later pages may reflect later changes too, and pulling
   * those again is harmless because the merge is idempotent. Stamps are sent as stored (packed,
   * SNAPSHOT_PAGE_FORMAT), as pageJson sends them.
   */
  page(afterKey: SnapshotKey | null, limit: number): { records: SnapshotRecordOut[]; seq: number; nextKey: SnapshotKey | null } {
    this.settle();
    return this.db.transaction(() => {
      const seq = this.maxSeq();
      const rows = (afterKey ? this.pages.after.all(...afterKey, limit + 1) : this.pages.first.all(limit + 1)) as RecordRow[];
      const page = rows.length > limit ? rows.slice(0, limit) : rows;
      const last = page.at(-1);
      const nextKey: SnapshotKey | null = rows.length > limit && last ? [last.app_id, last.table_name, last.record_id] : null;
      return { records: page.map(toSnapshotRecordOut), seq, nextKey };
    })();
  }

  /**
   * The same page as `page`, as the JSON text of its `records` array, made from the stored JSON
   * without parsing it (hydrating parsed and re-serialised every record otherwise, the engine's
   * main cost of a page): SQLite writes each record's text, so the host builds no row objects (a
   * third of the CPU of the rows-then-strings way, counting its garbage collection).
   * Each `meta` is the stored `field_meta`, so its stamps are packed (rows.ts;
   * SNAPSHOT_PAGE_FORMAT, which the replica unpacks) or, in a row not written since they were,
   * plain. Null when a row's JSON is damaged; then `page` reports it.
   */
  pageJson(afterKey: SnapshotKey | null, limit: number): { recordsJson: string; seq: number; nextKey: SnapshotKey | null } | null {
    this.settle();
    return this.db.transaction(() => {
      const seq = this.maxSeq();
      const texts = (afterKey ? this.textPages.after.all(...afterKey, limit + 1) : this.textPages.first.all(limit + 1)) as (string | null)[];
      const more = texts.length > limit;
      if (more) texts.pop();
      if (texts.includes(null)) return null;
      const last = more ? ((afterKey ? this.lastKeys.after.get(...afterKey, limit - 1) : this.lastKeys.first.get(limit - 1)) as KeyRow | undefined) : undefined;
      const nextKey: SnapshotKey | null = last ? [last.app_id, last.table_name, last.record_id] : null;
      return { recordsJson: `[${texts.join(',')}]`, seq, nextKey };
    })();
  }
}
