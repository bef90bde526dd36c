/**
 * THE way to write the replica's records (records.ts is the way to read them): overlay rows, new
 * snapshot chunks, and the derived rows of the overlay's proposals (derive.ts). Call it inside a
 * transaction over `recordStores()` (plus whatever else that transaction writes, e.g. the outbox),
 * so that a record and its derived row commit together or not at all.
 */
import { newId } from '../lib/ids';
import type { RecordChunk } from './chunks';
import { derivedChanges, NO_WATERMARKS } from './derive';
import { db, recordStores, type StoredRecord } from './schema';

export interface RecordWrites {
  /** complete records, each shadowing its chunk copy (if any) */
  overlay?: readonly StoredRecord[];
  /** new chunk rows (a hydration's) */
  chunks?: readonly RecordChunk[];
}

export async function persistRecords({ overlay = [], chunks = [] }: RecordWrites): Promise<void> {
  const writes: Promise<unknown>[] = [];
  if (overlay.length) writes.push(db.records.bulkPut([...overlay]));
  if (chunks.length) writes.push(db.chunks.bulkAdd([...chunks]));
  const { puts, deletes } = derivedChanges(overlay);
  if (puts.length) writes.push(db.proposals.bulkPut(puts));
  if (deletes.length) writes.push(db.proposals.bulkDelete(deletes));
  await Promise.all(writes);
}

/**
 * Before a hydration writes its chunks: the chunks of an earlier, interrupted one go (and with them
 * what readers cached of them: a new chunksId), and so do the watermarks, which described them.
 */
export async function clearChunks(): Promise<void> {
  await db.transaction('rw', [...recordStores(), db.meta], async () => {
    await db.chunks.clear();
    await db.meta.bulkPut([
      { key: 'watermarks', value: NO_WATERMARKS },
      { key: 'chunksId', value: newId() },
    ]);
  });
}
