/**
 * Convergence, as a property, with every part real: three devices (engines on temp dirs, each with
 * its own clock) and a sync server (SQLite, then Postgres). Random writes and deletes on every
 * device; random offline periods (the device's network cut); random kills (the engine closed
 * without writing its pending records, then started again on the same dir); deliveries reordered
 * and duplicated on the way (a faulty network); cursors forgotten (everything delivered again, by
 * collection pulls or by the app-wide delta);
 * time moving (debounced pushes and retries fire on their own). Once every device is back and has
 * synced, every device's records equal the projection of the server's log (same values, same
 * stamps, same tombstones).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeToWrites, type ChangeIn } from '../../../src-shared/domain/change';
import type { SyncChangeOut } from '../../../src-shared/domain/sync-protocol';
import { type LwwRecord, isDeleted, mergeFieldsInto } from '../../../src-shared/lww';
import { type Backend, type TestPostgres, type TestServer, postgresBackend, sqliteBackend, startTestPostgres, startTestServer } from '../../server/testing/harness';
import type { SyncStorage } from '../../server/storage';
import { type Device, startDevice } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';

const COLLECTIONS = [
  { app: 'todo', table: 'tasks' },
  { app: 'notes', table: 'notes' },
];
const RECORDS = ['r1', 'r2', 'r3'];
const FIELDS = ['title', 'priority', 'body'];
const VALUES = ['a', 'b', '', null, 1, true];

type Command =
  | { kind: 'write'; device: number; collection: number; record: string; fields: Record<string, unknown>; insert: boolean }
  | { kind: 'delete'; device: number; collection: number; record: string }
  | { kind: 'sync'; device: number }
  | { kind: 'network'; device: number; offline: boolean }
  | { kind: 'faulty'; device: number; on: boolean }
  | { kind: 'kill'; device: number }
  | { kind: 'forget-cursors'; device: number; appToo: boolean }
  | { kind: 'time'; device: number; ms: number };

const device = fc.integer({ min: 0, max: 2 });
const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), device, collection: fc.integer({ min: 0, max: 1 }), record: fc.constantFrom(...RECORDS), fields: fc.dictionary(fc.constantFrom(...FIELDS), fc.constantFrom(...VALUES), { minKeys: 1, maxKeys: 2 }), insert: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), device, collection: fc.integer({ min: 0, max: 1 }), record: fc.constantFrom(...RECORDS) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('sync' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('network' as const), device, offline: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('faulty' as const), device, on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forget-cursors' as const), device, appToo: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('time' as const), device, ms: fc.integer({ min: 0, max: 3000 }) }) },
);

/** A small seeded generator for the faulty network's shuffles (fast-check gives the seed). */
function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** The records the server's log stands for: every change of the account folded with the one LWW merge. */
async function serverProjection(server: TestServer, token: string, app: string, table: string): Promise<Map<string, LwwRecord>> {
  const { changes } = await server.client(token, 'observer').pullAll(app, table);
  const records = new Map<string, LwwRecord>();
  for (const c of changes as SyncChangeOut[]) {
    const record = records.get(c.id) ?? { data: {}, meta: {} };
    mergeFieldsInto(record, changeToWrites({ ...c, app, fields: c.fields } as ChangeIn, '1970-01-01T00:00:00.000Z'));
    records.set(c.id, record);
  }
  return records;
}

function deviceRecords(d: Device, app: string, table: string): Map<string, LwwRecord> {
  return new Map(d.engine.store.list(app, table, { includeDeleted: true }).map((r) => [r.id, { data: r.data, meta: r.meta }]));
}

let eventCounter = 0;
async function run(d: Device, c: Command): Promise<void> {
  const { app, table } = COLLECTIONS['collection' in c ? c.collection : 0]!;
  switch (c.kind) {
    case 'write':
      await d.engine.call('sync.push', { clientId: 'renderer', changes: [{ eventId: `e${++eventCounter}`, app, table, id: c.record, op: c.insert ? 'insert' : 'update', data: c.fields }] });
      return;
    case 'delete':
      await d.engine.call('sync.push', { clientId: 'renderer', changes: [{ eventId: `e${++eventCounter}`, app, table, id: c.record, op: 'delete' }] });
      return;
    case 'sync':
      await d.engine.sync.syncNow();
      return;
    case 'network':
      d.offline = c.offline;
      return;
    case 'faulty':
      d.faultyDelivery = c.on;
      return;
    case 'kill':
      await d.kill();
      await d.restart();
      return;
    case 'forget-cursors':
      for (const cur of d.engine.store.syncState.cursors()) d.engine.store.syncState.setCursor(cur.app, cur.table, '');
      // Collections only: pulled page by page from the start; the app's cursor too: the app-wide delta from the start.
      if (c.appToo) for (const { app: a } of COLLECTIONS) d.engine.store.syncState.setAppCursor(a, '');
      return;
    case 'time':
      d.clock.advance(c.ms);
      return;
  }
}

function convergenceSuite(backend: () => Backend, numRuns: number): void {
  let storage: { storage: SyncStorage; cleanup(): Promise<void> };
  let server: TestServer;
  let accounts = 0;

  beforeAll(async () => {
    storage = await backend().open();
    server = await startTestServer(storage.storage);
  });
  afterAll(async () => {
    await server?.close();
    await storage?.cleanup();
  });

  it('every device ends with the server’s projection', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), fc.integer(), async (commands, seed) => {
        const token = await server.account(`household-${++accounts}`);
        const random = seeded(seed);
        const devices = ['laptop', 'phone', 'home'].map((name, i) =>
          startDevice({ name, serverUrl: server.url, token, clock: new TestClock(`2026-11-20T09:0${i}:00.000Z`), faultRandom: random }),
        );
        try {
          for (const c of commands) await run(devices[c.device]!, c);
          // Everyone back on a good network; exchanges until nothing moves.
          for (const d of devices) Object.assign(d, { offline: false, faultyDelivery: false });
          for (let round = 0; round < 2; round++) for (const d of devices) await d.engine.sync.syncNow();
          for (const d of devices) expect(d.engine.sync.status()).toMatchObject({ state: 'synced', waiting: 0, parked: 0 });
          for (const { app, table } of COLLECTIONS) {
            const expected = await serverProjection(server, token, app, table);
            for (const d of devices) {
              const actual = deviceRecords(d, app, table);
              expect({ device: d.name, app, table, records: Object.fromEntries(actual) }).toEqual({ device: d.name, app, table, records: Object.fromEntries(expected) });
              for (const [id, record] of actual) expect(d.engine.store.get(app, table, id)?.deleted).toBe(isDeleted(record));
            }
          }
        } finally {
          for (const d of devices) await d.close().catch(() => undefined);
        }
      }),
      { numRuns },
    );
  }, 240_000);
}

describe('convergence through a sync server on SQLite', () => {
  convergenceSuite(sqliteBackend, 12);
});

describe('convergence through a sync server on Postgres', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startTestPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });
  convergenceSuite(() => postgresBackend(() => pg), 6);
});
