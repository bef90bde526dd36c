/**
 * The audit timeline's read of the change log: newest first, filtered by any of app, table,
 * record, origin, and paged by `seq`. After the log rows come the compacted ones' entries
 * (`audit_trail`, compaction.ts: the same columns, values cut short), as one sequence by seq.
 * Changes of the history keeper (archiving old runs and proposals) are bookkeeping, not something
 * anyone did, and are left out (compaction does not keep entries for them either). One prepared statement per combination of filters, made the first
 * time it is asked for.
 */
import type { Statement } from 'better-sqlite3';
import { HISTORY_KEEPER } from '../../../src-shared/domain/actor';
import type { Db } from './db';

/** A log row as the timeline shows it. */
export interface ActivityRow {
  seq: number;
  id: string;
  app_id: string;
  table_name: string;
  record_id: string;
  op: string;
  /** the change's values as JSON: an object for a log row; for a compacted entry an array, in the order of `names` */
  data: string;
  /** a compacted entry's field names (JSON array), null for a log row */
  names: string | null;
  created_at: string;
  actor: string | null;
  origin: string | null;
}

/** The actor of the history keeper's changes, exactly as the log stores it (`JSON.stringify` of the actor). */
export const HISTORY_KEEPER_ACTOR_JSON = JSON.stringify(HISTORY_KEEPER);

export interface ActivityFilter {
  /** rows before this seq (the previous page's last) */
  before?: number;
  app?: string;
  table?: string;
  id?: string;
  origin?: string;
}

const COLUMNS = [
  ['before', 'seq < ?'],
  ['app', 'app_id = ?'],
  ['table', 'table_name = ?'],
  ['id', 'record_id = ?'],
  ['origin', 'origin = ?'],
] as const satisfies readonly (readonly [keyof ActivityFilter, string])[];

export class ActivityQueries {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  /** Up to `limit` rows matching the filter, newest first. */
  page(filter: ActivityFilter, limit: number): ActivityRow[] {
    const used = COLUMNS.filter(([key]) => filter[key] !== undefined);
    const params = used.map(([key]) => filter[key]);
    return this.statement(used.map(([, condition]) => condition)).all(HISTORY_KEEPER_ACTOR_JSON, ...params, ...params, limit) as ActivityRow[];
  }

  private statement(conditions: string[]): Statement {
    const key = conditions.join(' AND ');
    let statement = this.statements.get(key);
    if (!statement) {
      const log = ['(actor IS NULL OR actor <> ?)', ...conditions].join(' AND ');
      const compacted = conditions.map((c) => `a.${c}`).join(' AND ');
      // One compound SELECT: SQLite merges the two arms, each read newest first along its rowid.
      statement = this.db.prepare(
        `SELECT seq, id, app_id, table_name, record_id, op, data, NULL AS names, created_at, actor, origin FROM sync_changes WHERE ${log}
         UNION ALL
         SELECT a.seq, a.event_id, a.app_id, a.table_name, a.record_id, a.op, a.vals, shape.names, a.created_at, who.actor, a.origin
           FROM audit_trail a JOIN audit_shapes shape ON shape.id = a.shape_id LEFT JOIN audit_actors who ON who.id = a.actor_id${compacted ? ` WHERE ${compacted}` : ''}
         ORDER BY seq DESC LIMIT ?`,
      );
      this.statements.set(key, statement);
    }
    return statement;
  }
}
