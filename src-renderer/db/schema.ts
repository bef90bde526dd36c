/**
 * The renderer's replica: records with their per-field stamps (and who wrote each field here, for
 * conflict signals) as snapshot chunks from hydration plus an overlay of one row per record written
 * since (read them through records.ts, which merges the two; write them through persist.ts), the
 * outbox of local changes not yet pushed, a little key/value state (pull cursor, client id, clock
 * node id, what the last hydration left), the conflicts noticed while applying pulled changes, and
 * the derived `proposals` table (derive.ts): the overlay's proposals, parsed once and indexed.
 */
import { Dexie, type EntityTable, type Table } from 'dexie';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { ConflictSignal, ReplicaRecord } from '../../src-shared/replica';
import { newId } from '../lib/ids';
import { mergeOverlay, recordsOf, type RecordChunk } from './chunks';
import { derivedChanges, hotProposals, PROPOSALS, type ProposalRow, type Watermarks } from './derive';

export type { ProposalRow };
export { recordKey } from '../../src-shared/replica';

/** One shape for the replica everywhere: the one src-shared/replica.ts merges into. */
export type StoredRecord = ReplicaRecord;

export interface OutboxEntry {
  seq?: number;
  change: ChangeIn;
}

export type MetaEntry =
  | { key: 'lastSeq'; value: number }
  | { key: 'clientId' | 'nodeId'; value: string }
  /** the decision lists the last hydration did not index whole (derive.ts) */
  | { key: 'watermarks'; value: Watermarks }
  /** changes with every hydration's chunks: what a reader caching decoded chunks checks (records.ts) */
  | { key: 'chunksId'; value: string }
  /** the engine's replica epoch this replica copied (apply.ts followEpoch) */
  | { key: 'epoch'; value: string };

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
  /** derived from the overlay's proposal records (derive.ts) */
  proposals: EntityTable<ProposalRow, 'id'>;
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
// Version 4 adds the derived table. A replica hydrated before it has every proposal in chunks: the
// ones the inbox shows move to the overlay (shadowing their chunk copies), as a hydration leaves them.
db.version(4)
  .stores({
    proposals: 'id, status, missionId, decidedOn, [module+decidedOn], [missionId+decidedOn]',
  })
  .upgrade(async (tx) => {
    const where = [PROPOSALS.app, PROPOSALS.table];
    const [chunks, overlay] = await Promise.all([
      tx.table<RecordChunk>('chunks').where('[app+table]').equals(where).toArray(),
      tx.table<StoredRecord>('records').where('[app+table]').equals(where).toArray(),
    ]);
    const all = mergeOverlay(chunks.flatMap(recordsOf), overlay);
    const { keys, watermarks } = hotProposals(all);
    const inOverlay = new Set(overlay.map((r) => r.key));
    const moved = all.filter((r) => keys.has(r.key) && !inOverlay.has(r.key));
    await tx.table('records').bulkPut(moved);
    await tx.table('proposals').bulkPut(derivedChanges([...overlay, ...moved]).puts);
    await tx.table('meta').bulkPut([
      { key: 'watermarks', value: watermarks },
      { key: 'chunksId', value: newId() },
    ]);
  });

/**
 * Every store a record write touches: the overlay, the chunks (read for the current record) and the
 * derived table. A transaction that writes records names these (and whatever else it writes, e.g.
 * the outbox).
 */
export function recordStores(): Table[] {
  return [db.records, db.chunks, db.proposals];
}
