/**
 * What each run sent to and got from the LLM, for `iterations.debug`. Local only (never in the
 * change log): it holds the resolved inputs in clear. About the newest DEBUG_KEEP are kept, and
 * none older than the history horizon (history/keeper.ts).
 *
 * Stored deflated: a capture is mostly prompt text that repeats from run to run (~22 KB, ~4 KB
 * deflated, ~1 ms to deflate once per run); the newest 200 were 4.7 MB of a lived year's file.
 * Captures written before are text and read as such.
 */
import type { Statement } from 'better-sqlite3';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
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
  private readonly pruneOlder: Statement;
  private saves = 0;

  constructor(db: Db) {
    this.upsert = db.prepare('INSERT OR REPLACE INTO iteration_debug (iteration_id, captured_at, capture) VALUES (?, ?, ?)');
    this.prune = db.prepare(
      'DELETE FROM iteration_debug WHERE iteration_id NOT IN (SELECT iteration_id FROM iteration_debug ORDER BY captured_at DESC LIMIT ?)',
    );
    this.select = db.prepare('SELECT captured_at, capture FROM iteration_debug WHERE iteration_id = ?');
    this.pruneOlder = db.prepare('DELETE FROM iteration_debug WHERE captured_at < ?');
  }

  /** Deletes the captures taken before `before` (their runs are archived); how many went. */
  pruneBefore(before: string): number {
    return this.pruneOlder.run(before).changes;
  }

  save(iterationId: string, capturedAt: string, capture: unknown): void {
    this.upsert.run(iterationId, capturedAt, deflateRawSync(JSON.stringify(capture)));
    if (++this.saves % DEBUG_PRUNE_EVERY === 0) this.prune.run(DEBUG_KEEP);
  }

  get<T>(iterationId: string): StoredCapture<T> | null {
    const row = this.select.get(iterationId) as { captured_at: string; capture: string | Buffer } | undefined;
    if (!row) return null;
    const text = typeof row.capture === 'string' ? row.capture : inflateRawSync(row.capture).toString('utf8');
    return { capturedAt: row.captured_at, capture: JSON.parse(text) as T };
  }
}
