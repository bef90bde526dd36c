/**
 * The history keeper's reads and deletes (history/keeper.ts): runs and decided proposals old
 * enough to archive, oldest first a page at a time (partial indexes hold only those not archived), and
 * the compact audit trail's entries past their retention. Also the records whose history was
 * compacted, for a sync client that has to send them to a server that never saw it (sync/bases.ts).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import type { PrepareRecordsQuery, RecordsQuery } from './records-query';
import type { RecordRow } from './rows';

/** A record's key: app, table, id (pages of records in key order start after one). */
export type RecordKey = readonly [app: string, table: string, id: string];

/** A record's id and stored fields (JSON text). */
export interface StoredRow {
  id: string;
  data: string;
}

/** Where a page of records to archive ends: its last row's age and rowid (the next page starts after). */
export interface ArchiveCursor {
  age: string;
  rowid: number;
}

/** Before the first page. */
export const FIRST_PAGE: ArchiveCursor = { age: '', rowid: 0 };

type AgedRow = StoredRow & ArchiveCursor;

export class HistoryQueries {
  private readonly iterations: RecordsQuery;
  private readonly proposals: RecordsQuery;
  private readonly pruneAudit: Statement;
  private readonly compacted: RecordsQuery;

  constructor(db: Db, prepare: PrepareRecordsQuery) {
    // Through the partial indexes of migration 4 (their WHERE spelled literally, so they apply),
    // oldest first, a page at a time by (age, rowid).
    this.iterations = prepare(
      `SELECT record_id AS id, data, json_extract(data, '$.startedAt') AS age, rowid FROM records INDEXED BY records_runs_to_archive
       WHERE app_id = 'ai' AND table_name = 'aiIterations' AND deleted = 0 AND json_extract(data, '$.archivedAt') IS NULL
         AND (json_extract(data, '$.startedAt'), rowid) > (?, ?) AND json_extract(data, '$.startedAt') < ?
       ORDER BY json_extract(data, '$.startedAt'), rowid LIMIT ?`,
    );
    this.proposals = prepare(
      `SELECT record_id AS id, data, COALESCE(json_extract(data, '$.decidedAt'), json_extract(data, '$.createdAt')) AS age, rowid
       FROM records INDEXED BY records_proposals_to_archive
       WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0 AND json_extract(data, '$.archivedAt') IS NULL
         AND json_extract(data, '$.status') <> 'pending'
         AND (COALESCE(json_extract(data, '$.decidedAt'), json_extract(data, '$.createdAt')), rowid) > (?, ?)
         AND COALESCE(json_extract(data, '$.decidedAt'), json_extract(data, '$.createdAt')) < ?
       ORDER BY COALESCE(json_extract(data, '$.decidedAt'), json_extract(data, '$.createdAt')), rowid LIMIT ?`,
    );
    // A record has compacted history when its row is its own base (last change at or below the
    // compaction point) or it has a record_base row (changed since): store/compaction.ts.
    this.compacted = prepare(
      `SELECT r.* FROM records r
       WHERE (r.app_id, r.table_name, r.record_id) > (?, ?, ?)
         AND (r.last_seq <= ? OR EXISTS (SELECT 1 FROM record_base b WHERE b.app_id = r.app_id AND b.table_name = r.table_name AND b.record_id = r.record_id))
       ORDER BY r.app_id, r.table_name, r.record_id LIMIT ?`,
    );
    this.pruneAudit = db.prepare('DELETE FROM audit_trail WHERE seq IN (SELECT seq FROM audit_trail WHERE created_at < ? ORDER BY seq LIMIT ?)');
  }

  /** Runs started before `before` and not archived yet, oldest first, after `after`. */
  oldIterations(after: ArchiveCursor, before: string, limit: number): AgedRow[] {
    return this.iterations.all(after.age, after.rowid, before, limit) as AgedRow[];
  }

  /** Proposals decided before `before` and not archived yet, oldest first, after `after`. */
  oldDecidedProposals(after: ArchiveCursor, before: string, limit: number): AgedRow[] {
    return this.proposals.all(after.age, after.rowid, before, limit) as AgedRow[];
  }

  /** Records with history compacted up to `compactedThrough`, in key order after `after` (null: from the first). */
  compactedRecords(after: RecordKey | null, compactedThrough: number, limit: number): RecordRow[] {
    const [app, table, id] = after ?? ['', '', ''];
    return this.compacted.all(app, table, id, compactedThrough, limit) as RecordRow[];
  }

  /** Deletes up to `limit` audit trail entries of changes that arrived before `before`; how many went. */
  pruneAuditTrail(before: string, limit: number): number {
    return this.pruneAudit.run(before, limit).changes;
  }
}
