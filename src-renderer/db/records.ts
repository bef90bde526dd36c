/**
 * THE way to read the replica's records: each reader sees chunk copies (hydration) and overlay rows
 * (everything written since) merged, the overlay row winning for a key both have. Nothing else reads
 * `db.records` or `db.chunks` (persist.ts writes them). Inside a transaction, include both stores;
 * inside useLiveQuery, Dexie observes both.
 *
 * Chunks never change once written, so outside transactions (the UI's live queries) their decoded
 * records are kept between reads (chunkCache.ts): a query re-run after a change decodes nothing it
 * had decoded before, and the same record objects come back, which lets parseRecords (hooks.ts)
 * parse each once.
 */
import { keySpan, lookupOf } from '../../src-shared/replica';
import { candidateChunks, copiesIn, mergeOverlay, sortsAlike, tablePrefixOf } from './chunks';
import { chunkRecords } from './chunkCache';
import { db, type StoredRecord } from './schema';

/** One record by key, deleted ones included. */
export async function getRecord(key: string): Promise<StoredRecord | undefined> {
  // Both reads at once (a request to IndexedDB is a round trip to the browser process). The only
  // chunk that may hold the key is the first one ending at or after it, if it is of the key's
  // table: the range stops at the table's end (no chunked id sorts above U+D800, chunks.ts), so
  // that a live query reading one record is not re-run for each chunk a hydration writes after it.
  const prefix = tablePrefixOf(key);
  const lastKeys = sortsAlike(key.slice(prefix.length)) ? db.chunks.where('lastKey').between(key, `${prefix}\uD800`, true, false).limit(1).primaryKeys() : [];
  const [overlay, chunkKeys] = await Promise.all([db.records.get(key), lastKeys]);
  if (overlay || !chunkKeys.length) return overlay;
  return (await chunkCopies(chunkKeys, [key])).get(key);
}

/** The copies of `keys` in the chunks `lastKeys` (each decoded once). */
async function chunkCopies(lastKeys: readonly string[], keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  return copiesIn(await chunkRecords(lastKeys), keys);
}

/** The chunk copies of `keys`: one read of the chunks' keys, then each needed chunk once. */
async function chunkCopiesOf(keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  if (!keys.length) return new Map();
  const wanted = candidateChunks(await db.chunks.toCollection().primaryKeys(), keys);
  return wanted.length ? chunkCopies(wanted, keys) : new Map();
}

/**
 * The chunk copies of `keys`, all within `span`: only the chunks that may hold a key of the span
 * are listed (those ending in it, and the first after it), not every chunk. A new replica's
 * hydration writes its pages in key order, so for each page this finds none in two small reads.
 */
async function chunkCopiesInSpan(span: { lower: string; upper: string }, keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  const [within, next] = await Promise.all([
    db.chunks.where('lastKey').between(span.lower, span.upper, true, true).primaryKeys(),
    db.chunks.where('lastKey').above(span.upper).limit(1).primaryKeys(),
  ]);
  const wanted = candidateChunks([...within, ...next], keys);
  return wanted.length ? chunkCopies(wanted, keys) : new Map();
}

/** `found` (the overlay rows) completed with the chunk copies of the keys it lacks. */
function shadowing(found: Map<string, StoredRecord>, copies: Map<string, StoredRecord>): Map<string, StoredRecord> {
  for (const [key, record] of copies) if (!found.has(key)) found.set(key, record);
  return found;
}

/**
 * The records of `keys` that exist (deleted ones included), by key. The overlay first: chunks are
 * read and decoded only for the keys it lacks (a decision's proposal is in the overlay).
 */
export async function getRecords(keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  const found = lookupOf(keys, await db.records.bulkGet([...keys]));
  return shadowing(found, await chunkCopiesOf(keys.filter((k) => !found.has(k))));
}

/**
 * Same as getRecords, reading the overlay by the one key range spanning `keys` instead of key by
 * key: much cheaper where the overlay is sparse, as while a new replica hydrates.
 */
export async function getRecordsInSpan(keys: readonly string[]): Promise<Map<string, StoredRecord>> {
  const span = keySpan(keys);
  if (!span) return new Map();
  const [rows, copies] = await Promise.all([db.records.where('key').between(span.lower, span.upper, true, true).toArray(), chunkCopiesInSpan(span, keys)]);
  // a new replica's hydration finds no overlay rows in the span: nothing to index the keys for
  if (!rows.length) return copies;
  const wanted = new Set(keys);
  return shadowing(new Map(rows.filter((r) => wanted.has(r.key)).map((r) => [r.key, r])), copies);
}

/** Every record of one table (deleted ones included), in key order. */
export async function tableRecords(app: string, table: string): Promise<StoredRecord[]> {
  const [lastKeys, overlay] = await Promise.all([db.chunks.where('[app+table]').equals([app, table]).primaryKeys(), db.records.where('[app+table]').equals([app, table]).toArray()]);
  // Within one [app+table] the index lists chunks by primary key: in key order.
  return mergeOverlay((await chunkRecords(lastKeys)).flatMap((c) => c.records), overlay);
}

/** Every record of the given tables (deleted ones included): table after table, each in key order. */
export async function tablesRecords(tables: readonly { app: string; table: string }[]): Promise<StoredRecord[]> {
  return (await Promise.all(tables.map((t) => tableRecords(t.app, t.table)))).flat();
}

/** Every record of the replica (deleted ones included), in key order. */
export async function allRecords(): Promise<StoredRecord[]> {
  const [lastKeys, overlay] = await Promise.all([db.chunks.toCollection().primaryKeys(), db.records.toArray()]);
  return mergeOverlay((await chunkRecords(lastKeys)).flatMap((c) => c.records), overlay);
}
