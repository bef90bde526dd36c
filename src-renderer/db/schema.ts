/**
 * The renderer's replica: records with their per-field stamps, the outbox of local changes not yet
 * pushed, and a little key/value state (pull cursor, client id, clock node id).
 */
import { Dexie, type EntityTable } from 'dexie';
import type { ChangeIn } from '../../src-shared/domain/change';
import type { FieldStamps, FieldValues } from '../../src-shared/lww';

export interface StoredRecord {
  /** `${app}/${table}/${id}` */
  key: string;
  app: string;
  table: string;
  id: string;
  data: FieldValues;
  meta: FieldStamps;
  /** IndexedDB cannot index booleans, hence 0|1 */
  deleted: 0 | 1;
  /** seq of the last pulled change applied (0 while only written locally) */
  seq: number;
}

export interface OutboxEntry {
  seq?: number;
  change: ChangeIn;
}

export interface MetaEntry {
  key: 'lastSeq' | 'clientId' | 'nodeId';
  value: string | number;
}

export type ReplicaDb = Dexie & {
  records: EntityTable<StoredRecord, 'key'>;
  outbox: EntityTable<OutboxEntry, 'seq'>;
  meta: EntityTable<MetaEntry, 'key'>;
};

export const DB_NAME = 'mission-companion';

export const db = new Dexie(DB_NAME) as ReplicaDb;
db.version(1).stores({
  records: 'key, [app+table]',
  outbox: '++seq',
  meta: 'key',
});

export function recordKey(app: string, table: string, id: string): string {
  return `${app}/${table}/${id}`;
}
