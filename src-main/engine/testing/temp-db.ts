/** Test helper: a real file-backed database in a temp dir, migrated like production (no hand-made tables). */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHybridClock } from '../../../src-shared/hlc';
import { createEngine, type Engine } from '../index';
import { MemorySecretStore } from '../settings';
import { TestClock } from './test-clock';
import { DB_FILE, type Db, openDatabase } from '../store/db';
import { Store } from '../store/store';

export function tempDataDir(prefix = 'companion-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Where temp stores and engines stand in time unless a test says otherwise (after every stamp the tests write). */
const TEST_TIME = new Date('2026-11-20T09:00:00.000Z');

/**
 * A Store on a fresh temp file, with the connection it was made with (`db`: what tests use to
 * damage or inspect rows behind the Store's back) and its clock at `now` (fixed by default).
 */
export function tempStore(now: () => Date = () => TEST_TIME): { store: Store; db: Db; dir: string; cleanup(): void } {
  const { dir, cleanup } = tempDataDir();
  const db = openDatabase(dir);
  const store = new Store(db, createHybridClock('00000000000000aa', () => now().getTime()), { now });
  return {
    store,
    db,
    dir,
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}

/**
 * An engine (its runner not started) on a fresh temp data dir, its time and timers on a manual
 * clock at TEST_TIME; `cleanup` closes it and removes the dir.
 */
export function tempEngine(): { engine: Engine; dir: string; clock: TestClock; cleanup(): Promise<void> } {
  const { dir, cleanup } = tempDataDir();
  const clock = new TestClock(TEST_TIME.toISOString());
  const engine = createEngine({ dataDir: dir, secrets: new MemorySecretStore(), now: () => clock.date(), timers: clock, autoStart: false });
  return {
    engine,
    dir,
    clock,
    cleanup: async () => {
      await engine.close();
      cleanup();
    },
  };
}

/**
 * Runs `use` on another connection to a data dir's database file, as a second process or a hand
 * edit would open it (the engine keeps its own connection to itself), then closes it.
 */
export function withDatabaseFile<T>(dir: string, use: (db: Db) => T): T {
  const db = new Database(join(dir, DB_FILE));
  try {
    return use(db);
  } finally {
    db.close();
  }
}
