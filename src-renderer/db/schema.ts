/**
 * The renderer's replica: records with their per-field stamps (and who wrote each field here, for
 * conflict signals) as snapshot chunks from hydration plus an overlay of one row per record written
 * since (read them through records.ts, which merges the two), the outbox of local changes not yet pushed, a little key/value state (pull
 * cursor, client id, clock node id) and the conflicts noticed while applying pulled changes.
 */
import { Dexie, type EntityTable } from 'dexie';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { ConflictSignal, ReplicaRecord } from '../../src-shared/replica';
import type { RecordChunk } from './chunks';

export { recordKey } from '../../src-shared/replica';

/** One shape for the replica everywhere: the one src-shared/replica.ts merges into. */
export type StoredRecord = ReplicaRecord;

export interface OutboxEntry {
  seq?: number;
  change: ChangeIn;
}

export interface MetaEntry {
  key: 'lastSeq' | 'clientId' | 'nodeId' | 'epoch';
  value: string | number;
}

/** A value the user wrote here that a pulled change overwrote; shown in Activity. */
export interface ConflictEntry extends ConflictSignal {
  seqId?: number;
  detectedAt: string;
}

export type ReplicaDb = Dexie & {
  /** the overlay: complete records written after hydration, shadowing their chunk copies */
  records: EntityTable<StoredRecord, 'key'>;
  chunks: EntityTable<RecordChunk, 'lastKey'>;
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
db.version(3).stores({
  chunks: 'lastKey, [app+table]',
});
