/**
 * `store_state`: small values the Store keeps about itself (local, never synced): how far the
 * quarantine scan got, how far the log is compacted, when history was last compacted and what that
 * run measured. The session marker of db.ts lives here too (written by db.ts itself).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export type StoreStateKey =
  /** the log seq up to which rows were checked for unreadable JSON (quarantine scan at open) */
  | 'quarantine_checked_seq'
  /** every log row up to this seq is compacted (folded into record_base / records, see compaction.ts) */
  | 'compacted_through_seq'
  /** the last history run (HistoryRun as JSON, history/keeper.ts) */
  | 'history_last_run';

export class StoreState {
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(db: Db) {
    this.select = db.prepare('SELECT value FROM store_state WHERE key = ?').pluck();
    this.upsert = db.prepare('INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  number(key: StoreStateKey): number {
    const value = this.select.get(key);
    return typeof value === 'number' ? value : Number(value ?? 0) || 0;
  }

  text(key: StoreStateKey): string | null {
    const value = this.select.get(key);
    return value === undefined || value === null ? null : String(value);
  }

  set(key: StoreStateKey, value: number | string): void {
    this.upsert.run(key, value);
  }
}
