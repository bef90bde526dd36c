/**
 * Local writes. The record and its outbox entry are written in ONE Dexie transaction, so a write
 * is either fully queued for push or not made at all, even if the window closes mid-write. The
 * record goes to the overlay complete (merged with its chunk copy, if any), shadowing that copy.
 */
import { LOCAL_USER } from '../../src-shared/domain/actor';
import { PushedChange, changeToWrites, type Op } from '../../src-shared/domain/change';
import type { FieldValues } from '../../src-shared/lww';
import { mergeIntoReplica } from '../../src-shared/replica';
import { newId } from '../lib/ids';
import { getRecord } from './records';
import { getReplica } from './replica';
import { persistRecords } from './persist';
import { db, recordKey, recordStores } from './schema';

export async function writeRecord(app: string, table: string, id: string, fields: FieldValues, op: Op = 'update'): Promise<void> {
  const { clock } = await getReplica();
  const key = recordKey(app, table, id);
  await db.transaction('rw', [...recordStores(), db.outbox], async () => {
    const current = await getRecord(key);
    // Following the stamps already on the record makes this write win over everything the user
    // saw, even when another tab sharing this replica stamped it a moment ago.
    clock.observeAll(Object.values(current?.meta ?? {}));
    const at = clock.now();
    const stamped =
      op === 'delete'
        ? { deletedAt: { value: new Date().toISOString(), at } }
        : Object.fromEntries(Object.entries(fields).map(([f, value]) => [f, { value: value === undefined ? null : value, at }]));
    // Validated here so a bad local change fails in the UI instead of blocking the outbox later.
    const change = PushedChange.parse({
      eventId: newId(),
      app,
      table,
      id,
      op,
      fields: stamped,
      actor: LOCAL_USER,
      origin: 'user',
    });
    // Marked as the user's, so a pulled change that later overwrites it raises a conflict signal.
    const { record } = mergeIntoReplica(current, { app, table, id }, changeToWrites(change, at), 'user');
    await persistRecords({ overlay: [record] });
    await db.outbox.add({ change });
  });
}

/** Soft delete: a `deletedAt` tombstone that merges like any other field. */
export function deleteRecord(app: string, table: string, id: string): Promise<void> {
  return writeRecord(app, table, id, {}, 'delete');
}
