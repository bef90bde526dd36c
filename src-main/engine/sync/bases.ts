/**
 * Records whose history was compacted, as changes a server that never saw that history can store.
 *
 * While a server is set, the history keeper never compacts what it has not acknowledged (the
 * floor, `SyncClient.oldestUnacknowledgedSeq`). But a device may compact with no server set, and
 * later connect to one, or to another server or account (which starts over: everything is sent
 * again). The log rows that were compacted are gone; the state they made lives on in `records`.
 * So, before the log, such a server gets each record with compacted history as one change: every
 * field with the stamp it has here. Field-level LWW on every device then gives what the compacted
 * rows would have given, and the log rows after the compaction point follow as usual.
 *
 * The event id is derived from this device, the record and the seq of its state (the same state
 * sent twice is stored once; a newer state is a new change), hashed to stay within 200 characters.
 */
import { createHash } from 'node:crypto';
import type { RecordKey } from '../store/history-queries';
import type { ChangeRow, RecordRow } from '../store/rows';

/** A record's state as the change that carries it; `seq` 0: it is no log row (it cannot be parked). */
export function baseChange(row: RecordRow, clientId: string, at: string): ChangeRow {
  const key = JSON.stringify([clientId, row.app_id, row.table_name, row.record_id, row.last_seq]);
  return {
    seq: 0,
    id: `base-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`,
    app_id: row.app_id,
    table_name: row.table_name,
    record_id: row.record_id,
    space_id: null,
    op: row.deleted ? 'delete' : 'insert',
    data: row.data,
    field_meta: row.field_meta,
    client_id: clientId,
    created_at: at,
    actor: null,
    origin: null,
  };
}

export function keyOf(row: RecordRow): RecordKey {
  return [row.app_id, row.table_name, row.record_id];
}
