/**
 * The acceptance cases of the sync issue (facts from the upstream's own suites), on a real migrated
 * database: the engine's projection must give exactly these outcomes.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { tempStore } from '../testing/temp-db';
import type { Store } from './store';

/** the store's clock: when changes without stamps arrive */
const ARRIVAL = '2026-04-10T08:00:00.000Z';
let store: Store;
let cleanup: () => void;
beforeEach(() => ({ store, cleanup } = tempStore(() => new Date(ARRIVAL))));
afterEach(() => cleanup());

const at = (day: number) => `2026-04-${String(day).padStart(2, '0')}T12:00:00.000Z`;
let n = 0;
const change = (c: Omit<ChangeIn, 'eventId' | 'app' | 'table' | 'id'> & { id?: string }): ChangeIn => ({ eventId: `ev-${++n}`, app: 'todo', table: 'tasks', id: 't1', ...c });
const push = (...changes: ChangeIn[]) => store.push('client-a', changes);
const task = (id = 't1') => store.get('todo', 'tasks', id);

describe('acceptance: field-level LWW in the engine projection', () => {
  it('an insert followed by an update with a newer stamp: the update wins', () => {
    push(change({ op: 'insert', data: { title: 'Buy milk', priority: 'low', updatedAt: at(1) } }));
    push(change({ op: 'update', fields: { title: { value: 'Buy oat milk', at: at(2) } } }));
    expect(task()?.data).toMatchObject({ title: 'Buy oat milk', priority: 'low' });
    expect(task()?.meta.title).toBe(at(2));
  });

  it('an update with an OLDER stamp that arrives later loses, on that field only', () => {
    push(change({ op: 'insert', data: { title: 'Buy milk', priority: 'low', updatedAt: at(5) } }));
    push(change({ op: 'update', fields: { title: { value: 'stale', at: at(3) }, notes: { value: 'new field', at: at(3) } } }));
    expect(task()?.data).toMatchObject({ title: 'Buy milk', priority: 'low', notes: 'new field' });
  });

  it('insert then delete: gone', () => {
    push(change({ op: 'insert', data: { title: 'Buy milk', updatedAt: at(1) } }));
    push(change({ op: 'delete', deletedAt: at(2) }));
    expect(task()).toMatchObject({ deleted: true, data: { deletedAt: at(2) } });
    expect(store.getData('todo', 'tasks', 't1')).toBeNull();
    expect(store.list('todo', 'tasks')).toEqual([]);
    expect(store.list('todo', 'tasks', { includeDeleted: true })).toHaveLength(1);
  });

  it('an insert whose data holds deletedAt: deleted', () => {
    push(change({ op: 'insert', data: { title: 'Archived', deletedAt: at(2), updatedAt: at(2) } }));
    expect(task()?.deleted).toBe(true);
  });

  it('a newer server update wins on both fields', () => {
    push(change({ op: 'insert', data: { title: 'Local', priority: 'low', updatedAt: at(1) } }));
    push(change({ op: 'update', fields: { title: { value: 'Server', at: at(2) }, priority: { value: 'high', at: at(2) } } }));
    expect(task()?.data).toMatchObject({ title: 'Server', priority: 'high' });
  });

  it('split: an older title loses while a newer priority wins', () => {
    push(change({ op: 'insert', data: { title: 'Local', priority: 'low', updatedAt: at(5) } }));
    push(change({ op: 'update', fields: { title: { value: 'Server', at: at(4) }, priority: { value: 'high', at: at(6) } } }));
    expect(task()?.data).toMatchObject({ title: 'Local', priority: 'high' });
    expect(task()?.meta).toMatchObject({ title: at(5), priority: at(6) });
  });

  it('a newer insert revives a deleted record, an older one cannot', () => {
    push(change({ op: 'insert', data: { title: 'v1', updatedAt: at(1) } }));
    push(change({ op: 'delete', deletedAt: at(3) }));
    push(change({ op: 'insert', data: { title: 'too old', updatedAt: at(2) } }));
    // Per field: its title (newer than v1's) is taken, but its implicit `deletedAt: null` is older than the delete.
    expect(task()).toMatchObject({ deleted: true, data: { title: 'too old', deletedAt: at(3) } });
    push(change({ op: 'insert', data: { title: 'back', updatedAt: at(4) } }));
    expect(task()).toMatchObject({ deleted: false, data: { title: 'back', deletedAt: null } });
  });

  it('an update that clears deletedAt with a newer stamp revives too', () => {
    push(change({ op: 'insert', data: { title: 'v1', updatedAt: at(1) } }));
    push(change({ op: 'delete', deletedAt: at(2) }));
    push(change({ op: 'update', fields: { deletedAt: { value: null, at: at(3) } } }));
    expect(task()?.deleted).toBe(false);
  });

  it('accepts the legacy {value, updatedAt} field change', () => {
    push(change({ op: 'insert', data: { title: 'a', updatedAt: at(1) } }));
    push(change({ op: 'update', fields: { title: { value: 'legacy', updatedAt: at(2) } } }));
    expect(task()?.data.title).toBe('legacy');
  });

  it('an insert without per-field stamps takes data.updatedAt, else data.createdAt, else arrival time', () => {
    push(change({ id: 'u', op: 'insert', data: { title: 'x', createdAt: at(1), updatedAt: at(2) } }));
    push(change({ id: 'c', op: 'insert', data: { title: 'x', createdAt: at(1) } }));
    push(change({ id: 'a', op: 'insert', data: { title: 'x' } }));
    expect(task('u')?.meta.title).toBe(at(2));
    expect(task('c')?.meta.title).toBe(at(1));
    expect(task('a')!.meta.title).toMatch(new RegExp(`^${ARRIVAL.replaceAll(".", "\\.")}-`)); // an HLC stamp of the engine's clock
  });

  it('keeps client stamps exactly as given and compares them as instants across formats', () => {
    push(change({ op: 'insert', fields: { title: { value: 'plain', at: '2026-04-01T12:00:00Z' } } }));
    // Same instant written as …00.500Z: a later instant, though it sorts lower as a raw string.
    push(change({ op: 'update', fields: { title: { value: 'half a second later', at: '2026-04-01T12:00:00.500Z' } } }));
    push(change({ op: 'update', fields: { title: { value: 'offset, earlier', at: '2026-04-01T13:59:59+02:00' } } }));
    expect(task()?.data.title).toBe('half a second later');
    expect(task()?.meta.title).toBe('2026-04-01T12:00:00.500Z');
  });

  it('breaks an exact tie the same way whatever the order of arrival', () => {
    const a = change({ op: 'update', fields: { title: { value: 'Apple', at: at(1) } } });
    const b = change({ op: 'update', fields: { title: { value: 'Banana', at: at(1) } } });
    push(a, b);
    const other = tempStore();
    try {
      other.store.push('client-b', [b, a]);
      expect(task()?.data).toEqual(other.store.get('todo', 'tasks', 't1')?.data);
      expect(task()?.data.title).toBe('Banana');
    } finally {
      other.cleanup();
    }
  });

  it('applies a duplicate event once', () => {
    const c = change({ op: 'insert', data: { title: 'once', updatedAt: at(1) } });
    expect(push(c, c)).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(push(c)).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(store.maxSeq()).toBe(1);
  });

  it('pulling writes nothing, and pushing pulled changes back is a no-op (no echo)', () => {
    push(change({ op: 'insert', data: { title: 'a', updatedAt: at(1) } }), change({ op: 'update', fields: { title: { value: 'b', at: at(2) } } }));
    const page = store.pull(0, 100);
    expect(store.maxSeq()).toBe(2);
    // A client that re-sent what it pulled (eventIds preserved) adds nothing to the log.
    const echo = page.changes.map((c): ChangeIn => ({ eventId: c.eventId, app: c.app, table: c.table, id: c.id, op: c.op, fields: c.fields }));
    expect(push(...echo)).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(store.maxSeq()).toBe(2);
  });
});
