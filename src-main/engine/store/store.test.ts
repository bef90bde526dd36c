import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { tempStore } from '../testing/temp-db';
import type { Store } from './store';

let store: Store;
let cleanup: () => void;
beforeEach(() => ({ store, cleanup } = tempStore()));
afterEach(() => cleanup());

const insert = (id: string, data: Record<string, unknown>, eventId = `e-${id}`): ChangeIn => ({
  eventId,
  app: 'todo',
  table: 'tasks',
  id,
  op: 'insert',
  data,
});

describe('Store', () => {
  it('projects an insert and an update with a newer stamp', () => {
    store.push('c1', [insert('t1', { title: 'a', updatedAt: '2026-01-01T00:00:00.000Z' })]);
    store.push('c1', [
      { eventId: 'u1', app: 'todo', table: 'tasks', id: 't1', op: 'update', fields: { title: { value: 'b', at: '2026-01-02T00:00:00.000Z' } } },
    ]);
    expect(store.getData('todo', 'tasks', 't1')).toMatchObject({ id: 't1', title: 'b' });
  });

  it('is idempotent by eventId', () => {
    const first = store.push('c1', [insert('t1', { title: 'a' })]);
    const again = store.push('c1', [insert('t1', { title: 'a' })]);
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, seq: first.seq });
  });

  it('pages the pull by seq and carries actor and origin', () => {
    for (let i = 0; i < 5; i++) store.push('c1', [insert(`t${i}`, { title: `t${i}` })]);
    const p1 = store.pull(0, 2);
    expect(p1.changes.map((c) => c.id)).toEqual(['t0', 't1']);
    expect(p1.hasMore).toBe(true);
    const p3 = store.pull(store.pull(p1.seq, 2).seq, 2);
    expect(p3.changes.map((c) => c.id)).toEqual(['t4']);
    expect(p3.hasMore).toBe(false);
    expect(p1.changes[0]).toMatchObject({ origin: 'user', actor: null, op: 'insert' });
  });

  it('rolls back the whole batch when one change fails inside the transaction', () => {
    expect(() =>
      store.tx(() => {
        store.push('c1', [insert('t1', { title: 'a' })]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(store.maxSeq()).toBe(0);
    expect(store.get('todo', 'tasks', 't1')).toBeNull();
  });

  it('deletes by tombstone and a newer insert revives', () => {
    store.push('c1', [insert('t1', { title: 'a', updatedAt: '2026-01-01T00:00:00.000Z' })]);
    store.push('c1', [{ eventId: 'd1', app: 'todo', table: 'tasks', id: 't1', op: 'delete', deletedAt: '2026-01-02T00:00:00.000Z' }]);
    expect(store.get('todo', 'tasks', 't1')?.deleted).toBe(true);
    store.push('c1', [insert('t1', { title: 'back', updatedAt: '2026-01-03T00:00:00.000Z' }, 'e-2')]);
    expect(store.get('todo', 'tasks', 't1')).toMatchObject({ deleted: false, data: { title: 'back' } });
  });
});
