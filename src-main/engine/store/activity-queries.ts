/**
 * The audit timeline's read of the change log: newest first, filtered by any of app, table,
 * record, origin, and paged by `seq`. One prepared statement per combination of filters, made
 * the first time it is asked for.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

/** A log row as the timeline shows it. */
export interface ActivityRow {
  seq: number;
  id: string;
  app_id: string;
  table_name: string;
  record_id: string;
  op: string;
  data: string;
  created_at: string;
  actor: string | null;
  origin: string | null;
}

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
    return this.statement(used.map(([, condition]) => condition)).all(...params, limit) as ActivityRow[];
  }

  private statement(conditions: string[]): Statement {
    const key = conditions.join(' AND ');
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.db.prepare(
        `SELECT seq, id, app_id, table_name, record_id, op, data, created_at, actor, origin FROM sync_changes
         ${key ? `WHERE ${key}` : ''} ORDER BY seq DESC LIMIT ?`,
      );
      this.statements.set(key, statement);
    }
    return statement;
  }
}
