/**
 * The projection trails the log in a pending buffer (pending.ts): every read still sees every
 * appended change, and nothing is lost when the process ends, a transaction rolls back, or the
 * buffer fills. Real migrated database files throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { LOCAL_USER } from '../../../src-shared/domain/actor';
import { createHybridClock } from '../../../src-shared/hlc';
import { tempDataDir, tempEngine } from '../testing/temp-db';
import { migrate, openDatabase, type Db } from './db';
import { MIGRATIONS } from './migrations';
import { type RecordRow, Store } from './store';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openStore(dir: string, options?: { pendingLimit?: number }): { db: Db; store: Store } {
  const db = openDatabase(dir);
  return { db, store: new Store(db, createHybridClock('00000000000000aa'), options) };
}

function closeAfter(db: Db): void {
  cleanups.push(() => {
    db.close();
  });
}

function freshDir(): string {
  const tmp = tempDataDir();
  cleanups.push(tmp.cleanup);
  return tmp.dir;
}

const task = (n: number, title: string, at: string): ChangeIn => ({
  eventId: `e-${n}-${title}`,
  app: 'todo',
  table: 'tasks',
  id: `t${n}`,
  op: 'update',
  fields: { title: { value: title, at } },
});

/** The stored rows, without reading through the Store (which would settle first). */
const storedRows = (db: Db) => db.prepare('SELECT * FROM records ORDER BY record_id').all() as RecordRow[];

describe('pending projection', () => {
  it('leaves a push pending until something reads, and the read sees it', () => {
    const { db, store } = openStore(freshDir());
    closeAfter(db);
    store.push('c', [task(1, 'a', '2026-01-01T00:00:00.000Z'), task(1, 'b', '2026-01-02T00:00:00.000Z')]);
    expect(storedRows(db)).toHaveLength(0);
    expect(store.pendingRecords).toBe(1);
    expect(store.getData('todo', 'tasks', 't1')).toMatchObject({ title: 'b' });
    expect(store.pendingRecords).toBe(0);
    expect(store.projectedSeq()).toBe(store.maxSeq());
  });

  it('catches up from the log at the next open when the process ended with records pending', () => {
    const dir = freshDir();
    const first = openStore(dir);
    first.store.push('c', [task(1, 'a', '2026-01-01T00:00:00.000Z'), task(2, 'x', '2026-01-01T00:00:00.000Z')]);
    first.store.settle();
    first.store.push('c', [task(1, 'b', '2026-01-02T00:00:00.000Z'), task(3, 'y', '2026-01-02T00:00:00.000Z')]);
    expect(first.store.projectedSeq()).toBeLessThan(first.store.maxSeq());
    first.db.close(); // as if the process had been killed: the buffer is gone

    const second = openStore(dir);
    closeAfter(second.db);
    expect(second.store.getData('todo', 'tasks', 't1')).toMatchObject({ title: 'b' });
    expect(second.store.getData('todo', 'tasks', 't3')).toMatchObject({ title: 'y' });
    const incremental = storedRows(second.db);
    second.store.rebuildProjection();
    expect(storedRows(second.db)).toEqual(incremental);
  });

  it('drops what a rolled-back transaction folded, and keeps what committed before it', () => {
    const { db, store } = openStore(freshDir());
    closeAfter(db);
    store.push('c', [task(1, 'kept', '2026-01-01T00:00:00.000Z')]);
    expect(() =>
      store.tx(() => {
        store.appendLocal([{ app: 'todo', table: 'tasks', id: 't2', op: 'insert', fields: { title: 'rolled back' } }], LOCAL_USER);
        store.push('c', [task(1, 'also rolled back', '2026-01-03T00:00:00.000Z')]);
        throw new Error('fail the transaction');
      }),
    ).toThrow('fail the transaction');
    expect(store.get('todo', 'tasks', 't2')).toBeNull();
    expect(store.getData('todo', 'tasks', 't1')).toMatchObject({ title: 'kept' });
    // Whatever is appended next, the projection still equals the log's.
    store.push('c', [task(2, 'later', '2026-01-04T00:00:00.000Z')]);
    const incremental = (store.settle(), storedRows(db));
    store.rebuildProjection();
    expect(storedRows(db)).toEqual(incremental);
  });

  it('writes the buffer when it holds more records than its limit, without a read', () => {
    const { db, store } = openStore(freshDir(), { pendingLimit: 3 });
    closeAfter(db);
    store.push('c', [1, 2, 3].map((n) => task(n, 'a', '2026-01-01T00:00:00.000Z')));
    expect(storedRows(db)).toHaveLength(0);
    store.push('c', [task(4, 'a', '2026-01-01T00:00:00.000Z')]);
    expect(storedRows(db).map((r) => r.record_id)).toEqual(['t1', 't2', 't3', 't4']);
    expect(store.projectedSeq()).toBe(store.maxSeq());
  });

  it('rebuilds through a buffer smaller than the record count, equal to the incremental projection', () => {
    const { db, store } = openStore(freshDir(), { pendingLimit: 2 });
    closeAfter(db);
    for (let day = 1; day <= 4; day++) {
      store.push('c', [1, 2, 3, 4, 5].map((n) => task(n, `day ${day}`, `2026-01-0${day}T00:00:00.000Z`)));
    }
    const incremental = (store.settle(), storedRows(db));
    expect(store.rebuildProjection()).toMatchObject({ changes: 20, records: 5, quarantined: 0 });
    expect(storedRows(db)).toEqual(incremental);
  });

  it('migration 3 marks a version-2 database as projected up to its last change', () => {
    const db = openDatabase(freshDir(), { check: 'none' });
    closeAfter(db);
    // Rebuild the file as version 2 left it: the same migrations, then one change in the log.
    db.exec('DROP TABLE projection_state');
    // and without what later migrations added
    db.exec('ALTER TABLE sync_changes DROP COLUMN from_server; DROP TABLE sync_state; DROP TABLE sync_cursors; DROP TABLE sync_parked;');
    db.exec('DROP TABLE store_state; DROP TABLE record_base; DROP TABLE audit_trail; DROP TABLE audit_actors; DROP TABLE audit_shapes; DROP TABLE compacted_events; DROP INDEX records_runs_to_archive; DROP INDEX records_proposals_to_archive');
    db.pragma('user_version = 2');
    db.prepare(
      `INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, op, data, field_meta, client_id, created_at)
       VALUES ('e1', 'todo', 'tasks', 't1', 'local', 'insert', '{}', '{}', 'c', '2026-01-01T00:00:00.000Z')`,
    ).run();
    migrate(db);
    expect(Number(db.pragma('user_version', { simple: true }))).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT seq FROM projection_state').pluck().get()).toBe(1);
  });
});

describe('pending projection in the engine', () => {
  it('a sync push of tasks is not projected until read; closing the engine writes it', async () => {
    const first = tempEngine();
    cleanups.push(first.cleanup);
    const { engine } = first;
    await engine.call('sync.push', { clientId: 'r', changes: [task(1, 'a', '2026-01-01T00:00:00.000Z')] });
    expect(engine.store.pendingRecords).toBe(1);
    const { record } = await engine.call('records.get', { app: 'todo', table: 'tasks', id: 't1' });
    expect(record?.data).toMatchObject({ title: 'a' });
    await engine.call('sync.push', { clientId: 'r', changes: [task(1, 'b', '2026-01-02T00:00:00.000Z')] });
    expect(engine.store.pendingRecords).toBe(1);
    await engine.close();
    const db = openDatabase(first.dir);
    closeAfter(db);
    expect(db.prepare('SELECT seq FROM projection_state').pluck().get()).toBe(2);
    expect(JSON.parse((storedRows(db)[0] as RecordRow).data)).toMatchObject({ title: 'b' });
  });
});
