/**
 * The sync client against a real sync server (SQLite storage, real HTTP), with engines on temp
 * dirs: changes go both ways and never echo; what the server acknowledged moves a watermark; a
 * refused change is parked, never dropped; no answer means "offline since …" and retries with
 * full-jitter back-off on the test's clock; a refused token stops everything until a new one.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../index';
import { householdPerTest } from '../testing/household';
import type { Device, DeviceOptions } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';
import { startSyncServer } from '../../server/server';

const household = householdPerTest();
const device = (name: string, options: Partial<DeviceOptions> = {}): Device => household.device(name, options);

let n = 0;
async function addTask(engine: Engine, id: string, title: string): Promise<void> {
  await engine.call('sync.push', { clientId: 'renderer', changes: [{ eventId: `task-${id}-${++n}`, app: 'todo', table: 'tasks', id, op: 'insert', data: { title, done: false } }] });
}

async function title(engine: Engine, id: string): Promise<unknown> {
  return (await engine.call('records.get', { app: 'todo', table: 'tasks', id })).record?.data.title;
}

describe('the sync client', () => {
  it('moves changes both ways through the server, and never pushes back what it pulled', async () => {
    const a = device('laptop');
    const b = device('home-server');
    await addTask(a.engine, 't1', 'From the laptop');
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    expect(await title(b.engine, 't1')).toBe('From the laptop');
    await addTask(b.engine, 't2', 'From the home server');
    await b.engine.sync.syncNow();
    await a.engine.sync.syncNow();
    expect(await title(a.engine, 't2')).toBe('From the home server');

    // Each change is stored once on the server, and each device's log holds each change once.
    const all = await household.server.client(household.token, 'observer').pullAll('todo', 'tasks');
    expect(all.changes.map((c) => c.id).sort()).toEqual(['t1', 't2']);
    for (const d of [a, b]) expect((await d.engine.call('sync.pull', { since: 0, limit: 1000 })).changes.filter((c) => c.app === 'todo')).toHaveLength(2);
    // Another round moves nothing: B's t2 came to A from the server, and A does not send it back.
    const pushesBefore = (await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.length;
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes).toHaveLength(pushesBefore);
    expect(a.engine.sync.status()).toMatchObject({ state: 'synced', waiting: 0, parked: 0, lastError: null });
  });

  it('knows what the server acknowledged: the floor compaction must keep', async () => {
    const a = device('laptop');
    expect(a.engine.sync.oldestUnacknowledgedSeq()).toBeNull(); // nothing written yet
    await addTask(a.engine, 't1', 'one');
    const first = a.engine.store.maxSeq();
    a.offline = true;
    await a.engine.sync.syncNow();
    await addTask(a.engine, 't2', 'two');
    expect(a.engine.sync.oldestUnacknowledgedSeq()).toBe(first);
    expect(a.engine.sync.status().waiting).toBe(2);
    a.offline = false;
    await a.engine.sync.syncNow();
    expect(a.engine.sync.oldestUnacknowledgedSeq()).toBeNull();
    expect(a.engine.sync.status().waiting).toBe(0);
  });

  it('offline: says since when, retries with full-jitter back-off on the test clock, and recovers', async () => {
    const clock = new TestClock('2026-11-20T10:42:00.000Z');
    const a = device('laptop', { clock, random: () => 0.5 });
    await a.engine.sync.syncNow();
    a.offline = true;
    await addTask(a.engine, 't1', 'Written offline');
    await a.engine.sync.syncNow();
    const status = a.engine.sync.status();
    expect(status).toMatchObject({ state: 'offline', offlineSince: '2026-11-20T10:42:00.000Z', waiting: 1 });
    expect(status.lastError).toMatch(/Nothing answers at .* \(connection refused\)/);
    // attempt 0: random 0.5 of a 1 s window
    expect(status.nextRetryAt).toBe('2026-11-20T10:42:00.500Z');
    const before = a.requests.length;
    clock.advance(500); // the retry fails again (still offline): the window doubles
    await expect.poll(() => a.engine.sync.status().nextRetryAt).toBe('2026-11-20T10:42:01.500Z');
    expect(a.requests.length).toBe(before); // no request got through the cut network
    expect(a.engine.sync.status().offlineSince).toBe('2026-11-20T10:42:00.000Z');
    a.offline = false;
    clock.advance(1000);
    await expect.poll(() => a.engine.sync.status().state).toBe('synced');
    expect(a.engine.sync.status()).toMatchObject({ offlineSince: null, lastError: null, waiting: 0, lastSyncedAt: '2026-11-20T10:42:01.500Z' });
    expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
  });

  it('a server that stops answering: offline, and back when it comes back on the same address', async () => {
    const clock = new TestClock('2026-11-20T10:00:00.000Z');
    const a = device('laptop', { clock });
    await a.engine.sync.syncNow();
    const port = household.server.server.port;
    await household.server.close();
    await addTask(a.engine, 't1', 'While the server was down');
    await a.engine.sync.syncNow();
    expect(a.engine.sync.status().state).toBe('offline');
    const again = await startSyncServer({ storage: household.storage, port });
    try {
      clock.advance(60_000);
      await expect.poll(() => a.engine.sync.status().state).toBe('synced');
      expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
    } finally {
      await again.close();
    }
  });

  it('401: "sign in again", and nothing more is tried until the token changes', async () => {
    const clock = new TestClock('2026-11-20T10:00:00.000Z');
    const a = device('laptop', { clock, token: 'mcs_not-a-token' });
    await a.engine.sync.syncNow();
    const status = a.engine.sync.status();
    expect(status.state).toBe('sign-in');
    expect(status.lastError).toMatch(/did not accept this device’s token/);
    const requests = a.requests.length;
    await addTask(a.engine, 't1', 'Waits for a token');
    clock.advance(10 * 60_000);
    expect(a.requests.length).toBe(requests);
    a.engine.settings.update({ syncToken: household.token });
    await expect.poll(() => a.engine.sync.status().state).toBe('synced');
    expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
  });

  it('a change the server refuses is parked with its reason, the others go; trying again keeps it parked', async () => {
    const a = device('laptop');
    await addTask(a.engine, 't1', 'fine');
    await addTask(a.engine, 't2', 'nul \u0000 inside');
    await addTask(a.engine, 't3', 'also fine');
    await a.engine.sync.syncNow();
    expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1', 't3']);
    const parked = await a.engine.call('syncServer.parked', { limit: 10 });
    expect(parked.total).toBe(1);
    expect(parked.changes[0]).toMatchObject({ id: 't2', app: 'todo', table: 'tasks', op: 'insert', title: 'nul \u0000 inside', reason: expect.stringMatching(/^The sync server refused this change: .*U\+0000/) });
    expect(a.engine.sync.status()).toMatchObject({ state: 'synced', parked: 1, waiting: 0 });
    // parked is unacknowledged: compaction keeps it
    expect(a.engine.sync.oldestUnacknowledgedSeq()).toBe(parked.changes[0]!.seq);
    expect(await a.engine.call('syncServer.retryParked', {})).toEqual({ accepted: 0, stillParked: 1 });
    // the record itself is untouched on this device
    expect(await title(a.engine, 't2')).toBe('nul \u0000 inside');
  });

  it('the live channel brings another device’s change without asking', async () => {
    const a = device('laptop');
    const b = device('home-server');
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    await expect.poll(() => b.engine.sync.status().live).toBe(true);
    const pulls = b.requests.length;
    await addTask(a.engine, 't1', 'Live');
    await a.engine.sync.syncNow();
    await expect.poll(() => title(b.engine, 't1')).toBe('Live');
    expect(b.requests.length).toBe(pulls); // no request of B's: it came on the open stream
  });

  it('another server or account starts over: everything is pushed there, cursors from the start', async () => {
    const a = device('laptop');
    await addTask(a.engine, 't1', 'one');
    await a.engine.sync.syncNow();
    const otherToken = await household.server.account('someone-else');
    a.engine.settings.update({ syncToken: otherToken });
    await expect.poll(() => a.engine.sync.status().state).toBe('synced');
    expect((await household.server.client(otherToken, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
  });

  it('two accounts on one server: each device sees only its own account’s data, whatever cursor it holds', async () => {
    const otherToken = await household.server.account('neighbours');
    const ours = device('our-laptop');
    const theirs = device('their-laptop', { token: otherToken });
    await addTask(ours.engine, 'ours', 'Our secret');
    await addTask(theirs.engine, 'theirs', 'Their secret');
    await ours.engine.sync.syncNow();
    await theirs.engine.sync.syncNow();
    // a device that forgets its cursors is sent everything again: of its own account only
    for (const c of theirs.engine.store.syncState.cursors()) theirs.engine.store.syncState.setCursor(c.app, c.table, '');
    theirs.engine.store.syncState.setAppCursor('todo', '');
    await theirs.engine.sync.syncNow();
    await ours.engine.sync.syncNow();
    expect((await theirs.engine.call('records.list', { app: 'todo', table: 'tasks' })).records.map((r) => r.id)).toEqual(['theirs']);
    expect((await ours.engine.call('records.list', { app: 'todo', table: 'tasks' })).records.map((r) => r.id)).toEqual(['ours']);
  });

  it('without a server it is off, and says what is missing', async () => {
    const a = device('laptop', { token: '' });
    a.engine.settings.update({ syncToken: null });
    expect(a.engine.sync.status()).toMatchObject({ state: 'off', lastError: expect.stringMatching(/Paste this device’s token/) });
    a.engine.settings.update({ sync: { serverUrl: '' } });
    expect(a.engine.sync.status()).toMatchObject({ state: 'off', serverUrl: null, lastError: null });
    expect(a.engine.sync.oldestUnacknowledgedSeq()).toBeNull();
  });
});
