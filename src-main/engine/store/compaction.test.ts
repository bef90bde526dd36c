/**
 * Log compaction on real migrated files (compaction.ts): old rows leave the log while the
 * projection, a rebuild, the audit timeline and idempotent pushes stay as they were; a cursor
 * from before the compaction point is told to re-hydrate; a sync client's floor is respected;
 * unreadable rows stay. Arrival times come from the store's clock, moved by hand.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { tempStore } from '../testing/temp-db';
import type { Db } from './db';
import type { RecordRow, Store } from './store';

let store: Store;
let db: Db;
let cleanup: () => void;
let now: Date;
beforeEach(() => {
  now = new Date('2026-01-01T00:00:00.000Z');
  ({ store, db, cleanup } = tempStore(() => now));
});
afterEach(() => cleanup());

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString();
const stamp = (n: number, counter = 0) => `${day(n)}-${counter.toString(16).padStart(4, '0')}-00000000000000c1`;
const user = { kind: 'user' as const, principalId: 'user:local', displayName: 'You' };

/** Pushes `changes` as if they arrived on day `n`. */
function pushOn(n: number, ...changes: ChangeIn[]) {
  now = new Date(day(n));
  return store.push('client', changes);
}
const insert = (id: string, title: string, n: number): ChangeIn => ({ eventId: `${id}/created`, app: 'todo', table: 'tasks', id, op: 'insert', fields: { title: { value: title, at: stamp(n) }, done: { value: false, at: stamp(n) } }, actor: user });
const rename = (id: string, title: string, n: number, eventId = `${id}/${title}`): ChangeIn => ({ eventId, app: 'todo', table: 'tasks', id, op: 'update', fields: { title: { value: title, at: stamp(n, 1) } }, actor: user });

/** Compacts everything that arrived before day `n` (no floor unless given). */
function compactBefore(n: number, keepFrom: number | null = null) {
  let step;
  do step = store.compactStep({ before: day(n), keepFrom }, 2);
  while (!step.done);
  return step;
}

function records(): RecordRow[] {
  store.settle();
  return db.prepare('SELECT * FROM records ORDER BY app_id, table_name, record_id').all() as RecordRow[];
}
const logSeqs = () => db.prepare('SELECT seq FROM sync_changes ORDER BY seq').pluck().all() as number[];

describe('log compaction', () => {
  beforeEach(() => {
    pushOn(0, insert('a', 'A', 0), insert('b', 'B', 0));
    pushOn(1, rename('a', 'A1', 1));
    pushOn(2, rename('a', 'A2', 2), rename('b', 'B2', 2));
    pushOn(50, rename('b', 'B50', 50), insert('c', 'C', 50));
  });

  it('removes the old rows, leaves the projection as it was, and a rebuild still equals it', () => {
    const before = records();
    const step = compactBefore(10);
    expect(step).toMatchObject({ through: 5, done: true });
    expect(logSeqs()).toEqual([6, 7]);
    expect(store.compactedThrough()).toBe(5);
    expect(records()).toEqual(before);
    store.rebuildProjection();
    expect(records()).toEqual(before);
  });

  it('tells a cursor from before the compaction point to re-hydrate; later cursors pull as before', () => {
    compactBefore(10);
    expect(store.pull(0, 100)).toEqual({ changes: [], seq: 0, hasMore: false, quarantined: 0, cursorTooOld: true, compactedThrough: 5 });
    expect(store.pull(4, 100)).toMatchObject({ changes: [], cursorTooOld: true });
    expect(store.pull(5, 100).changes.map((c) => c.seq)).toEqual([6, 7]);
    expect(store.snapshot(null, 100).records.map((r) => r.data.title)).toEqual(['A2', 'B50', 'C']);
  });

  it('keeps re-pushed old events duplicates, after their rows are gone', () => {
    compactBefore(10);
    const again = pushOn(60, insert('a', 'A', 0), rename('a', 'A1', 1), rename('b', 'B2', 2), rename('b', 'B50', 50));
    expect(again).toMatchObject({ accepted: 0, duplicates: 4 });
    expect(logSeqs()).toEqual([6, 7]);
    // a new event is still new
    expect(pushOn(60, rename('a', 'A60', 60))).toMatchObject({ accepted: 1 });
  });

  it('keeps who changed what, when, in the audit timeline, after the log rows', () => {
    compactBefore(10);
    const page = store.activity.page({}, 10);
    expect(page.map((r) => [r.seq, r.record_id, r.op, r.created_at.slice(0, 10)])).toEqual([
      [7, 'c', 'insert', '2026-02-20'],
      [6, 'b', 'update', '2026-02-20'],
      [5, 'b', 'update', '2026-01-03'],
      [4, 'a', 'update', '2026-01-03'],
      [3, 'a', 'update', '2026-01-02'],
      [2, 'b', 'insert', '2026-01-01'],
      [1, 'a', 'insert', '2026-01-01'],
    ]);
    const compacted = page.find((r) => r.seq === 4)!;
    expect([JSON.parse(compacted.names!), JSON.parse(compacted.data)]).toEqual([['title'], ['A2']]);
    const created = page.find((r) => r.seq === 1)!;
    expect([JSON.parse(created.names!), JSON.parse(created.data)]).toEqual([['title', 'done', 'deletedAt'], ['A', false, null]]);
    expect(JSON.parse(compacted.actor!)).toEqual(user);
    expect(compacted).toMatchObject({ id: 'a/A2', origin: 'user', table_name: 'tasks' });
    // filters and paging reach the compacted entries too
    expect(store.activity.page({ id: 'a', before: 4 }, 10).map((r) => r.seq)).toEqual([3, 1]);
  });

  it('never compacts at or past the floor a sync client sets', () => {
    const step = compactBefore(10, 3);
    expect(step).toMatchObject({ through: 2, done: true });
    expect(logSeqs()).toEqual([3, 4, 5, 6, 7]);
    expect(store.pull(2, 100).changes.map((c) => c.seq)).toEqual([3, 4, 5, 6, 7]);
  });

  it('rebuilds a record changed after it was compacted from its compacted history', () => {
    compactBefore(10);
    // `a` has no log rows left: its row in records is its whole history, until this change.
    pushOn(60, { eventId: 'a-done', app: 'todo', table: 'tasks', id: 'a', op: 'update', fields: { done: { value: true, at: stamp(60) } } });
    const before = records();
    expect(JSON.parse(before[0]!.data)).toMatchObject({ title: 'A2', done: true });
    store.rebuildProjection();
    expect(records()).toEqual(before);
    // and once that change is compacted too, the base moves on
    compactBefore(70);
    expect(logSeqs()).toEqual([]);
    store.rebuildProjection();
    expect(records()).toEqual(before);
  });

  it('never gives a seq twice, even once the whole log is compacted', () => {
    compactBefore(100);
    expect(logSeqs()).toEqual([]);
    expect(store.maxSeq()).toBe(7);
    expect(store.snapshot(null, 10).seq).toBe(7);
    expect(pushOn(100, rename('c', 'C100', 100))).toMatchObject({ accepted: 1, seq: 8 });
    expect(store.pull(7, 10).changes.map((c) => c.seq)).toEqual([8]);
  });

  it('leaves unreadable rows in the log, quarantined, and compacts the rest', () => {
    db.prepare("UPDATE sync_changes SET data = '{broken' WHERE seq = 3").run();
    const step = compactBefore(10);
    expect(step).toMatchObject({ through: 5 });
    expect(logSeqs()).toEqual([3, 6, 7]);
    expect(store.quarantinedCount()).toBe(1);
  });
});
