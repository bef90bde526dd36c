/**
 * The runner's tick history (local, never synced): one row per tick, the newest TICKS_KEEP kept,
 * read back by `runner.ticks` and, at start, for the status bar's "last tick".
 */
import type { Statement } from 'better-sqlite3';
import type { TickResult } from '../../../src-shared/api';
import { type Db, writeTx } from './db';

export const TICKS_KEEP = 1000;

export class TickLog {
  private readonly insert: Statement;
  private readonly prune: Statement;
  private readonly newest: Statement;

  constructor(private readonly db: Db) {
    this.insert = db.prepare('INSERT INTO ticks (scanned_at, result) VALUES (?, ?)');
    this.prune = db.prepare('DELETE FROM ticks WHERE id <= (SELECT MAX(id) FROM ticks) - ?');
    this.newest = db.prepare('SELECT result FROM ticks ORDER BY id DESC LIMIT ?').pluck();
  }

  /** Keeps a tick's result and lets the oldest beyond TICKS_KEEP go. */
  append(result: TickResult): void {
    writeTx(this.db, () => {
      this.insert.run(result.scannedAt, JSON.stringify(result));
      this.prune.run(TICKS_KEEP);
    });
  }

  /** The newest ticks, newest first. */
  recent(limit: number): TickResult[] {
    return (this.newest.all(limit) as string[]).map((text) => JSON.parse(text) as TickResult);
  }

  latest(): TickResult | null {
    return this.recent(1)[0] ?? null;
  }
}
