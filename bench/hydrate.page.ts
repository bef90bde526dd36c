/**
 * Runs in Chromium: hydrates the renderer's real Dexie replica (src-renderer/db/schema.ts) from
 * `sync.snapshot` pages the way the renderer will: per page, ONE read-write transaction that reads
 * the records the page may merge with (a keySpan range read), merges with src-shared/replica.ts
 * and bulkPuts; the next page is fetched meanwhile. The pull cursor (the first page's seq) is
 * written with the last page, so a replica interrupted mid-way starts over instead of skipping.
 *
 * Then the reference: the same record objects put with the bare IndexedDB API into a store of the
 * same shape (key path and indexes read from the Dexie schema), same pages, one transaction each:
 * what this browser can do at best, measured in the same run.
 */
import { db } from '../src-renderer/db/schema';
import type { RecordOut } from '../src-shared/domain/change';
import { applySnapshotRecords, keySpan, type ReplicaRecord, recordKeysOf } from '../src-shared/replica';
import type { HydrateResult } from './hydrate.types';

interface SnapshotPage {
  records: RecordOut[];
  seq: number;
  nextKey: string | null;
}

async function fetchPage(afterKey: string | null, limit: number): Promise<SnapshotPage> {
  const response = await fetch('/api/sync.snapshot', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ afterKey, limit }) });
  if (!response.ok) throw new Error(`sync.snapshot answered ${response.status}`);
  return (await response.json()) as SnapshotPage;
}

/** Applies one snapshot page in one transaction; returns what it stored and the time spent merging. */
async function applyPage(page: SnapshotPage, cursor: number, last: boolean): Promise<{ puts: ReplicaRecord[]; mergeMs: number }> {
  let mergeMs = 0;
  let puts: ReplicaRecord[] = [];
  await db.transaction('rw', [db.records, db.meta], async () => {
    const span = keySpan(recordKeysOf(page.records));
    const existing = span ? await db.records.where('key').between(span.lower, span.upper, true, true).toArray() : [];
    const started = performance.now();
    const applied = applySnapshotRecords(new Map(existing.map((r) => [r.key, r])), page.records);
    if (applied.malformed.length) throw new Error(`${applied.malformed.length} malformed records in a snapshot page`);
    mergeMs = performance.now() - started;
    puts = applied.puts;
    await db.records.bulkPut(puts);
    if (last) await db.meta.put({ key: 'lastSeq', value: cursor });
  });
  return { puts, mergeMs };
}

async function hydrate(limit: number): Promise<{ result: HydrateResult; pages: ReplicaRecord[][] }> {
  await db.open();
  await Promise.all([db.records.clear(), db.meta.clear(), db.outbox.clear()]);
  const result: HydrateResult = { records: 0, pages: 0, ms: 0, fetchWaitMs: 0, mergeMs: 0, idbMs: 0, stored: 0, rawIdbMs: 0, rawIdbNoIndexMs: 0 };
  const stored: ReplicaRecord[][] = [];
  const started = performance.now();
  let next: Promise<SnapshotPage> | null = fetchPage(null, limit);
  let cursor: number | null = null;
  while (next) {
    let t = performance.now();
    const page: SnapshotPage = await next;
    result.fetchWaitMs += performance.now() - t;
    next = page.nextKey === null ? null : fetchPage(page.nextKey, limit);
    cursor ??= page.seq;
    t = performance.now();
    const { puts, mergeMs } = await applyPage(page, cursor, next === null);
    result.mergeMs += mergeMs;
    result.idbMs += performance.now() - t - mergeMs;
    result.records += page.records.length;
    result.pages++;
    stored.push(puts);
  }
  result.ms = performance.now() - started;
  result.stored = await db.records.count();
  return { result, pages: stored };
}

/**
 * The limit: bare IndexedDB puts of the same objects into a store shaped like the replica's (or,
 * to show what its secondary indexes cost, with its primary key only).
 */
async function rawIdb(pages: ReplicaRecord[][], withIndexes: boolean): Promise<number> {
  const schema = db.records.schema;
  const name = 'bench-raw-idb';
  indexedDB.deleteDatabase(name);
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const store = open.result.createObjectStore('records', { keyPath: schema.primKey.keyPath as string });
    if (!withIndexes) return;
    for (const index of schema.indexes) store.createIndex(index.name, index.keyPath as string | string[], { unique: !!index.unique, multiEntry: !!index.multi });
  };
  const raw: IDBDatabase = await new Promise((resolve, reject) => {
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const started = performance.now();
  for (const records of pages) {
    await new Promise<void>((resolve, reject) => {
      const tx = raw.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      for (const r of records) store.put(r);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  const ms = performance.now() - started;
  raw.close();
  indexedDB.deleteDatabase(name);
  return ms;
}

async function run(limit: number): Promise<HydrateResult> {
  const { result, pages } = await hydrate(limit);
  result.rawIdbMs = await rawIdb(pages, true);
  result.rawIdbNoIndexMs = await rawIdb(pages, false);
  return result;
}

(globalThis as unknown as { hydrate: typeof run }).hydrate = run;
