/**
 * THE way to read the replica's records: each reader sees chunk copies (hydration) and overlay rows
 * (everything written since) merged, the overlay row winning for a key both have. Nothing else reads
 * `db.records` or `db.chunks`. Inside a transaction, include both stores; inside useLiveQuery, Dexie
 * observes both.
 */
import { keySpan, lookupOf } from '../../src-shared/replica';
import { candidateChunks, copiesIn, mergeOverlay, recordsOf } from './chunks';
import { db, type StoredRecord } from './schema';

/** One record by key, deleted ones included. */
export async function getRecord(key: string): Promise<StoredRecord | undefined> {
  // Both reads at once (a request to IndexedDB is a round trip to the browser process). The only
  // chunk that may hold the key is the first one ending at or after it.
  const [overlay, chunk] = await Promise.all([db.records.get(key), db.chunks.where('lastKey').aboveOrEqual(key).first()]);
  return overlay ?? (chunk ? copiesIn([chunk], [key]).get(key) : undefined);
}

/** The chunk copies of `keys`: one read of the chunks' keys, then each needed chunk once. */
async function chunkCopies(keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  if (!keys.length) return new Map();
  const wanted = candidateChunks(await db.chunks.toCollection().primaryKeys(), keys);
  if (!wanted.length) return new Map();
  const chunks = await db.chunks.bulkGet(wanted);
  return copiesIn(
    chunks.filter((c) => c !== undefined),
    keys,
  );
}

/** `found` (the overlay rows) completed with the chunk copies of the keys it lacks. */
function shadowing(found: Map<string, StoredRecord>, copies: Map<string, StoredRecord>): Map<string, StoredRecord> {
  for (const [key, record] of copies) if (!found.has(key)) found.set(key, record);
  return found;
}

/** The records of `keys` that exist (deleted ones included), by key. */
export async function getRecords(keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  const [rows, copies] = await Promise.all([db.records.bulkGet([...keys]), chunkCopies(keys)]);
  return shadowing(lookupOf(keys, rows), copies);
}

/**
 * Same as getRecords, reading the overlay by the one key range spanning `keys` instead of key by
 * key: much cheaper where the overlay is sparse, as while a new replica hydrates.
 */
export async function getRecordsInSpan(keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  const span = keySpan(keys);
  if (!span) return new Map();
  const [rows, copies] = await Promise.all([db.records.where('key').between(span.lower, span.upper, true, true).toArray(), chunkCopies(keys)]);
  const wanted = new Set(keys);
  return shadowing(new Map(rows.filter((r) => wanted.has(r.key)).map((r) => [r.key, r])), copies);
}

/** Every record of one table (deleted ones included), in key order. */
export async function tableRecords(app: string, table: string): Promise<StoredRecord[]> {
  const [chunks, overlay] = await Promise.all([db.chunks.where('[app+table]').equals([app, table]).toArray(), db.records.where('[app+table]').equals([app, table]).toArray()]);
  return mergeOverlay(chunks.flatMap(recordsOf), overlay);
}

/** Every record of the given tables (deleted ones included): table after table, each in key order. */
export async function tablesRecords(tables: readonly { app: string; table: string }[]): Promise<StoredRecord[]> {
  return (await Promise.all(tables.map((t) => tableRecords(t.app, t.table)))).flat();
}

/** Every record of the replica (deleted ones included), in key order. */
export async function allRecords(): Promise<StoredRecord[]> {
  const [chunks, overlay] = await Promise.all([db.chunks.toArray(), db.records.toArray()]);
  return mergeOverlay(chunks.flatMap(recordsOf), overlay);
}
