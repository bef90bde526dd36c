/**
 * Runs in Chromium: the renderer's real hydration (src-renderer/db/hydration.ts, in the page, or
 * through hydrator.ts's worker relaying its calls over a stand-in for Electron's bridge), pulled
 * pages and local writes on its Dexie schema, and the queries the inbox reads (db/proposals.ts),
 * exposed to replica-hydration.spec.ts. The engine answers through `window.engineCall`, which the
 * spec exposes (a real engine's `call`).
 */
import type { CompanionBridge } from '../../src-shared/bridge';
import { applyPulledPage, HydrationOvertaken } from '../../src-renderer/db/apply';
import { clearChunks } from '../../src-renderer/db/persist';
import { derivedChanges } from '../../src-renderer/db/derive';
import { hydrateReplica, type ApiCall } from '../../src-renderer/db/hydration';
import { hydrate } from '../../src-renderer/db/hydrator';
import { indexedDecisions, pendingProposals, recentDecisions, type DecisionQuery } from '../../src-renderer/db/proposals';
import { allRecords } from '../../src-renderer/db/records';
import { Dexie } from 'dexie';
import { splitIntoChunks } from '../../src-renderer/db/chunks';
import { DB_NAME, db } from '../../src-renderer/db/schema';
import { applySnapshotRecords } from '../../src-shared/replica';
import { writeRecord } from '../../src-renderer/db/write';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { FieldValues } from '../../src-shared/lww';
import { createHybridClock } from '../../src-shared/hlc';

const clock = createHybridClock('0000000000000fff');

declare global {
  interface Window {
    engineCall(method: string, input: unknown): Promise<unknown>;
    companion?: CompanionBridge;
    hydration: {
      reset(): Promise<void>;
      /** in the page with these sizes, or (worker: true) as the app does, through the worker */
      hydrate(options: { worker: boolean; pageSize?: number; chunkSize?: number; decisionsKept?: number }): Promise<{ inboxReadyAt: number; records: number }>;
      pull(pages: unknown[][]): Promise<void>;
      write(writes: { app: string; table: string; id: string; fields: FieldValues }[]): Promise<ChangeIn[]>;
      state(lists: { query: DecisionQuery; since: string }[]): Promise<ReplicaState>;
      /** in the page, while another tab starts hydrating too (clearing the chunks) before the `clearBefore`th page is asked for */
      hydrateOvertaken(options: { pageSize: number; chunkSize: number; clearBefore: number }): Promise<string>;
      /** a replica of schema 3 (chunks, no derived table) holding these snapshot records, then opened by the app */
      upgradeFrom3(snapshot: unknown[], chunkSize: number): Promise<void>;
    };
  }
}

export interface ReplicaState {
  records: { key: string; data: unknown; meta: unknown; deleted: number }[];
  /** the derived table, and what deriving the overlay's proposals gives: always equal */
  derived: unknown[];
  derivedFromOverlay: unknown[];
  cursor: number;
  pending: string[];
  decisions: string[][];
  chunks: number;
  /** how many of the lists the index alone could not answer */
  scans: number;
}

// Electron's bridge, as far as hydration uses it: the worker relays its calls through the page.
window.companion = { call: (method, input) => window.engineCall(method, input ?? {}), on: () => () => {} };

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

window.hydration = {
  async reset() {
    await db.delete();
    await db.open();
  },
  async hydrate({ worker, pageSize, chunkSize, decisionsKept }) {
    let inboxReadyAt = -1;
    let applied = 0;
    const progress: number[] = [];
    if (worker) {
      applied = await hydrate(clock);
      inboxReadyAt = performance.getEntriesByName('replica:inbox-ready').length;
    } else {
      const call = ((method: string, input: unknown) => window.engineCall(method, input)) as ApiCall;
      applied = await hydrateReplica(call, clock, {
        pageSize,
        chunkSize,
        decisionsKept,
        progress: (n) => progress.push(n),
        inboxReady: () => {
          inboxReadyAt = progress.length;
        },
      });
    }
    return { inboxReadyAt, records: applied };
  },
  async hydrateOvertaken({ pageSize, chunkSize, clearBefore }) {
    let asked = 0;
    const call = (async (method: string, input: unknown) => {
      if (method === 'sync.snapshot' && ++asked === clearBefore) await clearChunks();
      return window.engineCall(method, input);
    }) as ApiCall;
    try {
      await hydrateReplica(call, clock, { pageSize, chunkSize });
      return 'hydrated';
    } catch (error) {
      return error instanceof HydrationOvertaken ? 'overtaken' : `failed: ${String(error)}`;
    }
  },
  async pull(pages) {
    for (const page of pages) await applyPulledPage(page, 0, clock);
  },
  async write(writes) {
    for (const w of writes) await writeRecord(w.app, w.table, w.id, w.fields);
    const queued = await db.outbox.orderBy('seq').toArray();
    await db.outbox.clear();
    return queued.map((e) => e.change);
  },
  async upgradeFrom3(snapshot, chunkSize) {
    db.close();
    await Dexie.delete(DB_NAME);
    const old = new Dexie(DB_NAME);
    old.version(1).stores({ records: 'key, [app+table]', outbox: '++seq', meta: 'key' });
    old.version(2).stores({ conflicts: '++seqId, detectedAt' });
    old.version(3).stores({ chunks: 'lastKey, [app+table]' });
    await old.open();
    const { chunks, rest } = splitIntoChunks(applySnapshotRecords(new Map(), snapshot).puts, chunkSize);
    await old.table('chunks').bulkAdd(chunks);
    await old.table('records').bulkPut(rest);
    await old.table('meta').put({ key: 'lastSeq', value: 1 });
    old.close();
    await db.open();
  },
  async state(lists) {
    const all = await allRecords();
    const overlay = await db.records.toArray();
    return {
      records: all.map((r) => ({ key: r.key, data: r.data, meta: r.meta, deleted: r.deleted })),
      derived: (await db.proposals.toArray()).sort(byId),
      derivedFromOverlay: derivedChanges(overlay).puts.sort(byId),
      cursor: ((await db.meta.get('lastSeq'))?.value as number | undefined) ?? 0,
      pending: (await pendingProposals()).map((p) => p.id),
      decisions: await Promise.all(lists.map(async ({ query, since }) => (await recentDecisions(query, since)).map((p) => p.id))),
      chunks: await db.chunks.count(),
      scans: (await Promise.all(lists.map(({ query, since }) => indexedDecisions(query, since)))).filter((rows) => rows === null).length,
    };
  },
};
