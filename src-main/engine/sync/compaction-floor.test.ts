/**
 * The history keeper and the sync client together (a real sync server, real engines on temp
 * dirs): compaction never removes a log row the server has not acknowledged. A change made
 * offline long ago, older than the horizon, still reaches the server and the other devices once
 * the device is back; a change the server refused (parked) stays in the log with its reason;
 * what the server has acknowledged is compacted as before.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Engine } from '../index';
import { type Device, startDevice } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';
import { type TestServer, sqliteBackend, startTestServer } from '../../server/testing/harness';
import type { SyncStorage } from '../../server/storage';

const DAY_MS = 86_400_000;

let storage: { storage: SyncStorage; cleanup(): Promise<void> };
let server: TestServer;
let token: string;
const devices: Device[] = [];

beforeEach(async () => {
  storage = await sqliteBackend().open();
  server = await startTestServer(storage.storage);
  token = await server.account('household');
});

afterEach(async () => {
  for (const d of devices.splice(0)) await d.close().catch(() => undefined);
  await server.close();
  await storage.cleanup();
});

function device(name: string, clock: TestClock, options: Partial<Parameters<typeof startDevice>[0]> = {}): Device {
  const d = startDevice({ name, serverUrl: server.url, token, clock, ...options });
  devices.push(d);
  return d;
}

let n = 0;
async function putTask(engine: Engine, id: string, title: string, op: 'insert' | 'update' = 'insert'): Promise<number> {
  await engine.call('sync.push', { clientId: 'renderer', changes: [{ eventId: `task-${id}-${++n}`, app: 'todo', table: 'tasks', id, op, data: { title, done: false } }] });
  return engine.store.maxSeq();
}

async function title(engine: Engine, id: string): Promise<unknown> {
  return (await engine.call('records.get', { app: 'todo', table: 'tasks', id })).record?.data.title;
}

/** Which of these seqs are still rows of the device's log. */
function inLog(engine: Engine, seqs: number[]): number[] {
  return engine.store.syncState.unpushed(0, engine.store.maxSeq(), 100_000).map((r) => r.seq).filter((s) => seqs.includes(s));
}

describe('compaction keeps what the sync server has not acknowledged', () => {
  it('a change made offline before the horizon survives compaction and reaches the other devices', async () => {
    const clock = new TestClock('2026-01-05T09:00:00.000Z');
    const laptop = device('laptop', clock);
    const acked = await putTask(laptop.engine, 't1', 'pushed in January');
    await laptop.engine.sync.syncNow();
    expect(laptop.engine.sync.oldestUnacknowledgedSeq()).toBeNull();

    laptop.offline = true;
    const waiting = await putTask(laptop.engine, 't2', 'written offline in January');
    await laptop.engine.sync.syncNow();
    expect(laptop.engine.sync.oldestUnacknowledgedSeq()).toBe(waiting);

    // Half a year later, still offline, the keeper runs: both changes are older than the horizon.
    clock.set('2026-07-05T09:00:00.000Z');
    const run = await laptop.engine.call('history.compact', {});
    expect(run).toMatchObject({ horizonDays: 90, keepFrom: waiting, error: null });
    expect(run.compactedThrough).toBe(waiting - 1);
    // the acknowledged change left the log; the waiting one is still there to be pushed
    expect(inLog(laptop.engine, [acked, waiting])).toEqual([waiting]);
    const pull = await laptop.engine.call('sync.pull', { since: 0, limit: 10 });
    expect(pull.cursorTooOld).toBe(true);

    laptop.offline = false;
    await laptop.engine.sync.syncNow();
    expect(laptop.engine.sync.status()).toMatchObject({ state: 'synced', waiting: 0 });
    const phone = device('phone', clock);
    await phone.engine.sync.syncNow();
    expect(await title(phone.engine, 't1')).toBe('pushed in January');
    expect(await title(phone.engine, 't2')).toBe('written offline in January');

    // once acknowledged, the next run compacts it like any other change
    const next = await laptop.engine.call('history.compact', {});
    expect(next.keepFrom).toBeNull();
    expect(next.compactedThrough).toBeGreaterThanOrEqual(waiting);
  });

  it('a parked change stays in the log, with its reason, whatever its age', async () => {
    const clock = new TestClock('2026-01-05T09:00:00.000Z');
    const laptop = device('laptop', clock);
    await putTask(laptop.engine, 't1', 'fine');
    const refused = await putTask(laptop.engine, 't2', 'nul \u0000 inside');
    await putTask(laptop.engine, 't3', 'also fine');
    await laptop.engine.sync.syncNow();
    expect(laptop.engine.sync.status()).toMatchObject({ parked: 1, waiting: 0 });

    clock.set('2026-07-05T09:00:00.000Z');
    const run = await laptop.engine.call('history.compact', {});
    expect(run).toMatchObject({ keepFrom: refused, compactedThrough: refused - 1, error: null });
    const parked = await laptop.engine.call('syncServer.parked', { limit: 10 });
    expect(parked.changes).toEqual([expect.objectContaining({ seq: refused, id: 't2', reason: expect.stringMatching(/refused/) })]);
  });

  it('a server set without its token yet: what waits for it is kept too', async () => {
    const clock = new TestClock('2026-01-05T09:00:00.000Z');
    const laptop = device('laptop', clock, { token: '' });
    laptop.engine.settings.update({ syncToken: null });
    const first = await putTask(laptop.engine, 't1', 'before the token');
    clock.set('2026-07-05T09:00:00.000Z');
    const run = await laptop.engine.call('history.compact', {});
    expect(run).toMatchObject({ keepFrom: first, compactedThrough: 0 });
    laptop.engine.settings.update({ syncToken: token });
    await expect.poll(() => laptop.engine.sync.status().state).toBe('synced');
    expect((await server.client(token, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
  });

  it('without a sync server nothing holds compaction back', async () => {
    const clock = new TestClock('2026-01-05T09:00:00.000Z');
    const laptop = device('laptop', clock, { token: '' });
    laptop.engine.settings.update({ syncToken: null, sync: { serverUrl: '' } });
    const last = await putTask(laptop.engine, 't1', 'local only');
    clock.set('2026-07-05T09:00:00.000Z');
    const run = await laptop.engine.call('history.compact', {});
    expect(run).toMatchObject({ keepFrom: null, compactedThrough: last });
  });
});
