/**
 * Identity of this replica: a client id for pushes and the HLC node id, both persisted so stamps
 * and pushes stay attributable across reloads. One HybridClock stamps every local write.
 */
import { createHybridClock, randomNodeId, type HybridClock } from '../../src-shared/hlc';
import { newId } from '../lib/ids';
import { db } from './schema';

export interface Replica {
  clientId: string;
  clock: HybridClock;
}

async function getOrCreate(key: 'clientId' | 'nodeId', create: () => string): Promise<string> {
  return db.transaction('rw', db.meta, async () => {
    const existing = await db.meta.get(key);
    if (typeof existing?.value === 'string') return existing.value;
    const value = create();
    await db.meta.put({ key, value });
    return value;
  });
}

let replica: Promise<Replica> | null = null;

export function getReplica(): Promise<Replica> {
  replica ??= (async () => {
    const clientId = await getOrCreate('clientId', () => `renderer-${newId()}`);
    const nodeId = await getOrCreate('nodeId', randomNodeId);
    return { clientId, clock: createHybridClock(nodeId) };
  })();
  return replica;
}
