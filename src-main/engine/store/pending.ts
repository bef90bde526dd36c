/**
 * Changes appended to the log but not yet written to `records`, folded per record with the LWW
 * merge. The merge is associative, so folding a record's changes first and merging the result
 * into its stored row later gives the row the incremental projection would have written.
 *
 * Why it exists: writing `records` as each batch lands costs a random page write per change
 * (docs/sync-store.md); a burst of syncs touching the same records many times is written once per
 * record instead, in key order, when something reads the projection.
 */
import type { FieldWrite, LwwRecord } from '../../../src-shared/lww';
import { mergeFieldsInto } from '../../../src-shared/lww';

/** An appended change, as the projection needs it. */
export interface Appended {
  app: string;
  table: string;
  id: string;
  writes: Record<string, FieldWrite>;
  seq: number;
}

/** A record's pending writes, merged: what to merge into its stored row. */
export interface PendingRecord {
  app: string;
  table: string;
  id: string;
  /** only the fields the pending changes wrote, each with its winning stamp */
  writes: LwwRecord;
  /** seq of the last change folded in */
  seq: number;
}

export class PendingProjection {
  // app -> table -> id: three lookups by strings that already exist, instead of hashing a new joined key per change.
  private readonly byApp = new Map<string, Map<string, Map<string, PendingRecord>>>();
  private count = 0;

  /** Records waiting. */
  get size(): number {
    return this.count;
  }

  fold(changes: readonly Appended[]): void {
    for (const c of changes) {
      let tables = this.byApp.get(c.app);
      if (!tables) this.byApp.set(c.app, (tables = new Map()));
      let ids = tables.get(c.table);
      if (!ids) tables.set(c.table, (ids = new Map()));
      let pending = ids.get(c.id);
      if (!pending) {
        pending = { app: c.app, table: c.table, id: c.id, writes: { data: {}, meta: {} }, seq: 0 };
        ids.set(c.id, pending);
        this.count++;
      }
      mergeFieldsInto(pending.writes, c.writes);
      pending.seq = c.seq;
    }
  }

  /**
   * Empties the buffer and returns its records in key order (the order of the `records` key
   * index, for ids below U+D800), so writing them walks the table's pages once, front to back.
   */
  drain(): PendingRecord[] {
    const out: PendingRecord[] = [];
    for (const app of [...this.byApp.keys()].sort()) {
      const tables = this.byApp.get(app)!;
      for (const table of [...tables.keys()].sort()) {
        const ids = tables.get(table)!;
        for (const id of [...ids.keys()].sort()) out.push(ids.get(id)!);
      }
    }
    this.clear();
    return out;
  }

  clear(): void {
    this.byApp.clear();
    this.count = 0;
  }
}
