/**
 * What each run sent to and got from the LLM, for `iterations.debug`. Local only (never in the
 * change log): it holds the resolved inputs in clear. About the newest DEBUG_KEEP are kept.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export const DEBUG_KEEP = 200;
/** Pruning sorts the table; every DEBUG_PRUNE_EVERY saves is enough. */
const DEBUG_PRUNE_EVERY = 10;

export interface StoredCapture<T> {
  capturedAt: string;
  capture: T;
}

export class DebugCaptures {
  private readonly upsert: Statement;
  private readonly prune: Statement;
  private readonly select: Statement;
  private saves = 0;

  constructor(db: Db) {
    this.upsert = db.prepare('INSERT OR REPLACE INTO iteration_debug (iteration_id, captured_at, capture) VALUES (?, ?, ?)');
    this.prune = db.prepare(
      'DELETE FROM iteration_debug WHERE iteration_id NOT IN (SELECT iteration_id FROM iteration_debug ORDER BY captured_at DESC LIMIT ?)',
    );
    this.select = db.prepare('SELECT captured_at, capture FROM iteration_debug WHERE iteration_id = ?');
  }

  save(iterationId: string, capturedAt: string, capture: unknown): void {
    this.upsert.run(iterationId, capturedAt, JSON.stringify(capture));
    if (++this.saves % DEBUG_PRUNE_EVERY === 0) this.prune.run(DEBUG_KEEP);
  }

  get<T>(iterationId: string): StoredCapture<T> | null {
    const row = this.select.get(iterationId) as { captured_at: string; capture: string } | undefined;
    return row ? { capturedAt: row.captured_at, capture: JSON.parse(row.capture) as T } : null;
  }
}
