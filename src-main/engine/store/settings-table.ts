/**
 * The `settings` table: local key/value rows (the settings a person edits as one JSON value, and
 * small values such as the HLC node id). Opened before the Store, whose clock needs the node id.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export class SettingsTable {
  private readonly select: Statement;
  private readonly upsert: Statement;

  constructor(db: Db) {
    this.select = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  }

  get(key: string): string | null {
    return (this.select.get(key) as string | undefined) ?? null;
  }

  put(key: string, value: string): void {
    this.upsert.run(key, value);
  }
}
