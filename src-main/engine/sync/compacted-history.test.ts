/**
 * The history keeper and the sync client together (a real sync server, real engines on temp
 * dirs). While a server is set, compaction never removes a log row it has not acknowledged: a
 * change made offline long ago, older than the horizon, still reaches the server and the other
 * devices once the device is back; a change the server refused (parked) stays in the log with its
 * reason; what the server has acknowledged is compacted as before. A server bound after history
 * was compacted without one (first server, another account, sync turned off and on) gets each
 * record with compacted history as one change (sync/bases.ts), then the log.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../index';
import { householdPerTest } from '../testing/household';
import type { Device, DeviceOptions } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';

const DAY_MS = 86_400_000;

const household = householdPerTest();
const device = (name: string, clock: TestClock, options: Partial<DeviceOptions> = {}): Device => household.device(name, { clock, ...options });

let n = 0;
async function putTask(engine: Engine, id: string, title: string, op: 'insert' | 'update' = 'insert'): Promise<number> {
  await engine.call('sync.push', { clientId: 'renderer', changes: [{ eventId: `task-${id}-${++n}`, app: 'todo', table: 'tasks', id, op, data: { title, done: false } }] });
  return engine.store.maxSeq();
}

async function deleteTask(engine: Engine, id: string): Promise<void> {
  await engine.call('sync.push', { clientId: 'renderer', changes: [{ eventId: `task-${id}-${++n}`, app: 'todo', table: 'tasks', id, op: 'delete' }] });
}

async function tasks(engine: Engine): Promise<Record<string, unknown>> {
  const { records } = await engine.call('records.list', { app: 'todo', table: 'tasks' });
  return Object.fromEntries(records.map((r) => [r.id, r.data.title]));
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
    laptop.engine.settings.update({ syncToken: household.token });
    await expect.poll(() => laptop.engine.sync.status().state).toBe('synced');
    expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
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

describe('a server bound after history was compacted without one gets that history', () => {
  it('the first server: every record with compacted history, deletes too; later edits merge as usual', async () => {
    const clock = new TestClock('2026-01-05T09:00:00.000Z');
    const laptop = device('laptop', clock, { token: '' });
    laptop.engine.settings.update({ syncToken: null, sync: { serverUrl: '' } });
    await putTask(laptop.engine, 't1', 'written in January');
    await putTask(laptop.engine, 't1', 'edited in January', 'update');
    await putTask(laptop.engine, 't2', 'deleted in January');
    clock.advance(60_000);
    await deleteTask(laptop.engine, 't2');
    await putTask(laptop.engine, 't3', 'kept as it was');
    clock.set('2026-07-05T09:00:00.000Z');
    const fresh = await putTask(laptop.engine, 't4', 'written in July');
    const run = await laptop.engine.call('history.compact', {});
    expect(run.compactedThrough).toBe(fresh - 1);

    laptop.engine.settings.update({ sync: { serverUrl: household.server.url }, syncToken: household.token });
    await expect.poll(() => laptop.engine.sync.status().state).toBe('synced');
    const phone = device('phone', clock);
    await phone.engine.sync.syncNow();
    expect(await tasks(phone.engine)).toEqual({ t1: 'edited in January', t3: 'kept as it was', t4: 'written in July' });
    expect(await tasks(phone.engine)).toEqual(await tasks(laptop.engine));

    // the same state is not stored twice; an edit on either side wins as any later write does
    await laptop.engine.sync.syncNow();
    const stored = (await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.length;
    await putTask(phone.engine, 't3', 'edited on the phone', 'update');
    await phone.engine.sync.syncNow();
    await laptop.engine.sync.syncNow();
    expect(await title(laptop.engine, 't3')).toBe('edited on the phone');
    expect((await household.server.client(household.token, 'observer').pullAll('todo', 'tasks')).changes.length).toBe(stored + 1);
  });

  it('sync turned off, history compacted, sync turned on again: what was written meanwhile arrives', async () => {
    const clock = new TestClock('2026-01-05T09:00:00.000Z');
    const laptop = device('laptop', clock);
    await putTask(laptop.engine, 't1', 'synced in January');
    await laptop.engine.sync.syncNow();
    laptop.engine.settings.update({ sync: { serverUrl: '' } });
    await putTask(laptop.engine, 't2', 'written while sync was off');
    clock.set('2026-07-05T09:00:00.000Z');
    expect((await laptop.engine.call('history.compact', {})).keepFrom).toBeNull();

    // turning sync off dropped the token (it belongs to the server it was saved for): entered again
    laptop.engine.settings.update({ sync: { serverUrl: household.server.url }, syncToken: household.token });
    await expect.poll(() => laptop.engine.sync.status().state).toBe('synced');
    const phone = device('phone', clock);
    await phone.engine.sync.syncNow();
    expect(await tasks(phone.engine)).toEqual({ t1: 'synced in January', t2: 'written while sync was off' });
  });
});
