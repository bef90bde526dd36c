/**
 * Runs in Chromium, served by the real HTTP host: hydrates the renderer's real Dexie replica with
 * the renderer's own code, src-renderer/db/hydrator.ts's `hydrate` (its worker fetching
 * `sync.snapshot` pages and writing chunks), then reads every record back through
 * src-renderer/db/records.ts.
 *
 * Then the references, in the same run: fetching the same pages without writing them (the engine's
 * and HTTP's share), and the bare IndexedDB API putting the same data in the same pages, one
 * transaction each. The like-for-like reference is the layout the replica uses: the very chunk rows
 * hydration wrote, put into a store shaped like `chunks` (as many times as hydration ran). For
 * context, once each: one row per record into a store shaped like the overlay (key path and
 * indexes read from the Dexie schema; with or without its secondary index).
 */
import { recordsOf } from '../src-renderer/db/chunks';
import { allRecords } from '../src-renderer/db/records';
import { db, type StoredRecord } from '../src-renderer/db/schema';
import { SNAPSHOT_LIMIT } from '../src-renderer/db/snapshotPages';
import { hydrate } from '../src-renderer/db/hydrator';
import { createHybridClock } from '../src-shared/hlc';
import { fetchSnapshotPages } from './fetch-snapshot-pages';
import type { HydrateResult } from './hydrate.types';

function pagesOf<T>(rows: readonly T[], size: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < rows.length; i += size) pages.push(rows.slice(i, i + size));
  return pages;
}

/** Bare IndexedDB: `pages` of rows put into a store shaped like the replica's `store`, one transaction per page. */
async function rawIdb(store: 'records' | 'chunks', pages: readonly object[][], withIndexes: boolean): Promise<number> {
  const schema = db.table(store).schema;
  const name = 'bench-raw-idb';
  indexedDB.deleteDatabase(name);
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const rows = open.result.createObjectStore('rows', { keyPath: schema.primKey.keyPath as string });
    if (!withIndexes) return;
    for (const index of schema.indexes) rows.createIndex(index.name, index.keyPath as string | string[], { unique: !!index.unique, multiEntry: !!index.multi });
  };
  const raw: IDBDatabase = await new Promise((resolve, reject) => {
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const started = performance.now();
  for (const rows of pages) {
    await new Promise<void>((resolve, reject) => {
      const tx = raw.transaction('rows', 'readwrite');
      const store = tx.objectStore('rows');
      for (const r of rows) store.put(r);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  const ms = performance.now() - started;
  raw.close();
  indexedDB.deleteDatabase(name);
  return ms;
}

/** Hydrations of a new replica timed one after the other: the figure is their median. */
const HYDRATIONS = 3;

async function hydrateNewReplica(): Promise<number> {
  await db.delete();
  await db.open();
  const started = performance.now();
  await hydrate(createHybridClock('0000000000000b0b'));
  return performance.now() - started;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function run(): Promise<HydrateResult> {
  // Other load on a small machine moves a 2-second figure by a quarter from one run to the next.
  const runsMs: number[] = [];
  for (let i = 0; i < HYDRATIONS; i++) runsMs.push(await hydrateNewReplica());

  const records: StoredRecord[] = await allRecords();
  const chunks = await db.chunks.toArray();
  const chunked = chunks.reduce((n, c) => n + recordsOf(c).length, 0);
  const fetchOnlyMs = await fetchSnapshotPages(SNAPSHOT_LIMIT);
  const chunksPerPage = Math.max(1, Math.round((chunks.length * SNAPSHOT_LIMIT) / Math.max(1, records.length)));
  const rawIdbChunksRunsMs: number[] = [];
  for (let i = 0; i < HYDRATIONS; i++) rawIdbChunksRunsMs.push(await rawIdb('chunks', pagesOf(chunks, chunksPerPage), true));
  return {
    stored: records.length,
    pageSize: SNAPSHOT_LIMIT,
    chunks: chunks.length,
    overlayRows: records.length - chunked,
    ms: median(runsMs),
    runsMs,
    fetchOnlyMs,
    rawIdbChunksMs: median(rawIdbChunksRunsMs),
    rawIdbChunksRunsMs,
    rawIdbMs: await rawIdb('records', pagesOf(records, SNAPSHOT_LIMIT), true),
    rawIdbNoIndexMs: await rawIdb('records', pagesOf(records, SNAPSHOT_LIMIT), false),
  };
}

(globalThis as unknown as { hydrate: typeof run }).hydrate = run;
