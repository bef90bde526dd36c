/**
 * A failure while writing the pending projection never poisons later reads (issue 13, finding 2):
 * the write rolls back, the Store catches up from the log, a change that cannot be projected is
 * set aside (quarantined, logged, still in the log) and every other read keeps answering. A failure
 * of the database itself sets nothing aside: the read fails, and the next one, once the database
 * can be written again, sees everything. Failures are injected for real, in SQLite: a trigger
 * that refuses one record's row, and a page limit that fills the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { createHybridClock } from '../../../src-shared/hlc';
import { tempDataDir } from '../testing/temp-db';
import { openDatabase, type Db } from './db';
import { Store } from './store';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

interface Logged {
  message: string;
  error: unknown;
  fields?: Record<string, unknown>;
}

function open(): { db: Db; store: Store; logged: Logged[] } {
  const tmp = tempDataDir();
  const db = openDatabase(tmp.dir);
  cleanups.push(tmp.cleanup, () => db.close());
  const logged: Logged[] = [];
  const now = () => new Date('2026-11-20T09:00:00.000Z');
  const store = new Store(db, createHybridClock('00000000000000aa', () => now().getTime()), { now, log: (message, error, fields) => logged.push({ message, error, fields }) });
  return { db, store, logged };
}

const insert = (id: string, title: string, n = 1): ChangeIn => ({
  eventId: `${id}-${n}`,
  app: 'todo',
  table: 'tasks',
  id,
  op: 'insert',
  fields: { title: { value: title, at: `2026-11-20T08:00:0${n}.000Z` } },
});

const logRows = (db: Db) => db.prepare('SELECT seq, id, data FROM sync_changes ORDER BY seq').all();

/** A row of `records` for this record id cannot be written, as long as the trigger exists. */
function refuseRecord(db: Db, recordId: string): () => void {
  db.exec(`CREATE TEMP TRIGGER refuse_insert BEFORE INSERT ON records WHEN NEW.record_id = '${recordId}' BEGIN SELECT RAISE(ABORT, 'injected: this row cannot be written'); END;`);
  db.exec(`CREATE TEMP TRIGGER refuse_update BEFORE UPDATE ON records WHEN NEW.record_id = '${recordId}' BEGIN SELECT RAISE(ABORT, 'injected: this row cannot be written'); END;`);
  return () => db.exec('DROP TRIGGER temp.refuse_insert; DROP TRIGGER temp.refuse_update;');
}

describe('a failing write of the pending projection', () => {
  it('sets aside the one change that cannot be projected; every read keeps answering and the log keeps it', () => {
    const { db, store, logged } = open();
    store.push('c', [insert('a', 'first'), insert('bad', 'cannot be written'), insert('b', 'second')]);
    refuseRecord(db, 'bad');
    const before = logRows(db);

    // the read that meets the failure answers, and so does every read after it
    expect(store.getData('todo', 'tasks', 'a')).toMatchObject({ title: 'first' });
    expect(store.list('todo', 'tasks').map((r) => r.id).sort()).toEqual(['a', 'b']);
    expect(store.getData('todo', 'tasks', 'b')).toMatchObject({ title: 'second' });
    expect(store.get('todo', 'tasks', 'bad')).toBeNull();

    expect(store.quarantinedCount()).toBe(1);
    expect(logRows(db)).toEqual(before);
    expect(logged.map((l) => l.message)).toEqual([
      expect.stringMatching(/Writing the projection failed/),
      expect.stringMatching(/Set aside a change that cannot be projected/),
    ]);
    expect(logged[1]!.fields).toMatchObject({ seq: 2, app: 'todo', table: 'tasks' });
    expect(String(logged[1]!.error)).toMatch(/injected/);

    // later writes and reads go on as usual; the set-aside change is neither pulled nor projected
    store.push('c', [insert('a', 'first, edited', 2)]);
    expect(store.getData('todo', 'tasks', 'a')).toMatchObject({ title: 'first, edited' });
    expect(store.pull(0, 100).changes.map((c) => c.id)).toEqual(['a', 'b', 'a']);
    expect(store.projectedSeq()).toBe(store.maxSeq());
  });

  it('sets nothing aside when the database cannot be written: the read fails, and the next one sees everything', () => {
    const { db, store } = open();
    store.push('c', [insert('a', 'first')]);
    expect(store.getData('todo', 'tasks', 'a')).toMatchObject({ title: 'first' });
    // many records, so that writing them needs pages the database may not grow to
    const many = Array.from({ length: 2_000 }, (_, i) => insert(`t${i}`, `task ${i} `.repeat(20)));
    store.push('c', many);
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);

    expect(() => store.getData('todo', 'tasks', 't1')).toThrow(/full/);
    expect(store.quarantinedCount()).toBe(0);

    db.pragma('max_page_count = 1073741823');
    expect(store.getData('todo', 'tasks', 't1')).toMatchObject({ title: 'task 1 '.repeat(20) });
    expect(store.list('todo', 'tasks', { limit: 10_000 })).toHaveLength(2_001);
    expect(store.quarantinedCount()).toBe(0);
  });

  it('rebuilds the projection around a change that cannot be projected', () => {
    const { db, store } = open();
    store.push('c', [insert('a', 'first'), insert('bad', 'cannot be written'), insert('b', 'second')]);
    store.settle();
    refuseRecord(db, 'bad');
    const stats = store.rebuildProjection();
    expect(stats).toMatchObject({ changes: 2, quarantined: 1, records: 2 });
    expect(store.list('todo', 'tasks').map((r) => r.id).sort()).toEqual(['a', 'b']);
  });
});
