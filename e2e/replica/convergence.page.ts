/**
 * Runs in Chromium: the renderer's real replica code (src-renderer/db/apply.ts on its Dexie schema)
 * exposed to the convergence spec, which feeds it pulled pages in random orders.
 */
import { applyPulledPage } from '../../src-renderer/db/apply';
import { db } from '../../src-renderer/db/schema';
import { createHybridClock } from '../../src-shared/hlc';

const clock = createHybridClock('0000000000000fff');

declare global {
  interface Window {
    replica: {
      reset(): Promise<void>;
      apply(pages: unknown[][]): Promise<void>;
      records(): Promise<{ key: string; data: unknown; meta: unknown; deleted: number }[]>;
    };
  }
}

window.replica = {
  async reset() {
    await db.delete();
    await db.open();
  },
  async apply(pages) {
    for (const page of pages) await applyPulledPage(page, 0, clock);
  },
  async records() {
    const all = await db.records.toArray();
    return all.map((r) => ({ key: r.key, data: r.data, meta: r.meta, deleted: r.deleted }));
  },
};
