/**
 * Bad data and bad input: corrupted log rows are quarantined and reported while everything else
 * keeps working; a database that cannot be opened fails with a clear DatabaseOpenError; pushes are
 * validated whole; the log accepts any app/table without a projection ever crashing on it.
 */
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { createHybridClock } from '../../../src-shared/hlc';
import { createEngine, type Engine } from '../index';
import { MemorySecretStore } from '../settings';
import { tempDataDir, tempEngine, tempStore, withDatabaseFile } from '../testing/temp-db';
import { closeDatabase, DatabaseOpenError, DB_FILE, type Db, openDatabase, openReport } from './db';
import { Store } from './store';

const at = (day: number) => `2026-04-${String(day).padStart(2, '0')}T12:00:00.000Z`;
const insert = (id: string, title: string, day = 1): ChangeIn => ({ eventId: `e-${id}`, app: 'todo', table: 'tasks', id, op: 'insert', data: { title, updatedAt: at(day) } });

describe('quarantine of unreadable log rows', () => {
  let store: Store;
  let db: Db;
  let cleanup: () => void;
  beforeEach(() => ({ store, db, cleanup } = tempStore()));
  afterEach(() => cleanup());

  /** Hand-damages a row the way a hand edit or a disk fault would. */
  const corrupt = (seq: number, column: 'data' | 'field_meta' | 'actor', value: string) =>
    db.prepare(`UPDATE sync_changes SET ${column} = ? WHERE seq = ?`).run(value, seq);

  it('skips and counts corrupted rows on pull, reports them, and serves the rest', () => {
    store.push('c', [insert('a', 'A'), insert('b', 'B'), insert('c', 'C'), insert('d', 'D'), insert('e', 'E')]);
    corrupt(2, 'data', '{"title": "B", broken');
    corrupt(3, 'field_meta', '{"title": "not a stamp"}');
    corrupt(4, 'actor', '{oops');
    const page = store.pull(0, 100);
    expect(page.changes.map((c) => c.id)).toEqual(['a', 'e']);
    expect(page).toMatchObject({ quarantined: 3, seq: 5, hasMore: false });
    expect(store.quarantinedCount()).toBe(3);
    // Pulling again reports the same rows, without counting them twice.
    expect(store.pull(0, 100).quarantined).toBe(3);
    expect(store.quarantinedCount()).toBe(3);
    const reasons = db.prepare('SELECT seq, reason FROM quarantine ORDER BY seq').all() as { seq: number; reason: string }[];
    expect(reasons.map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(reasons[1]!.reason).toMatch(/field_meta\.title is not a stamp/);
  });

  it('rebuilds the projection from everything else', () => {
    store.push('c', [insert('a', 'A'), insert('b', 'B'), { eventId: 'u', app: 'todo', table: 'tasks', id: 'a', op: 'update', fields: { title: { value: 'A2', at: at(2) } } }]);
    corrupt(3, 'data', '[1, 2, 3]');
    const stats = store.rebuildProjection();
    expect(stats).toMatchObject({ changes: 2, quarantined: 1, records: 2 });
    expect(store.get('todo', 'tasks', 'a')?.data.title).toBe('A');
    expect(store.get('todo', 'tasks', 'b')?.data.title).toBe('B');
    expect(store.quarantinedCount()).toBe(1);
  });
});

describe('opening the database', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDataDir()));
  afterEach(() => cleanup());

  it('refuses a file that is not SQLite with a clear message', () => {
    writeFileSync(join(dir, DB_FILE), Buffer.from('this is not a database, just some bytes '.repeat(200)));
    expect(() => openDatabase(dir)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(dir)).toThrow(/not a (readable SQLite file|database)|Cannot open the database/);
    expect(() => openDatabase(dir)).toThrow(/Move (it|the file) aside/);
    expect(() => createEngine({ dataDir: dir, secrets: new MemorySecretStore(), autoStart: false })).toThrow(DatabaseOpenError);
  });

  /** A database with 300 tasks, closed cleanly (`closeDatabase`) or as a killed process leaves it (no marker). */
  function filled(close: 'clean' | 'unclean'): void {
    const db = openDatabase(dir);
    const store = new Store(db, createHybridClock('00000000000000aa'));
    store.push('c', Array.from({ length: 300 }, (_, i) => insert(`t${i}`, `task ${i} ${'x'.repeat(200)}`)));
    store.settle();
    if (close === 'clean') closeDatabase(db);
    else db.close();
  }

  /** Overwrites the last page with garbage, as a disk fault would. */
  function damageLastPage(): void {
    const file = join(dir, DB_FILE);
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x41), 0, 4096, size - 4096);
    closeSync(fd);
  }

  it('refuses a database that fails its integrity check after a session that did not close cleanly', () => {
    filled('unclean');
    damageLastPage();
    expect(() => openDatabase(dir)).toThrow(DatabaseOpenError);
    expect(() => openDatabase(dir)).toThrow(/integrity check|not a readable SQLite file/);
    expect(() => openDatabase(dir)).toThrow(/Restore a backup or move it aside|Move it aside or restore a backup/);
  });

  it('checks every page only after a session that did not close cleanly, or when asked', () => {
    const reportOf = (check?: 'full') => {
      const db = openDatabase(dir, check ? { check } : {});
      const report = openReport(db);
      closeDatabase(db);
      return report;
    };
    expect(reportOf()).toMatchObject({ check: 'none', reason: 'new-database' });
    expect(reportOf()).toMatchObject({ check: 'none', reason: 'clean-shutdown' });
    filled('unclean');
    expect(reportOf()).toMatchObject({ check: 'full', reason: 'unclean-shutdown' });
    // that open closed cleanly
    expect(reportOf()).toMatchObject({ check: 'none', reason: 'clean-shutdown' });
    expect(reportOf('full')).toMatchObject({ check: 'full', reason: 'asked' });
  });

  it('trusts a file after a clean shutdown; the check on demand still refuses a damaged one', () => {
    filled('clean');
    damageLastPage();
    // The damaged page is not read at open: the clean shutdown spares the full check.
    const db = openDatabase(dir);
    expect(openReport(db)).toMatchObject({ check: 'none', reason: 'clean-shutdown' });
    db.close();
    expect(() => openDatabase(dir, { check: 'full' })).toThrow(/failed its integrity check|not a readable SQLite file/);
    expect(() => createEngine({ dataDir: dir, secrets: new MemorySecretStore(), autoStart: false, checkDatabase: 'full' })).toThrow(DatabaseOpenError);
  });

  it('checks a database of an earlier version fully at its first open', () => {
    const db = openDatabase(dir);
    // As version 4 left it: without the tables of migration 5.
    db.exec('DROP TABLE store_state; DROP TABLE record_base; DROP TABLE audit_trail; DROP TABLE audit_actors; DROP TABLE audit_shapes; DROP TABLE compacted_events; DROP INDEX records_runs_to_archive; DROP INDEX records_proposals_to_archive');
    db.pragma('user_version = 4');
    db.close();
    const reopened = openDatabase(dir);
    expect(openReport(reopened)).toMatchObject({ check: 'full', reason: 'first-open-of-this-version' });
    closeDatabase(reopened);
  });

  it('refuses a database written by a newer version', () => {
    const db = openDatabase(dir);
    db.pragma('user_version = 999');
    db.close();
    expect(() => openDatabase(dir)).toThrow(/newer version of Mission Companion/);
  });
});

describe('bad input through the api', () => {
  let engine: Engine;
  let cleanup: () => Promise<void>;
  beforeEach(() => ({ engine, cleanup } = tempEngine()));
  afterEach(() => cleanup());

  it('rejects a push whole, with per-index issues, when any change is invalid', async () => {
    const error = await engine
      .call('sync.push', {
        clientId: 'r',
        changes: [insert('a', 'A'), insert('b', 'B'), { ...insert('c', 'C'), fields: { title: { value: 'x', at: 'half past nine' } } }, { ...insert('d', 'D'), op: 'upsert' }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_INPUT' });
    const paths = (error as { issues: { path: (string | number)[] }[] }).issues.map((i) => i.path.slice(0, 2));
    expect(paths).toEqual(expect.arrayContaining([['changes', 2], ['changes', 3]]));
    expect(paths).not.toContainEqual(['changes', 0]);
    expect(engine.store.maxSeq()).toBe(0);
    expect(engine.store.list('todo', 'tasks', { includeDeleted: true })).toEqual([]);
  });

  it('writes nothing of a batch that fails inside the transaction', () => {
    const unserialisable = { ...insert('b', 'B'), data: { title: 'B', size: 10n } } as unknown as ChangeIn;
    expect(() => engine.store.push('r', [insert('a', 'A'), unserialisable])).toThrow();
    expect(engine.store.maxSeq()).toBe(0);
    expect(engine.store.get('todo', 'tasks', 'a')).toBeNull();
  });

  it('refuses a change over 1 MB with 413 and writes nothing', async () => {
    // (one text over 1 MiB characters is refused earlier, as a text too long: 400)
    const big = { ...insert('big', 'B'), data: { title: 'x'.repeat(600 * 1024), notes: 'y'.repeat(600 * 1024) } };
    await expect(engine.call('sync.push', { clientId: 'r', changes: [insert('a', 'A'), big] })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/at most 1 MB/),
    });
    expect(engine.store.maxSeq()).toBe(0);
  });

  it('accepts a change for an unknown app/table, keeps it in the log, and the runner is not bothered', async () => {
    const odd: ChangeIn = { eventId: 'w1', app: 'weather', table: 'forecasts', id: 'berlin', op: 'insert', data: { temp: { c: 21 }, list: [1, 'two'] } };
    await expect(engine.call('sync.push', { clientId: 'r', changes: [odd] })).resolves.toMatchObject({ accepted: 1 });
    expect(engine.store.getData('weather', 'forecasts', 'berlin')).toMatchObject({ temp: { c: 21 } });
    expect((await engine.call('sync.pull', { since: 0 })).changes[0]).toMatchObject({ app: 'weather', table: 'forecasts' });
    await expect(engine.call('runner.tick', {})).resolves.toMatchObject({ due: 0 });
  });

  it('survives a mission record of the wrong shape', async () => {
    await engine.call('sync.push', {
      clientId: 'r',
      changes: [{ eventId: 'm', app: 'ai', table: 'aiMissions', id: 'm1', op: 'insert', data: { title: 42, state: 'active', nextRunAt: '2000-01-01T00:00:00.000Z', cadence: 'often' } }],
    });
    await expect(engine.call('runner.tick', {})).resolves.toBeDefined();
    await expect(engine.call('runner.status', {})).resolves.toMatchObject({ quarantined: 0 });
  });

  it('reports quarantined rows in runner.status', async () => {
    await engine.call('sync.push', { clientId: 'r', changes: [insert('a', 'A'), insert('b', 'B')] });
    withDatabaseFile(engine.dataDir, (db) => db.prepare("UPDATE sync_changes SET data = 'garbage' WHERE seq = 1").run());
    const page = await engine.call('sync.pull', { since: 0 });
    expect(page).toMatchObject({ quarantined: 1 });
    expect(page.changes.map((c) => c.id)).toEqual(['b']);
    await expect(engine.call('runner.status', {})).resolves.toMatchObject({ quarantined: 1 });
  });
});
