/**
 * Opening the engine database: one SQLite file in the data dir, WAL, versioned migrations, an
 * integrity check on open, and the ONE write-transaction helper everything that writes goes through.
 */
import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
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

export function openDatabase(dataDir: string, options: { file?: string; checkIntegrity?: boolean } = {}): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = options.file ?? join(dataDir, DB_FILE);
  let db: Db;
  try {
    // only its owner may read it; SQLite gives the -wal and -shm files the database file's mode
    closeSync(openSync(path, 'a', 0o600));
    if (process.platform !== 'win32') chmodSync(path, 0o600);
    db = new Database(path);
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
  if (options.checkIntegrity !== false) {
    let result: string;
    try {
      result = String(db.pragma('integrity_check', { simple: true }));
    } catch (error) {
      db.close();
      throw new DatabaseOpenError(
        `The database at ${path} is not a readable SQLite file (${(error as Error).message}). Move it aside or restore a backup.`,
        path,
      );
    }
    if (result !== 'ok') {
      db.close();
      throw new DatabaseOpenError(`The database at ${path} failed its integrity check (${result}). Restore a backup or move it aside.`, path);
    }
  }
  migrate(db);
  return db;
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
