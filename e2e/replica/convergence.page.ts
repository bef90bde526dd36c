/**
 * Runs in Chromium: the renderer's real replica code (src-renderer/db/apply.ts, write.ts and the
 * read layer records.ts on its Dexie schema) exposed to the convergence spec, which hydrates it from
 * snapshot pages, feeds it pulled pages in random orders and makes local writes.
 */
import { applyPulledPage, applySnapshotPage } from '../../src-renderer/db/apply';
import { clearChunks } from '../../src-renderer/db/persist';
import { allRecords } from '../../src-renderer/db/records';
import { db } from '../../src-renderer/db/schema';
import { deleteRecord, writeRecord } from '../../src-renderer/db/write';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { FieldValues } from '../../src-shared/lww';
import { createHybridClock } from '../../src-shared/hlc';

const clock = createHybridClock('0000000000000fff');

export interface LocalWrite {
  app: string;
  table: string;
  id: string;
  /** null: a delete */
  fields: FieldValues | null;
}

declare global {
  interface Window {
    replica: {
      reset(): Promise<void>;
      hydrate(pages: unknown[][], seq: number, chunkSize: number): Promise<void>;
      apply(pages: unknown[][]): Promise<void>;
      /** makes the writes as the UI does and hands back what they queued for push (emptying the outbox) */
      write(writes: LocalWrite[]): Promise<ChangeIn[]>;
      records(): Promise<{ key: string; data: unknown; meta: unknown; deleted: number }[]>;
      chunks(): Promise<number>;
    };
  }
}

window.replica = {
  async reset() {
    await db.delete();
    await db.open();
  },
  async hydrate(pages, seq, chunkSize) {
    await clearChunks();
    for (const [i, page] of pages.entries()) await applySnapshotPage(page, { cursor: i === pages.length - 1 ? seq : null, chunkSize }, clock);
  },
  async apply(pages) {
    for (const page of pages) await applyPulledPage(page, 0, clock);
  },
  async write(writes) {
    for (const w of writes) await (w.fields ? writeRecord(w.app, w.table, w.id, w.fields) : deleteRecord(w.app, w.table, w.id));
    const queued = await db.outbox.orderBy('seq').toArray();
    await db.outbox.clear();
    return queued.map((e) => e.change);
  },
  async records() {
    const all = await allRecords();
    return all.map((r) => ({ key: r.key, data: r.data, meta: r.meta, deleted: r.deleted }));
  },
  chunks: () => db.chunks.count(),
};
