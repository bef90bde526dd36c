/**
 * Decoded chunks, kept between the UI's reads: a chunk never changes once written (a hydration
 * clears them all and writes new ones under a new `chunksId`), so a live query re-run after a change
 * decodes only chunks it had not seen, and gets the same record objects back (parseRecords in
 * hooks.ts then parses each record once). Bounded by the size of the chunks' JSON, least recently
 * used first out. Inside a transaction (a write), and in a replica whose chunks have no id yet,
 * chunks are read as stored, past the cache.
 */
import { Dexie } from 'dexie';
import { decodeChunk, type DecodedChunk } from './chunks';
import { db } from './schema';

export type { DecodedChunk };

/** About 2–3 bytes of heap per character of JSON decoded: tens of MB at most. */
export const CACHE_CHARS = 12_000_000;

interface Entry {
  chunk: DecodedChunk;
  chars: number;
}

const cache = new Map<string, Entry>();
let cachedChars = 0;
let cacheOf: string | null = null;

function remember(chunk: DecodedChunk, chars: number): void {
  if (chars > CACHE_CHARS) return;
  cache.set(chunk.lastKey, { chunk, chars });
  cachedChars += chars;
  for (const [key, entry] of cache) {
    if (cachedChars <= CACHE_CHARS) break;
    cache.delete(key);
    cachedChars -= entry.chars;
  }
}

/** The decoded chunks `lastKeys` (those that exist), in that order. */
export async function chunkRecords(lastKeys: readonly string[]): Promise<DecodedChunk[]> {
  if (!lastKeys.length) return [];
  const id = Dexie.currentTransaction ? undefined : ((await db.meta.get('chunksId'))?.value as string | undefined);
  // Chunks no hydration of this schema wrote (none yet, or a replica just upgraded) are read as stored.
  if (id === undefined) return (await db.chunks.bulkGet([...lastKeys])).flatMap((row) => (row ? [decodeChunk(row)] : []));
  if (id !== cacheOf) {
    cache.clear();
    cachedChars = 0;
    cacheOf = id;
  }
  const found = new Map<string, DecodedChunk>();
  const missing: string[] = [];
  for (const key of lastKeys) {
    const entry = cache.get(key);
    if (!entry) {
      missing.push(key);
      continue;
    }
    // Used again: to the end of the line.
    cache.delete(key);
    cache.set(key, entry);
    found.set(key, entry.chunk);
  }
  if (missing.length) {
    for (const row of await db.chunks.bulkGet(missing)) {
      if (!row) continue;
      const chunk = decodeChunk(row);
      found.set(row.lastKey, chunk);
      remember(chunk, row.records.length);
    }
  }
  return lastKeys.flatMap((key) => found.get(key) ?? []);
}
