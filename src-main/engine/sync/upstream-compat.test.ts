/**
 * Compatibility: the sync client against a stand-alone stub that follows the upstream mana-sync as
 * the reference describes it (src-main/server/testing/upstream-stub.ts), not our server. Changes go
 * both ways; its quirks are tolerated: inserts stored with empty field_meta, push deltas cut at
 * 5,000 rows without `hasMore`, a batch stored twice after a failure midway, RFC3339Nano times and
 * ISO cursors, `null` for empty lists, no claims.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import type { Engine } from '../index';
import { type Device, startDevice } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';
import { type UpstreamStub, startUpstreamStub } from '../../server/testing/upstream-stub';

const TOKEN = 'upstream-jwt-stand-in';
let stub: UpstreamStub;
const devices: Device[] = [];
/** one clock for the devices and the stub; each write happens a second after the last, as people write */
let clock: TestClock;

beforeEach(async () => {
  clock = new TestClock('2026-11-20T09:00:00.000Z');
  stub = await startUpstreamStub({ token: TOKEN, now: () => clock.now() });
});

afterEach(async () => {
  for (const d of devices.splice(0)) await d.close().catch(() => undefined);
  await stub.close();
});

function device(name: string): Device {
  const d = startDevice({ name, serverUrl: stub.url, token: TOKEN, clock });
  devices.push(d);
  return d;
}

let n = 0;
async function write(engine: Engine, changes: Omit<ChangeIn, 'eventId'>[]): Promise<void> {
  clock.advance(1000);
  await engine.call('sync.push', { clientId: 'renderer', changes: changes.map((c) => ({ ...c, eventId: `w-${++n}` })) });
}

async function records(engine: Engine, app: string, table: string) {
  const { records } = await engine.call('records.list', { app, table, includeDeleted: true, limit: 10_000 });
  return Object.fromEntries(records.map((r) => [r.id, { data: r.data, deleted: r.deleted }]));
}

describe('the sync client against an upstream-style server', () => {
  it('syncs both ways: inserts (stored without field stamps), updates and deletes', async () => {
    const a = device('laptop');
    const b = device('phone');
    const c = device('tablet');
    await write(a.engine, [
      { app: 'todo', table: 'tasks', id: 't1', op: 'insert', data: { title: 'Buy milk', done: false } },
      { app: 'todo', table: 'tasks', id: 't2', op: 'insert', data: { title: 'Call mum', done: false } },
      { app: 'notes', table: 'notes', id: 'n1', op: 'insert', data: { title: 'Ideas', content: 'x' } },
    ]);
    await a.engine.sync.syncNow();
    expect(stub.rows.filter((r) => r.op === 'insert').every((r) => Object.keys(r.fieldMeta).length === 0)).toBe(true);
    await b.engine.sync.syncNow();
    expect(await records(b.engine, 'todo', 'tasks')).toEqual(await records(a.engine, 'todo', 'tasks'));
    // B edits and deletes; A and a third device see the same
    await write(b.engine, [
      { app: 'todo', table: 'tasks', id: 't1', op: 'update', data: { done: true } },
      { app: 'todo', table: 'tasks', id: 't2', op: 'delete' },
    ]);
    await b.engine.sync.syncNow();
    await a.engine.sync.syncNow();
    await c.engine.sync.syncNow();
    const tasks = await records(b.engine, 'todo', 'tasks');
    expect(tasks.t1!.data).toMatchObject({ title: 'Buy milk', done: true });
    expect(tasks.t2!.deleted).toBe(true);
    for (const d of [a, c]) {
      expect(await records(d.engine, 'todo', 'tasks')).toEqual(tasks);
      expect(await records(d.engine, 'notes', 'notes')).toEqual(await records(b.engine, 'notes', 'notes'));
    }
    // An insert that came without stamps is older than any later write, on every device alike:
    // A's own later update (stamped) wins over B's copy of the insert, wherever it is read.
    await write(a.engine, [{ app: 'todo', table: 'tasks', id: 't1', op: 'update', data: { title: 'Buy oat milk' } }]);
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    expect((await records(b.engine, 'todo', 'tasks')).t1!.data.title).toBe('Buy oat milk');
    expect(a.engine.sync.status()).toMatchObject({ state: 'synced', parked: 0, waiting: 0, unreadableReceived: 0 });
  });

  it('a push delta cut at 5,000 rows without hasMore loses nothing: the pulls page it', async () => {
    const a = device('laptop');
    const b = device('phone');
    const many = Array.from({ length: 6000 }, (_, i) => ({ app: 'todo', table: 'tasks', id: `t${i}`, op: 'insert' as const, data: { title: `Task ${i}` } }));
    for (let i = 0; i < many.length; i += 2000) await write(a.engine, many.slice(i, i + 2000));
    await a.engine.sync.syncNow();
    // B pushes one change: the stub's answer carries 5,000 of A's 6,000 and says nothing more
    await write(b.engine, [{ app: 'todo', table: 'tasks', id: 'mine', op: 'insert', data: { title: 'Mine' } }]);
    await b.engine.sync.syncNow();
    expect(Object.keys(await records(b.engine, 'todo', 'tasks'))).toHaveLength(6001);
  });

  it('a batch stored twice (failure midway, then the retry) ends as one set of records', async () => {
    const a = device('laptop');
    const b = device('phone');
    await write(a.engine, [1, 2, 3, 4].map((i) => ({ app: 'todo', table: 'tasks', id: `t${i}`, op: 'insert' as const, data: { title: `Task ${i}` } })));
    stub.failNextPushAfter = 2;
    await a.engine.sync.syncNow();
    expect(a.engine.sync.status().state).toBe('offline'); // a 500: retried later
    await a.engine.sync.syncNow();
    expect(stub.rows).toHaveLength(6); // t1 and t2 twice, as upstream stores a retried batch
    await b.engine.sync.syncNow();
    const tasks = await records(b.engine, 'todo', 'tasks');
    expect(Object.keys(tasks).sort()).toEqual(['t1', 't2', 't3', 't4']);
    expect(tasks).toEqual(await records(a.engine, 'todo', 'tasks'));
  });

  it('a body over the server’s limit: the batch is halved until it fits', async () => {
    const a = device('laptop');
    const b = device('phone');
    stub.maxBodyBytes = 64 * 1024;
    await write(a.engine, Array.from({ length: 100 }, (_, i) => ({ app: 'notes', table: 'notes', id: `n${i}`, op: 'insert' as const, data: { content: 'x'.repeat(2000) } })));
    await a.engine.sync.syncNow();
    expect(a.engine.sync.status()).toMatchObject({ state: 'synced', waiting: 0, parked: 0 });
    await b.engine.sync.syncNow();
    expect(Object.keys(await records(b.engine, 'notes', 'notes'))).toHaveLength(100);
  });

  it('has no claims: says so, and the live channel still brings changes', async () => {
    const a = device('laptop');
    const b = device('phone');
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    expect(await a.engine.sync.claim('m1', '2026-11-20T09:00:00.000Z')).toEqual({ kind: 'no-claims' });
    expect(a.engine.sync.status().claims).toBe('unsupported');
    await expect.poll(() => b.engine.sync.status().live).toBe(true);
    await write(a.engine, [{ app: 'todo', table: 'tasks', id: 'live', op: 'insert', data: { title: 'Live' } }]);
    await a.engine.sync.syncNow();
    await expect.poll(async () => (await records(b.engine, 'todo', 'tasks')).live?.data.title).toBe('Live');
  });
});
