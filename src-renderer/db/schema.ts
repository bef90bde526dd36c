/**
 * The renderer's replica: records with their per-field stamps (and who wrote each field here, for
 * conflict signals), the outbox of local changes not yet pushed, a little key/value state (pull
 * cursor, client id, clock node id) and the conflicts noticed while applying pulled changes.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { ConflictSignal, ReplicaRecord } from '../../src-shared/replica';

export { recordKey } from '../../src-shared/replica';

/** One shape for the replica everywhere: the one src-shared/replica.ts merges into. */
export type StoredRecord = ReplicaRecord;

export interface OutboxEntry {
  seq?: number;
  change: ChangeIn;
}

export interface MetaEntry {
  key: 'lastSeq' | 'clientId' | 'nodeId';
  value: string | number;
}

/** A value the user wrote here that a pulled change overwrote; shown in Activity. */
export interface ConflictEntry extends ConflictSignal {
  seqId?: number;
  detectedAt: string;
}

export type ReplicaDb = Dexie & {
  records: EntityTable<StoredRecord, 'key'>;
  outbox: EntityTable<OutboxEntry, 'seq'>;
  meta: EntityTable<MetaEntry, 'key'>;
  conflicts: EntityTable<ConflictEntry, 'seqId'>;
};

export const DB_NAME = 'mission-companion';

export const db = new Dexie(DB_NAME) as ReplicaDb;
db.version(1).stores({
  records: 'key, [app+table]',
  outbox: '++seq',
  meta: 'key',
});
db.version(2).stores({
  conflicts: '++seqId, detectedAt',
});
