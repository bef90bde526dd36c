/**
 * Records already frozen by stamps from the future (issue 13, finding 3): the edge refuses such
 * stamps now, and a database that holds some from before (or from days this computer's clock was
 * wrong) is repaired when the engine opens. The frozen changes keep their values; each future
 * stamp becomes the time its change arrived, so later writes win again; the replica epoch changes,
 * so replicas that copied the old stamps hydrate again. Opening a sound database scans nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { createEngine, type Engine } from '../index';
import { MemorySecretStore } from '../settings';
import { TestClock } from '../testing/test-clock';
import { tempDataDir, withDatabaseFile } from '../testing/temp-db';
import { STAMP_BOUND_KEY } from './frozen-stamps';

let engine: Engine | undefined;
let cleanup = () => {};
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  cleanup();
});

let clock: TestClock;
const logged: { message: string; fields?: Record<string, unknown> }[] = [];
beforeEach(() => {
  clock = new TestClock('2026-11-20T09:00:00.000Z');
  logged.length = 0;
});
function open(dir: string): Engine {
  return createEngine({ dataDir: dir, secrets: new MemorySecretStore(), now: () => clock.date(), timers: clock, autoStart: false, log: (_level, _scope, message, fields) => logged.push({ message, fields }) });
}

const FUTURE = '9999-12-31T23:59:59Z';
/** What the edge accepted before issue 13: written through the Store, as pushes were then. */
const frozenChanges: ChangeIn[] = [
  { eventId: 'create-t1', app: 'todo', table: 'tasks', id: 't1', op: 'insert', fields: { title: { value: 'Call Anna', at: '2026-11-20T08:00:00.000Z' }, done: { value: false, at: '2026-11-20T08:00:00.000Z' } } },
  { eventId: 'freeze-t1', app: 'todo', table: 'tasks', id: 't1', op: 'update', fields: { title: { value: 'Call Anna (frozen)', at: FUTURE } } },
  { eventId: 'create-t2', app: 'todo', table: 'tasks', id: 't2', op: 'insert', fields: { title: { value: 'Old task', at: '2026-11-20T08:00:00.000Z' } } },
  { eventId: 'delete-t2', app: 'todo', table: 'tasks', id: 't2', op: 'delete', deletedAt: FUTURE },
];

const get = async (id: string) => (await engine!.call('records.get', { app: 'todo', table: 'tasks', id })).record;
const epoch = async () => (await engine!.call('sync.pull', { since: 0, limit: 1 })).epoch;

describe('records frozen by stamps from the future', () => {
  it('are repaired when the engine opens: values kept, later writes win again, replicas start over', async () => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    engine = open(tmp.dir);
    const firstEpoch = await epoch();
    engine.store.push('old-renderer', frozenChanges);
    // what finding 3 saw: later updates are accepted and change nothing; an insert does not revive
    await engine.call('sync.push', { clientId: 'r', changes: [{ eventId: 'later-1', app: 'todo', table: 'tasks', id: 't1', op: 'update', data: { title: 'Call Anna today' } }] });
    expect((await get('t1'))!.data.title).toBe('Call Anna (frozen)');
    await engine.close();
    // a database from before the bound of stamps was kept
    withDatabaseFile(tmp.dir, (db) => db.prepare('DELETE FROM settings WHERE key = ?').run(STAMP_BOUND_KEY));

    clock.set('2026-11-20T10:00:00.000Z');
    engine = open(tmp.dir);
    const repairedEpoch = await epoch();
    expect(repairedEpoch).not.toBe(firstEpoch);
    expect(logged.map((l) => l.message)).toEqual([expect.stringMatching(/Repaired 2 record\(s\) frozen by 2 stamp\(s\) from the future/)]);
    // the frozen change keeps its value, stamped when it arrived (09:00); the newer write (also 09:00, later counter) wins now
    const t1 = (await get('t1'))!;
    expect(t1.data.title).toBe('Call Anna today');
    const pulled = (await engine.call('sync.pull', { since: 0, limit: 100 })).changes;
    expect(pulled.find((c) => c.eventId === 'freeze-t1')!.fields.title).toEqual({ value: 'Call Anna (frozen)', at: '2026-11-20T09:00:00.000Z' });
    expect(pulled.find((c) => c.eventId === 'delete-t2')!.fields.deletedAt!.at).toBe('2026-11-20T09:00:00.000Z');
    expect(pulled.every((c) => Object.values(c.fields).every((f) => f.at < '2026-11-20T10:05'))).toBe(true);

    // later writes change the records again: an update, and a fresh insert revives the deleted task
    await engine.call('sync.push', {
      clientId: 'r',
      changes: [
        { eventId: 'later-2', app: 'todo', table: 'tasks', id: 't1', op: 'update', data: { title: 'Call Anna tomorrow' } },
        { eventId: 'revive-t2', app: 'todo', table: 'tasks', id: 't2', op: 'insert', data: { title: 'Old task, again' } },
      ],
    });
    expect((await get('t1'))!.data.title).toBe('Call Anna tomorrow');
    expect(await get('t2')).toMatchObject({ deleted: false, data: { title: 'Old task, again' } });
    await engine.close();

    // a sound database: nothing to repair, the epoch stays, nothing logged
    logged.length = 0;
    engine = open(tmp.dir);
    expect(await epoch()).toBe(repairedEpoch);
    expect(logged).toEqual([]);
  });

  it('scan nothing when the projected stamps are known to be within the clock', async () => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    engine = open(tmp.dir);
    await engine.call('sync.push', { clientId: 'r', changes: [frozenChanges[0]!] });
    const bound = () => withDatabaseFile(tmp.dir, (db) => db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(STAMP_BOUND_KEY));
    await engine.close();
    expect(bound()).toBe('2026-11-20T09:05:00.000Z');
    engine = open(tmp.dir);
    expect(engine.store.repairFrozenStamps()).toEqual({ restamped: [], records: 0 });
  });
});

describe('records frozen by stamps from the future, their history compacted', () => {
  it('are repaired from what compaction kept: values kept, no record lost, later writes win again', async () => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    engine = open(tmp.dir);
    engine.store.push('old-renderer', frozenChanges);
    // a record changed after the compaction point too: its base row and a log row are both read
    engine.store.push('old-renderer', [{ eventId: 'create-t3', app: 'todo', table: 'tasks', id: 't3', op: 'insert', fields: { title: { value: 'Kept', at: '2026-11-20T08:00:00.000Z' }, note: { value: 'frozen', at: FUTURE } } }]);
    engine.store.settle();
    // everything so far leaves the log
    const compacted = engine.store.compactStep({ before: '9999-01-01T00:00:00.000Z', keepFrom: null }, 1000);
    expect(compacted.folded).toBe(5);
    await engine.call('sync.push', { clientId: 'r', changes: [{ eventId: 'later-t3', app: 'todo', table: 'tasks', id: 't3', op: 'update', data: { done: true } }] });
    await engine.close();
    withDatabaseFile(tmp.dir, (db) => db.prepare('DELETE FROM settings WHERE key = ?').run(STAMP_BOUND_KEY));

    clock.set('2026-11-20T10:00:00.000Z');
    engine = open(tmp.dir);
    expect(logged.map((l) => l.message)).toEqual([expect.stringMatching(/Repaired 3 record\(s\)/)]);
    expect(await get('t1')).toMatchObject({ deleted: false, data: { title: 'Call Anna (frozen)', done: false } });
    expect(await get('t2')).toMatchObject({ deleted: true });
    expect(await get('t3')).toMatchObject({ deleted: false, data: { title: 'Kept', note: 'frozen', done: true } });
    for (const id of ['t1', 't2', 't3']) expect(Object.values((await get(id))!.meta).every((at) => at < '2026-11-20T10:05')).toBe(true);
    // a rebuild from the compacted history gives the same records: the bases were restamped too
    const before = await Promise.all(['t1', 't2', 't3'].map(get));
    engine.store.rebuildProjection();
    expect(await Promise.all(['t1', 't2', 't3'].map(get))).toEqual(before);

    await engine.call('sync.push', { clientId: 'r', changes: [{ eventId: 'later-t1', app: 'todo', table: 'tasks', id: 't1', op: 'update', data: { title: 'Call Anna tomorrow' } }] });
    expect((await get('t1'))!.data.title).toBe('Call Anna tomorrow');
  });
});
