/**
 * The history keeper's reads and deletes (history/keeper.ts): runs and decided proposals old
 * enough to archive, read in key order a page at a time (one range of the key index each), and
 * the compact audit trail's entries past their retention.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import type { PrepareRecordsQuery, RecordsQuery } from './records-query';

/** A record's id and stored fields (JSON text). */
export interface StoredRow {
  id: string;
  data: string;
}

export class HistoryQueries {
  private readonly iterations: RecordsQuery;
  private readonly proposals: RecordsQuery;
  private readonly pruneAudit: Statement;

  constructor(db: Db, prepare: PrepareRecordsQuery) {
    // Not yet archived, not deleted, ended before the cutoff (a run without an end counts from its start).
    this.iterations = prepare(
      `SELECT record_id AS id, data FROM records
       WHERE app_id = 'ai' AND table_name = 'aiIterations' AND record_id > ? AND deleted = 0
         AND json_extract(data, '$.archivedAt') IS NULL
         AND COALESCE(json_extract(data, '$.finishedAt'), json_extract(data, '$.startedAt')) < ?
       ORDER BY record_id LIMIT ?`,
    );
    this.proposals = prepare(
      `SELECT record_id AS id, data FROM records
       WHERE app_id = 'ai' AND table_name = 'aiProposals' AND record_id > ? AND deleted = 0
         AND json_extract(data, '$.archivedAt') IS NULL AND json_extract(data, '$.status') <> 'pending'
         AND COALESCE(json_extract(data, '$.decidedAt'), json_extract(data, '$.createdAt')) < ?
       ORDER BY record_id LIMIT ?`,
    );
    this.pruneAudit = db.prepare('DELETE FROM audit_trail WHERE seq IN (SELECT seq FROM audit_trail WHERE created_at < ? ORDER BY seq LIMIT ?)');
  }

  /** Runs that ended before `before` and are not archived yet, after `afterId` in key order. */
  oldIterations(afterId: string, before: string, limit: number): StoredRow[] {
    return this.iterations.all(afterId, before, limit) as StoredRow[];
  }

  /** Decided proposals decided before `before` and not archived yet, after `afterId` in key order. */
  oldDecidedProposals(afterId: string, before: string, limit: number): StoredRow[] {
    return this.proposals.all(afterId, before, limit) as StoredRow[];
  }

  /** Deletes up to `limit` audit trail entries of changes that arrived before `before`; how many went. */
  pruneAuditTrail(before: string, limit: number): number {
    return this.pruneAudit.run(before, limit).changes;
  }
}
