/**
 * A snapshot page new to the replica, into chunks with as little work as the records allow.
 *
 * The engine sends a record's stamps packed as it stores them (SNAPSHOT_PAGE_FORMAT), and a chunk
 * stores them packed the same way (chunks.ts). For the usual record (every field of its data
 * stamped, no stamp of a field it does not hold, no field named `id`) merging it into nothing
 * changes nothing a chunk keeps: the chunk can take its data and packed stamps as sent, once checked, instead of unpacking
 * them into a merged record and packing them again, most of a year's hydration otherwise. Any
 * other record (stamps in the plain form, a field without a stamp, anything unreadable) goes
 * through the shared merge (src-shared/replica.ts applySnapshotRecords) as before, in its place.
 *
 * Pure (no Dexie), so it is unit-tested in Node against the merge it stands in for.
 */
import { isPlainObject } from '../../src-shared/domain/change';
import { stampSortKey } from '../../src-shared/hlc';
import { isDeleted } from '../../src-shared/lww';
import type { PackedStamps } from '../../src-shared/packed-stamps';
import { applySnapshotRecords, type ApplyResult, recordKey, type ReplicaRecord } from '../../src-shared/replica';
import { type ChunkedRecord, type RecordChunk, sortsAlike, splitIntoChunks, storedInChunk } from './chunks';

type Entry = { app?: unknown; table?: unknown; id?: unknown; data?: unknown; meta?: unknown; deleted?: unknown; seq?: unknown };

/** A record of the page on its way into a chunk: as sent (`stored`), or merged (`record`). */
interface Placed {
  key: string;
  app: string;
  table: string;
  id: string;
  stored?: ChunkedRecord;
  record?: ReplicaRecord;
}

export interface FreshPage {
  /** the page's records merged into nothing, but those the chunks took as sent: in `puts`, only the merged ones */
  applied: ApplyResult;
  chunks: RecordChunk[];
  /** merged records no chunk can hold (splitIntoChunks), for the overlay */
  overlay: ReplicaRecord[];
  /** every stamp the page holds, for the clock to observe */
  stamps: string[];
  /** the keys of the records the page names (recordKeysOf) */
  keys: string[];
}

/**
 * The stamps of a record a chunk can take as sent: packed, with a common stamp, and no other
 * stamp than of a field its data holds. Pushes them onto `stamps`; false (pushing nothing) for
 * any other record.
 */
function sentStampsFit(meta: unknown, data: Record<string, unknown>, stamps: string[]): boolean {
  if (!Array.isArray(meta) || meta.length !== 2) return false;
  const [common, others] = meta as PackedStamps;
  if (typeof common !== 'string' || common === '' || !isPlainObject(others)) return false;
  if (common !== stamps.at(-1) && stampSortKey(common) === null) return false;
  const before = stamps.length;
  stamps.push(common);
  for (const field in others) {
    const at = others[field];
    if (!Object.hasOwn(data, field) || typeof at !== 'string' || stampSortKey(at) === null) {
      stamps.length = before;
      return false;
    }
    stamps.push(at);
  }
  return true;
}

/** Whether the merge keeps a record's data as it is: it has fields, and none named `id` (the merge leaves that out). */
function dataKeptAsIs(data: Record<string, unknown>): boolean {
  for (const _ in data) return !Object.hasOwn(data, 'id');
  return false;
}

/** The record as a chunk stores it, taken as sent, or null when it must be merged. */
function storedAsSent(entry: Entry & { id: string }, stamps: string[]): ChunkedRecord | null {
  const { id, data, meta, deleted, seq } = entry;
  if (!isPlainObject(data) || typeof deleted !== 'boolean' || !Number.isSafeInteger(seq) || !sortsAlike(id) || !dataKeptAsIs(data)) return null;
  if (!sentStampsFit(meta, data, stamps)) return null;
  // as the merge makes it: `deleted` from the data, seq never below 0
  return { id, data, meta: meta as PackedStamps, deleted: isDeleted({ data, meta: {} }) ? 1 : 0, seq: Math.max(0, seq as number) };
}

/**
 * Whether the page is in the engine's order, strictly: by app, table, then id within a table.
 * Only then can records go into chunks as sent (no record twice, no chunk overlapping another).
 */
function inEngineOrder(entries: readonly unknown[]): boolean {
  let app = '';
  let table = '';
  let id = '';
  for (const raw of entries) {
    const e = raw as Entry | null;
    if (!e || typeof e.app !== 'string' || typeof e.table !== 'string' || typeof e.id !== 'string') continue;
    if (e.app === app && e.table === table) {
      if (e.id <= id) return false;
    } else if (e.app < app || (e.app === app && e.table < table)) return false;
    app = e.app;
    table = e.table;
    id = e.id;
  }
  return true;
}

/**
 * The page as a new replica writes it: chunks of `size`, and the overlay for the few records no
 * chunk can hold. Null when the page is not in the engine's order: the caller merges it whole.
 */
export function chunkFreshPage(entries: readonly unknown[], size: number): FreshPage | null {
  if (!inEngineOrder(entries)) return null;
  const stamps: string[] = [];
  const placed: Placed[] = [];
  const merged: unknown[] = [];
  const mergedIndex: number[] = [];
  let asSent = 0;
  entries.forEach((raw, index) => {
    const e = raw as Entry | null;
    const named = e !== null && typeof e === 'object' && typeof e.app === 'string' && typeof e.table === 'string' && typeof e.id === 'string';
    const stored = named ? storedAsSent(e as Entry & { id: string }, stamps) : null;
    if (stored) asSent++;
    else {
      merged.push(raw);
      mergedIndex.push(index);
    }
    // its place (a merged record's, for when the merge has made it; none when the entry is unreadable)
    if (named) {
      const { app, table, id } = e as { app: string; table: string; id: string };
      placed.push({ key: recordKey(app, table, id), app, table, id, ...(stored ? { stored } : {}) });
    }
  });
  const applied = applySnapshotRecords(new Map(), merged, {
    observe: (seen) => {
      for (const at of seen) stamps.push(at);
    },
  });
  applied.applied += asSent;
  applied.malformed = applied.malformed.map((m) => ({ ...m, index: mergedIndex[m.index]! }));
  const byKey = new Map(applied.puts.map((r) => [r.key, r]));
  const ready: Placed[] = [];
  for (const p of placed) {
    if (p.stored) ready.push(p);
    else {
      const record = byKey.get(p.key);
      if (record) ready.push({ ...p, record });
    }
  }
  const { chunks, rest } = splitIntoChunks(ready, size, (p) => p.stored ?? storedInChunk(p.record!));
  // Only merged records are left out: the page being in order, only an id that may sort otherwise
  // here is (and storedAsSent takes none such).
  return { applied, chunks, overlay: rest.map((p) => p.record!), stamps, keys: placed.map((p) => p.key) };
}
