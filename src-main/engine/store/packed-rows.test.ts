import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRecordOut } from '../../../src-shared/replica';
import type { Db } from './db';
import { tempStore } from '../testing/temp-db';
import type { Store } from './store';

let store: Store;
let db: Db;
let cleanup: () => void;
beforeEach(() => ({ store, db, cleanup } = tempStore()));
afterEach(() => cleanup());

const A = '2026-01-01T00:00:00.000Z';
const B = '2026-01-02T00:00:00.000Z';
const fieldMeta = (table: 'records' | 'sync_changes') => (db.prepare(`SELECT field_meta FROM ${table} ORDER BY rowid`).pluck().all() as string[]).map((t) => JSON.parse(t) as unknown);

describe('field stamps as stored', () => {
  it('are packed in the log and in the records: one stamp for the fields a change wrote together', () => {
    store.push('c1', [{ eventId: 'e1', app: 'todo', table: 'tasks', id: 't1', op: 'insert', fields: { title: { value: 'a', at: A }, done: { value: false, at: A } } }]);
    store.push('c1', [{ eventId: 'e2', app: 'todo', table: 'tasks', id: 't1', op: 'update', fields: { done: { value: true, at: B } } }]);
    store.settle();
    expect(fieldMeta('sync_changes')).toEqual([[A, {}], [B, {}]]);
    expect(fieldMeta('records')).toEqual([[A, { done: B }]]);
    expect(store.get('todo', 'tasks', 't1')!.meta).toEqual({ title: A, done: B, deletedAt: A });
    // (an insert writes deletedAt: null too)
    expect(store.pull(0, 10).changes.map((c) => c.fields)).toEqual([{ title: { value: 'a', at: A }, done: { value: false, at: A }, deletedAt: { value: null, at: A } }, { done: { value: true, at: B } }]);
  });

  it('written plain by an earlier version are read as they are, and packed when written again; a rebuild gives the same records', () => {
    store.push('c1', [{ eventId: 'e1', app: 'todo', table: 'tasks', id: 't1', op: 'insert', fields: { title: { value: 'a', at: A }, done: { value: false, at: A } } }]);
    store.settle();
    const packed = store.get('todo', 'tasks', 't1');
    // the rows as the version before packing wrote them
    const plain = JSON.stringify({ title: A, done: A, deletedAt: A });
    db.prepare('UPDATE sync_changes SET field_meta = ?').run(plain);
    db.prepare('UPDATE records SET field_meta = ?').run(plain);
    expect(store.get('todo', 'tasks', 't1')).toEqual(packed);
    expect(store.pull(0, 10).changes[0]!.fields).toEqual({ title: { value: 'a', at: A }, done: { value: false, at: A }, deletedAt: { value: null, at: A } });
    const page = JSON.parse(store.snapshotRecordsJson(null, 10)!.recordsJson) as unknown[];
    expect(page.map((r) => readRecordOut(r))).toEqual([{ success: true, data: packed }]);

    store.push('c1', [{ eventId: 'e2', app: 'todo', table: 'tasks', id: 't1', op: 'update', fields: { done: { value: true, at: B } } }]);
    store.settle();
    expect(fieldMeta('records')).toEqual([[A, { done: B }]]);
    const incremental = db.prepare('SELECT * FROM records').all();
    store.rebuildProjection();
    expect(db.prepare('SELECT * FROM records').all()).toEqual(incremental);
  });
});
