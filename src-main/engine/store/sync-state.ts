/**
 * What the sync client (engine/sync/) keeps between runs, in SQLite: this device's client id, the
 * server and account it syncs with, a cursor per (app, collection), the push watermark and the
 * parked changes. The client never holds SQL; this repository does.
 *
 * Acknowledged = pushed and answered 200 by the server. The device's own log rows are pushed in seq
 * order, so what the server acknowledged is every own row up to the watermark, except the parked
 * ones (refused by the server with a reason: kept, shown, retried on request). Rows pulled from the
 * server (`from_server = 1`) are never pushed back.
 */
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { type Db, writeTx } from './db';
import type { ChangeRow } from './rows';

/** A change the server refused, with its log row. */
export interface ParkedRow extends ChangeRow {
  reason: string;
  parked_at: string;
}

const CLIENT_ID = 'clientId';
const WATERMARK = 'pushedThrough';
const SERVER = 'server';
/** Set while the records whose history was compacted are to be sent (sync/bases.ts): where that got to. */
const BASES_AFTER = 'basesAfter';

export class SyncState {
  private readonly getValue: Statement;
  private readonly putValue: Statement;
  private readonly deleteValue: Statement;
  private readonly selectCursors: Statement;
  private readonly upsertCursor: Statement;
  private readonly insertCollection: Statement;
  private readonly clearCursors: Statement;
  private readonly selectUnpushed: Statement;
  private readonly countWaiting: Statement;
  private readonly countParkedAfter: Statement;
  private readonly insertParked: Statement;
  private readonly selectParked: Statement;
  private readonly selectParkedRows: Statement;
  private readonly deleteParked: Statement;
  private readonly countParked: Statement;
  private readonly minParked: Statement;
  private readonly minUnpushed: Statement;
  private readonly forgetServerRows: Statement;

  constructor(private readonly db: Db) {
    this.getValue = db.prepare('SELECT value FROM sync_state WHERE key = ?').pluck();
    this.putValue = db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.deleteValue = db.prepare('DELETE FROM sync_state WHERE key = ?');
    this.selectCursors = db.prepare('SELECT app_id AS app, table_name AS "table", cursor FROM sync_cursors ORDER BY app_id, table_name');
    this.upsertCursor = db.prepare(
      'INSERT INTO sync_cursors (app_id, table_name, cursor) VALUES (?, ?, ?) ON CONFLICT(app_id, table_name) DO UPDATE SET cursor = excluded.cursor',
    );
    this.insertCollection = db.prepare("INSERT OR IGNORE INTO sync_cursors (app_id, table_name, cursor) VALUES (?, ?, '')");
    this.clearCursors = db.prepare('DELETE FROM sync_cursors');
    this.selectUnpushed = db.prepare(
      `SELECT * FROM sync_changes WHERE seq > ? AND seq <= ? AND from_server = 0 AND seq NOT IN (SELECT seq FROM sync_parked WHERE seq > ?)
       ORDER BY seq LIMIT ?`,
    );
    this.countWaiting = db.prepare('SELECT COUNT(*) FROM (SELECT 1 FROM sync_changes WHERE seq > ? AND from_server = 0 LIMIT ?)').pluck();
    this.countParkedAfter = db.prepare('SELECT COUNT(*) FROM sync_parked WHERE seq > ?').pluck();
    this.insertParked = db.prepare('INSERT OR REPLACE INTO sync_parked (seq, reason, parked_at) VALUES (?, ?, ?)');
    this.selectParked = db.prepare(
      'SELECT c.*, p.reason, p.parked_at FROM sync_parked p JOIN sync_changes c ON c.seq = p.seq ORDER BY p.seq LIMIT ?',
    );
    this.selectParkedRows = db.prepare('SELECT c.*, p.reason, p.parked_at FROM sync_parked p JOIN sync_changes c ON c.seq = p.seq WHERE p.seq > ? ORDER BY p.seq LIMIT ?');
    this.deleteParked = db.prepare('DELETE FROM sync_parked WHERE seq = ?');
    this.countParked = db.prepare('SELECT COUNT(*) FROM sync_parked').pluck();
    this.minParked = db.prepare('SELECT MIN(seq) FROM sync_parked').pluck();
    this.minUnpushed = db.prepare('SELECT MIN(seq) FROM sync_changes WHERE seq > ? AND from_server = 0').pluck();
    this.forgetServerRows = db.prepare('UPDATE sync_changes SET from_server = 0 WHERE from_server = 1');
  }

  /** This device's id towards sync servers (`X-Client-Id`): made once, never changed. */
  clientId(): string {
    const stored = this.getValue.get(CLIENT_ID) as string | undefined;
    if (stored) return stored;
    const id = `device-${randomUUID()}`;
    this.putValue.run(CLIENT_ID, id);
    return id;
  }

  /** Every own log row up to this seq was acknowledged by the server (parked ones aside). */
  pushedThrough(): number {
    return Number(this.getValue.get(WATERMARK) ?? 0);
  }

  setPushedThrough(seq: number): void {
    this.putValue.run(WATERMARK, String(seq));
  }

  /**
   * Binds the state to a server and account (`identity`). When it differs from the one the state
   * was made with, everything starts over for the new one: cursors from the start, and every row of
   * the log (pulled ones included: the new server has never seen them) waits to be pushed; parked
   * changes are tried again. Returns true when it started over.
   */
  bindServer(identity: string): boolean {
    const current = (this.getValue.get(SERVER) as string | undefined) ?? null;
    if (current === identity) return false;
    writeTx(this.db, () => {
      this.clearCursors.run();
      this.db.exec("DELETE FROM sync_state WHERE key LIKE 'appCursor:%'");
      this.forgetServerRows.run();
      this.db.exec('DELETE FROM sync_parked');
      this.putValue.run(WATERMARK, '0');
      this.putValue.run(SERVER, identity);
      // the log may have lost rows to compaction: the records that held them go first
      this.putValue.run(BASES_AFTER, '[]');
    });
    return true;
  }

  /**
   * No server any more (sync turned off): the next one bound, even the same, starts over, since
   * compaction meanwhile keeps nothing back for it (the history keeper's floor needs a server).
   */
  forgetServer(): void {
    this.deleteValue.run(SERVER);
  }

  /**
   * While the records with compacted history are to be pushed (after binding a server): the key
   * of the last one pushed (`[]` before the first); null when there are none to push.
   */
  basesAfter(): readonly string[] | null {
    const text = this.getValue.get(BASES_AFTER) as string | undefined;
    return text === undefined ? null : (JSON.parse(text) as string[]);
  }

  setBasesAfter(key: readonly string[] | null): void {
    if (key === null) this.deleteValue.run(BASES_AFTER);
    else this.putValue.run(BASES_AFTER, JSON.stringify(key));
  }

  /**
   * The app's own cursor: everything of the app up to it (every collection, known or not) has been
   * applied here. Set from an app-wide answer (a push's complete delta), or, on a server whose push
   * answers are not paged (upstream), from the first collection pulled in a full pull. '' = none yet.
   */
  appCursor(app: string): string {
    return (this.getValue.get(`appCursor:${app}`) as string | undefined) ?? '';
  }

  setAppCursor(app: string, cursor: string): void {
    this.putValue.run(`appCursor:${app}`, cursor);
  }

  /** Every collection the client follows, with its cursor ('' = from the start). */
  cursors(): { app: string; table: string; cursor: string }[] {
    return this.selectCursors.all() as { app: string; table: string; cursor: string }[];
  }

  setCursor(app: string, table: string, cursor: string): void {
    this.upsertCursor.run(app, table, cursor);
  }

  /** Follows these collections from now on (from the start, unless already followed). */
  follow(collections: readonly { app: string; table: string }[]): void {
    writeTx(this.db, () => {
      for (const c of collections) this.insertCollection.run(c.app, c.table);
    });
  }

  /**
   * The device's own rows after `afterSeq` and up to `throughSeq` that wait to be pushed, oldest
   * first (parked rows are left out: they wait for the user).
   */
  unpushed(afterSeq: number, throughSeq: number, limit: number): ChangeRow[] {
    return this.selectUnpushed.all(afterSeq, throughSeq, afterSeq, limit) as ChangeRow[];
  }

  /** How many own changes wait to be pushed (parked ones not counted); at most `cap` are counted. */
  waiting(cap: number): number {
    const after = this.pushedThrough();
    const rows = this.countWaiting.get(after, cap) as number;
    return Math.max(0, rows - (this.countParkedAfter.get(after) as number));
  }

  park(seq: number, reason: string, at: string): void {
    this.insertParked.run(seq, reason, at);
  }

  /** Parked changes with their log rows, oldest first. */
  parked(limit: number): ParkedRow[] {
    return this.selectParked.all(limit) as ParkedRow[];
  }

  /** A page of parked changes after `afterSeq` (for trying them again). */
  parkedAfter(afterSeq: number, limit: number): ParkedRow[] {
    return this.selectParkedRows.all(afterSeq, limit) as ParkedRow[];
  }

  unpark(seq: number): void {
    this.deleteParked.run(seq);
  }

  parkedCount(): number {
    return this.countParked.get() as number;
  }

  /**
   * The first log seq the server has not acknowledged (a parked change or the first own change
   * after the watermark), or null when it has them all. Compaction keeps everything from there.
   */
  oldestUnacknowledged(): number | null {
    const parked = this.minParked.get() as number | null;
    const unpushed = this.minUnpushed.get(this.pushedThrough()) as number | null;
    if (parked === null) return unpushed;
    return unpushed === null ? parked : Math.min(parked, unpushed);
  }
}
