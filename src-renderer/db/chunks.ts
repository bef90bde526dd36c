/**
 * Snapshot chunks: hydration stores the engine's records N to a row, because IndexedDB costs about
 * the same per row whatever its size, so one row per record caps hydration far below what the
 * engine serves. A chunk holds consecutive records of ONE (app, table) in key order and is keyed by
 * its last record's key; chunks are written by hydration only and never changed afterwards. Later
 * writes go to the `records` store (the overlay) as complete records that shadow the chunk copy.
 *
 * Where a key can be: app and table names never contain '/', so the keys of one table are one
 * contiguous range of the key order, chunks never overlap (they come from one ascending pass over
 * the snapshot), and the chunk that may hold key k is the FIRST chunk whose lastKey >= k.
 *
 * Pure (no Dexie), so it is unit-tested in Node.
 */
import type { FieldStamps, FieldValues } from '../../src-shared/lww';
import { type PackedStamps, packedStamps, unpackStamps } from '../../src-shared/packed-stamps';
import type { ReplicaRecord } from '../../src-shared/replica';

export interface RecordChunk {
  /** key of its last record: the primary key */
  lastKey: string;
  firstKey: string;
  app: string;
  table: string;
  /**
   * its records in key order, as JSON of ChunkedRecord[]: in Chromium, putting one string was
   * about twice as fast as having IndexedDB clone the same records as objects, and reading all
   * back no slower
   */
  records: string;
}

/**
 * A record as a chunk stores it: what the chunk has in common (app, table, hence the key) is left
 * out, and so are origins, which only matter when the user wrote a field here ('user'), never the
 * case for snapshot data: a record without origins raises the same conflict signals. Its stamps
 * are packed as the engine stores them (src-shared/packed-stamps.ts: most records' fields share
 * one stamp); chunks written before they were packed hold `{field: stamp}`, read as well.
 */
export type ChunkedRecord = Pick<ReplicaRecord, 'id' | 'data' | 'deleted' | 'seq'> & { meta: PackedStamps | FieldStamps };

/**
 * Records per chunk: reading one record decodes its whole chunk (about 1 ms at 250), so few; but
 * fewer, smaller rows cost hydration more (bare puts of 100k records: about 170k/s in chunks of
 * 100, 240k/s in chunks of 250, no better beyond).
 */
export const CHUNK_SIZE = 250;

/**
 * Whether an id sorts the same way in the engine (SQLite BINARY: UTF-8 bytes) as in JavaScript and
 * IndexedDB (UTF-16 code units). They agree below U+D800; an id with a code unit from U+D800 up
 * (surrogates, U+E000–U+FFFF) may not, so such records stay out of chunks.
 */
export function sortsAlike(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) >= 0xd800) return false;
  return true;
}

/** `app/table/` of a key: everything up to the second '/' (names never contain one). */
export function tablePrefixOf(key: string): string {
  return key.slice(0, key.indexOf('/', key.indexOf('/') + 1) + 1);
}

/** Where a record goes in the key order: what splitting into chunks looks at. */
export type Chunkable = Pick<ReplicaRecord, 'key' | 'app' | 'table' | 'id'>;

/**
 * Splits records new to the replica (in snapshot order) into chunks of at most `size` consecutive
 * records of one table in ascending key order. Records that cannot go into a chunk keep their own
 * row in the overlay (`rest`): ids that may sort differently here and, so that a chunk's contents
 * are sorted whatever the input, any record not above the previous chunked record of its table.
 * `stored` says what a chunk keeps of a record (storedInChunk for a merged one).
 */
export function splitIntoChunks(records: readonly ReplicaRecord[], size?: number): { chunks: RecordChunk[]; rest: ReplicaRecord[] };
export function splitIntoChunks<T extends Chunkable>(records: readonly T[], size: number, stored: (record: T) => ChunkedRecord): { chunks: RecordChunk[]; rest: T[] };
export function splitIntoChunks<T extends Chunkable>(
  records: readonly T[],
  size = CHUNK_SIZE,
  stored: (record: T) => ChunkedRecord = storedInChunk as unknown as (record: T) => ChunkedRecord,
): { chunks: RecordChunk[]; rest: T[] } {
  const chunks: RecordChunk[] = [];
  const rest: T[] = [];
  let run: T[] = [];
  let previous: T | undefined;
  for (const r of records) {
    const sameTable = previous !== undefined && previous.app === r.app && previous.table === r.table;
    if (!sortsAlike(r.id) || (sameTable && r.key <= previous!.key)) {
      rest.push(r);
      continue;
    }
    if (run.length && (!sameTable || run.length >= size)) {
      chunks.push(chunkOf(run, stored));
      run = [];
    }
    run.push(r);
    previous = r;
  }
  if (run.length) chunks.push(chunkOf(run, stored));
  return { chunks, rest };
}

/** What a chunk keeps of a merged record. */
export function storedInChunk({ id, data, meta, deleted, seq }: ReplicaRecord): ChunkedRecord {
  return { id, data, meta: packedStamps(meta, data), deleted, seq };
}

function chunkOf<T extends Chunkable>(run: readonly T[], stored: (record: T) => ChunkedRecord): RecordChunk {
  const first = run[0]!;
  return { lastKey: run.at(-1)!.key, firstKey: first.key, app: first.app, table: first.table, records: JSON.stringify(run.map(stored)) };
}

/** The records of a chunk, in key order. */
export function recordsOf(chunk: RecordChunk): ReplicaRecord[] {
  const { app, table } = chunk;
  const prefix = tablePrefixOf(chunk.lastKey);
  return (JSON.parse(chunk.records) as ChunkedRecord[]).map(({ id, data, meta, deleted, seq }) => ({ key: prefix + id, app, table, id, data, meta: stampsOf(meta, data), deleted, seq }));
}

/** A chunked record's stamps, either form (chunks are written by this replica: none unreadable but by a damaged file). */
function stampsOf(meta: PackedStamps | FieldStamps, data: FieldValues): FieldStamps {
  if (!Array.isArray(meta)) return meta;
  const unpacked = unpackStamps(meta, data);
  return typeof unpacked === 'string' ? {} : unpacked;
}

/** Index of the first of the sorted `lastKeys` that is >= key (lastKeys.length when none is). */
export function lowerBound(lastKeys: readonly string[], key: string): number {
  let lo = 0;
  let hi = lastKeys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lastKeys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The lastKeys of the chunks that may hold some of `keys`, given every chunk's lastKey in
 * ascending order (IndexedDB's primary key order): for each key, the first chunk at or after it,
 * if that chunk is of the key's table. Each chunk once.
 */
export function candidateChunks(lastKeys: readonly string[], keys: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const key of keys) {
    const lastKey = lastKeys[lowerBound(lastKeys, key)];
    if (lastKey !== undefined && tablePrefixOf(lastKey) === tablePrefixOf(key)) wanted.add(lastKey);
  }
  return [...wanted];
}

/** Whether `key` falls within the chunk's range (it may still be absent: a gap or an overlay-only id). */
export function covers(chunk: Pick<RecordChunk, 'firstKey' | 'lastKey'>, key: string): boolean {
  return chunk.firstKey <= key && key <= chunk.lastKey && tablePrefixOf(chunk.lastKey) === tablePrefixOf(key);
}

/** A chunk's records, decoded (recordsOf), with a lookup by key built on first use. */
export interface DecodedChunk {
  lastKey: string;
  firstKey: string;
  /** in key order */
  records: ReplicaRecord[];
  byKey(): Map<string, ReplicaRecord>;
}

export function decodeChunk(chunk: RecordChunk): DecodedChunk {
  const records = recordsOf(chunk);
  let index: Map<string, ReplicaRecord> | null = null;
  return { lastKey: chunk.lastKey, firstKey: chunk.firstKey, records, byKey: () => (index ??= new Map(records.map((r) => [r.key, r]))) };
}

/** The chunk copies of `keys` found in `chunks`. */
export function copiesIn(chunks: readonly DecodedChunk[], keys: readonly string[]): Map<string, ReplicaRecord> {
  const found = new Map<string, ReplicaRecord>();
  for (const chunk of chunks) {
    const inRange = keys.filter((k) => covers(chunk, k));
    if (!inRange.length) continue;
    const byKey = chunk.byKey();
    for (const k of inRange) {
      const record = byKey.get(k);
      if (record) found.set(k, record);
    }
  }
  return found;
}

/**
 * Chunk copies and overlay rows as one list in key order, the overlay row winning for a key both
 * have. Both inputs must be in key order (chunk contents in lastKey order, the overlay in key order).
 */
export function mergeOverlay(chunked: readonly ReplicaRecord[], overlay: readonly ReplicaRecord[]): ReplicaRecord[] {
  const out: ReplicaRecord[] = [];
  let i = 0;
  let j = 0;
  while (i < chunked.length || j < overlay.length) {
    const c = chunked[i];
    const o = overlay[j];
    if (o === undefined || (c !== undefined && c.key < o.key)) {
      out.push(c!);
      i++;
    } else {
      out.push(o);
      j++;
      if (c !== undefined && c.key === o.key) i++;
    }
  }
  return out;
}
