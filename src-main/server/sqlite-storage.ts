/**
 * The sync server's storage for one household: its own SQLite file (`sync-server.sqlite` in the
 * data dir, never the device's companion.sqlite). One writer at a time, so `seq` is taken in commit
 * order and the cursor is lossless without further care. No row-level security here: every query
 * filters by user id, and the users are one household.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeTx } from '../engine/store/db';
import { toWire } from './changes';
import type { Account, AccountStore, ChangeChunks, ChangesPage, ChangesQuery, ClaimAttempt, ClaimOutcome, NewChange, PushResult, StoredChange, SyncStorage } from './storage';

export const SYNC_SQLITE_FILE = 'sync-server.sqlite';

/** Schema versions (index + 1 = user_version after each). Never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE sync_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    data TEXT NOT NULL,
    field_meta TEXT NOT NULL,
    client_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    schema_version INTEGER NOT NULL DEFAULT 1,
    actor TEXT,
    origin TEXT,
    space_id TEXT,
    UNIQUE (user_id, id)
  );
  CREATE INDEX sync_changes_user_app_seq ON sync_changes (user_id, app_id, seq);
  CREATE INDEX sync_changes_user_app_table_seq ON sync_changes (user_id, app_id, table_name, seq);

  CREATE TABLE sync_users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
  CREATE TABLE sync_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES sync_users (id),
    label TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE TABLE sync_claims (
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    mission_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (user_id, app_id, mission_id, due_at)
  );
  `,
];

interface ChangeRow {
  seq: number;
  id: string;
  app_id: string;
  table_name: string;
  record_id: string;
  op: 'insert' | 'update' | 'delete';
  data: string;
  field_meta: string;
  client_id: string;
  created_at: string;
  schema_version: number;
  actor: string | null;
  origin: string | null;
  space_id: string | null;
}

const SELECT_COLUMNS = 'seq, id, app_id, table_name, record_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin, space_id';

export function openSqliteSyncStorage(file: string): SqliteSyncStorage {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    db.close();
    throw new Error(`${file} was written by a newer version of Mission Companion (sync schema ${current}); update this server.`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    writeTx(db, () => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    });
  }
  db.prepare('INSERT OR IGNORE INTO sync_meta (key, value) VALUES (?, ?)').run('storage_id', randomBytes(8).toString('hex'));
  const storageId = (db.prepare("SELECT value FROM sync_meta WHERE key = 'storage_id'").pluck().get() as string);
  return new SqliteSyncStorage(db, storageId);
}

export class SqliteSyncStorage implements SyncStorage {
  readonly kind = 'sqlite' as const;
  readonly accounts: AccountStore;
  private readonly insertChange: Database.Statement;
  private readonly insertClaim: Database.Statement;
  private readonly selectClaim: Database.Statement;
  /** The page queries, prepared once per shape (collection or not, excluding a client or not). */
  private readonly pageStatements = new Map<string, { page: Database.Statement; newest: Database.Statement }>();

  constructor(
    readonly db: Database.Database,
    readonly storageId: string,
  ) {
    this.insertChange = db.prepare(
      `INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin, space_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, id) DO NOTHING`,
    );
    this.insertClaim = db.prepare(
      `INSERT INTO sync_claims (user_id, app_id, mission_id, due_at, device_id, claimed_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (user_id, app_id, mission_id, due_at) DO UPDATE SET device_id = excluded.device_id, claimed_at = excluded.claimed_at
       WHERE sync_claims.device_id <> excluded.device_id AND sync_claims.claimed_at < ?`,
    );
    this.selectClaim = db.prepare('SELECT device_id, claimed_at FROM sync_claims WHERE user_id = ? AND app_id = ? AND mission_id = ? AND due_at = ?');
    this.accounts = new SqliteAccounts(db);
  }

  async push(userId: string, appId: string, clientId: string, chunks: ChangeChunks, createdAt: string, delta?: ChangesQuery): Promise<PushResult & { delta?: ChangesPage }> {
    // Every chunk validated before the write (one writer at a time: nothing to overlap with).
    const changes = [...chunks].flat();
    const tables = new Set<string>();
    let accepted = 0;
    let page: ChangesPage | undefined;
    writeTx(this.db, () => {
      // The answer's delta first (as on Postgres): it never steps over this push's own rows.
      if (delta) page = this.readPage(userId, delta);
      for (const c of changes) {
        const info = this.insertChange.run(
          c.eventId,
          appId,
          c.table,
          c.recordId,
          userId,
          c.op,
          JSON.stringify(c.data),
          JSON.stringify(c.fieldMeta),
          clientId,
          createdAt,
          c.schemaVersion,
          c.actor === null || c.actor === undefined ? null : JSON.stringify(c.actor),
          c.origin,
          c.spaceId,
        );
        if (info.changes > 0) {
          accepted++;
          tables.add(c.table);
          // A complete delta ends after this push's own rows too, so the next read starts past them.
          if (page && !page.hasMore) page.throughSeq = Math.max(page.throughSeq, Number(info.lastInsertRowid));
        }
      }
    });
    return { accepted, duplicates: changes.length - accepted, tables: [...tables], delta: page };
  }

  async changesSince(userId: string, q: ChangesQuery): Promise<ChangesPage> {
    // One read transaction: the page and the position it reaches come from the same state.
    return this.db.transaction(() => this.readPage(userId, q))();
  }

  private readPage(userId: string, q: ChangesQuery): ChangesPage {
    const { page: pageStmt, newest } = this.pageQueries(q.table !== null, q.excludeClientId !== null);
    const tableArgs = q.table === null ? [] : [q.table];
    const excludeArgs = q.excludeClientId === null ? [] : [q.excludeClientId];
    const rows = pageStmt.all(userId, q.appId, ...tableArgs, q.afterSeq, ...excludeArgs, q.limit + 1) as ChangeRow[];
    const hasMore = rows.length > q.limit;
    const page = hasMore ? rows.slice(0, q.limit) : rows;
    const throughSeq = hasMore ? page.at(-1)!.seq : ((newest.get(userId, q.appId, ...tableArgs, q.afterSeq) as number | undefined) ?? q.afterSeq);
    return { wire: JSON.stringify(page.map((row) => toWire(fromRow(row)))), count: page.length, hasMore, throughSeq };
  }

  private pageQueries(byTable: boolean, excluding: boolean): { page: Database.Statement; newest: Database.Statement } {
    const key = `${byTable}/${excluding}`;
    let stmts = this.pageStatements.get(key);
    if (!stmts) {
      const table = byTable ? 'AND table_name = ?' : '';
      stmts = {
        page: this.db.prepare(
          `SELECT ${SELECT_COLUMNS} FROM sync_changes WHERE user_id = ? AND app_id = ? ${table} AND seq > ? ${excluding ? 'AND client_id <> ?' : ''} ORDER BY seq LIMIT ?`,
        ),
        newest: this.db.prepare(`SELECT seq FROM sync_changes WHERE user_id = ? AND app_id = ? ${table} AND seq > ? ORDER BY seq DESC LIMIT 1`).pluck(),
      };
      this.pageStatements.set(key, stmts);
    }
    return stmts;
  }

  async claim(userId: string, a: ClaimAttempt): Promise<ClaimOutcome> {
    return writeTx(this.db, () => {
      this.insertClaim.run(userId, a.appId, a.missionId, a.dueKey, a.deviceId, a.at, a.lapsedBefore);
      const row = this.selectClaim.get(userId, a.appId, a.missionId, a.dueKey) as { device_id: string; claimed_at: string };
      return { won: row.device_id === a.deviceId, by: row.device_id, at: row.claimed_at };
    });
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

function fromRow(row: ChangeRow): StoredChange {
  return {
    seq: row.seq,
    eventId: row.id,
    appId: row.app_id,
    table: row.table_name,
    recordId: row.record_id,
    op: row.op,
    data: JSON.parse(row.data) as Record<string, unknown>,
    fieldMeta: JSON.parse(row.field_meta) as Record<string, string>,
    clientId: row.client_id,
    createdAt: row.created_at,
    schemaVersion: row.schema_version,
    actor: row.actor === null ? null : (JSON.parse(row.actor) as unknown),
    origin: row.origin,
    spaceId: row.space_id,
  };
}

class SqliteAccounts implements AccountStore {
  constructor(private readonly db: Database.Database) {}

  private readonly accountSql = `SELECT u.id AS userId, u.name, u.created_at AS createdAt,
      (SELECT COUNT(*) FROM sync_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL) AS activeTokens
    FROM sync_users u`;

  async addUser(name: string, userId: string, at: string): Promise<Account | null> {
    const info = this.db.prepare('INSERT INTO sync_users (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(userId, name, at);
    return info.changes === 0 ? null : { userId, name, createdAt: at, activeTokens: 0 };
  }

  async findUser(name: string): Promise<Account | null> {
    return (this.db.prepare(`${this.accountSql} WHERE u.name = ?`).get(name) as Account | undefined) ?? null;
  }

  async addToken(userId: string, tokenHash: string, label: string | null, at: string): Promise<void> {
    this.db.prepare('INSERT INTO sync_tokens (token_hash, user_id, label, created_at) VALUES (?, ?, ?, ?)').run(tokenHash, userId, label, at);
  }

  async userForToken(tokenHash: string): Promise<string | null> {
    const row = this.db.prepare('SELECT user_id FROM sync_tokens WHERE token_hash = ? AND revoked_at IS NULL').pluck().get(tokenHash) as string | undefined;
    return row ?? null;
  }

  async listUsers(): Promise<Account[]> {
    return this.db.prepare(`${this.accountSql} ORDER BY u.name`).all() as Account[];
  }

  async revokeTokens(userId: string, at: string): Promise<number> {
    return this.db.prepare('UPDATE sync_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL').run(at, userId).changes;
  }
}
