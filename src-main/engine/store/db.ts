/**
 * Opening the engine database: one SQLite file in the data dir, WAL, versioned migrations, the
 * open-time check, and the ONE write-transaction helper everything that writes goes through.
 *
 * The open-time check costs what may have gone wrong since the last clean shutdown: a session that
 * ended with `closeDatabase` leaves a marker, and the next open trusts the file (SQLite still
 * refuses any page it cannot read); a session that ended any other way (killed, crashed, power
 * lost) leaves none, and the next open runs the full `PRAGMA integrity_check` first, as does an
 * open that asks for it (`serve --check-db`).
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

export class DatabaseOpenError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

export const DB_FILE = 'companion.sqlite';
/** Page size of a database this version creates. */
export const PAGE_SIZE = 8192;

/**
 * Which integrity check an open runs: `auto` the full check only when the last session did not
 * close cleanly, `full` always, `none` never (tests that damage files on purpose).
 */
export type OpenCheck = 'auto' | 'full' | 'none';

/** Why an open ran the check it ran (or none), and how long it took. */
export interface OpenReport {
  check: 'full' | 'none';
  reason: 'new-database' | 'clean-shutdown' | 'unclean-shutdown' | 'first-open-of-this-version' | 'asked' | 'skipped';
  ms: number;
}

/** The `store_state` key of the session marker: 'open' while a session runs, 'closed' after a clean shutdown. */
const SESSION_KEY = 'session';
/** The schema version that brought store_state (migrations.ts). */
const STORE_STATE_VERSION = 5;

const reports = new WeakMap<Db, OpenReport>();

/** What the open of this connection checked. */
export function openReport(db: Db): OpenReport | undefined {
  return reports.get(db);
}

export function openDatabase(dataDir: string, options: { file?: string; check?: OpenCheck } = {}): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = options.file ?? join(dataDir, DB_FILE);
  let db: Db;
  try {
    // only its owner may read it; SQLite gives the -wal and -shm files the database file's mode
    closeSync(openSync(path, 'a', 0o600));
    if (process.platform !== 'win32') chmodSync(path, 0o600);
    db = new Database(path);
    // 8 KB pages for a new file (an existing one keeps its size; WAL fixes it at creation): a run's
    // record with what its reads returned is often a little over 4 KB, which on 4 KB pages spilled
    // into an overflow page of its own (the history bench: ~40 % of the log's pages were slack).
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // 8 MB: appends no longer read `records` (store/pending.ts writes them later, in key order), so
    // the larger cache that spared their random reads would only add to the engine's RSS.
    db.pragma('cache_size = -8192');
    // Checkpoint every ~40 MB of WAL instead of 4 MB: a records page rewritten by several batches
    // is then copied back once, and the fsyncs of a checkpoint are paid less often.
    db.pragma('wal_autocheckpoint = 10000');
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open the database at ${path}: ${(error as Error).message}. Move the file aside (the app then starts empty) or restore a backup.`,
      path,
    );
  }
  let report: OpenReport;
  try {
    report = checkOnOpen(db, path, options.check ?? 'auto');
    migrate(db);
    markSession(db, 'open');
  } catch (error) {
    db.close();
    throw error;
  }
  reports.set(db, report);
  return db;
}

/** Runs the check the last session's end calls for; throws DatabaseOpenError when the file fails it. */
function checkOnOpen(db: Db, path: string, check: OpenCheck): OpenReport {
  const started = performance.now();
  let reason: OpenReport['reason'];
  try {
    reason = check === 'full' ? 'asked' : check === 'none' ? 'skipped' : lastSessionEnd(db);
  } catch (error) {
    throw unreadable(path, error);
  }
  const full = reason === 'asked' || reason === 'unclean-shutdown' || reason === 'first-open-of-this-version';
  if (full) {
    const problem = integrityProblem(db, path);
    if (problem) throw problem;
  }
  return { check: full ? 'full' : 'none', reason, ms: performance.now() - started };
}

/** How the last session ended, from the marker it left (reading it also proves the file is SQLite). */
function lastSessionEnd(db: Db): OpenReport['reason'] {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version === 0) {
    const tables = db.prepare("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'").pluck().get() as number;
    return tables === 0 ? 'new-database' : 'first-open-of-this-version';
  }
  if (version < STORE_STATE_VERSION) return 'first-open-of-this-version';
  const marker = db.prepare('SELECT value FROM store_state WHERE key = ?').pluck().get(SESSION_KEY);
  return marker === 'closed' ? 'clean-shutdown' : 'unclean-shutdown';
}

function unreadable(path: string, error: unknown): DatabaseOpenError {
  return new DatabaseOpenError(
    `The database at ${path} is not a readable SQLite file (${(error as Error).message}). Move it aside or restore a backup.`,
    path,
  );
}

/** The full `PRAGMA integrity_check`: null when the file passes, else the error to refuse it with. */
export function integrityProblem(db: Db, path = db.name): DatabaseOpenError | null {
  let result: string;
  try {
    result = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } catch (error) {
    return unreadable(path, error);
  }
  if (result === 'ok') return null;
  const shown = result.length > 500 ? `${result.slice(0, 499)}…` : result;
  return new DatabaseOpenError(`The database at ${path} failed its integrity check (${shown}). Restore a backup or move it aside.`, path);
}

function markSession(db: Db, state: 'open' | 'closed'): void {
  writeTx(db, () => db.prepare('INSERT INTO store_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SESSION_KEY, state));
}

/**
 * Closes the database after a clean session: leaves the marker that spares the next open its full
 * check. Anything that ends a session another way (a crash, a kill) leaves the marker at 'open'.
 */
export function closeDatabase(db: Db): void {
  try {
    if (db.open && !db.readonly) markSession(db, 'closed');
  } finally {
    db.close();
  }
}

export function migrate(db: Db): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new DatabaseOpenError(
      `The database was written by a newer version of Mission Companion (schema ${current}, this build knows ${MIGRATIONS.length}). Update the app.`,
      db.name,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    writeTx(db, () => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    });
  }
}

/**
 * Runs `fn` in one synchronous IMMEDIATE transaction (nested calls join the outer one). Everything
 * that writes goes through here, so a batch lands whole or not at all.
 */
export function writeTx<T>(db: Db, fn: () => T): T {
  if (db.inTransaction) return fn();
  return db.transaction(fn).immediate();
}
