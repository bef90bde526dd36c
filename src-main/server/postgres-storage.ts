/**
 * The sync server's storage on Postgres (`--database-url`), for many users and devices. Every
 * request runs in one transaction that first sets the transaction-local `app.current_user_id`
 * (`set_config(…, true)`, reference §1.2 `withUser`), so row-level security limits it to that
 * user's rows; the queries also say `user_id = …` themselves, as defence in depth. The server
 * refuses to start as a superuser or a role with BYPASSRLS, for which the policies would not hold.
 *
 * Client: postgres.js (`postgres`), zero dependencies, its own TypeScript types, transactions on a
 * reserved connection (`sql.begin`), parameters only through tagged templates.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { PG_MIGRATIONS } from './postgres-schema';
import { toWire } from './changes';
import type { Account, AccountStore, ChangeChunks, ChangesPage, ChangesQuery, ClaimAttempt, ClaimOutcome, NewChange, PushResult, StoredChange, SyncStorage } from './storage';

type Sql = postgres.Sql;

/** Serialises concurrent migrations of one database (any constant shared by all servers). */
const MIGRATION_LOCK = 7_301_004_117;

export interface PostgresStorageOptions {
  url: string;
  /** connections in the pool (default 10) */
  max?: number;
  /**
   * TEST ONLY: leave the app's own `user_id = …` predicates out of every query, so tests can show
   * that row-level security alone keeps users apart. Never set by the CLI.
   */
  withoutAppUserFilter?: boolean;
  /** TEST ONLY: awaited inside a push's transaction after its rows are inserted, before COMMIT. */
  beforePushCommit?: () => Promise<void>;
  /** TEST ONLY: take no per-user lock during a push (shows what the lock prevents). */
  withoutPushLock?: boolean;
}

interface ChangeRow {
  seq: string;
  id: string;
  app_id: string;
  table_name: string;
  record_id: string;
  op: 'insert' | 'update' | 'delete';
  data: Record<string, unknown> | null;
  field_meta: Record<string, string> | null;
  client_id: string;
  created_at: Date;
  schema_version: number;
  actor: unknown;
  origin: string | null;
  space_id: string | null;
}

/** Why the role we connect as is unfit, or null when it is fit. */
async function roleProblem(sql: Sql): Promise<string | null> {
  const [role] = await sql<{ name: string; rolsuper: boolean; rolbypassrls: boolean }[]>`
    SELECT current_user AS name, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`;
  if (!role) return 'the role is not in pg_roles';
  if (role.rolsuper) return `the role "${role.name}" is a superuser, which row-level security does not apply to`;
  if (role.rolbypassrls) return `the role "${role.name}" has BYPASSRLS, which skips row-level security`;
  return null;
}

async function migrate(sql: Sql): Promise<string> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    const [exists] = await tx<{ meta: string | null }[]>`SELECT to_regclass('sync_meta')::text AS meta`;
    let version = 0;
    if (exists?.meta) {
      const [row] = await tx<{ value: string }[]>`SELECT value FROM sync_meta WHERE key = 'schema_version'`;
      version = Number(row?.value ?? 0);
    }
    if (version > PG_MIGRATIONS.length) {
      throw new Error(`The database was written by a newer version of Mission Companion (sync schema ${version}); update this server.`);
    }
    for (let v = version; v < PG_MIGRATIONS.length; v++) await tx.unsafe(PG_MIGRATIONS[v]!);
    await tx`INSERT INTO sync_meta (key, value) VALUES ('schema_version', ${String(PG_MIGRATIONS.length)})
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`;
    await tx`INSERT INTO sync_meta (key, value) VALUES ('storage_id', ${randomBytes(8).toString('hex')}) ON CONFLICT (key) DO NOTHING`;
    const [id] = await tx<{ value: string }[]>`SELECT value FROM sync_meta WHERE key = 'storage_id'`;
    return id!.value;
  });
}

/** Connects, checks the role, migrates. Errors say what to do. */
export async function openPostgresSyncStorage(options: PostgresStorageOptions): Promise<PostgresSyncStorage> {
  const sql = postgres(options.url, { max: options.max ?? 10, onnotice: () => undefined, connection: { application_name: 'mission-companion-sync' } });
  try {
    const problem = await roleProblem(sql);
    if (problem) {
      throw new Error(
        `Refusing to serve sync from Postgres: ${problem}. Connect as an ordinary role, e.g. CREATE ROLE companion_sync LOGIN PASSWORD '…' NOSUPERUSER NOBYPASSRLS; GRANT CREATE ON SCHEMA public TO companion_sync;`,
      );
    }
    const storageId = await migrate(sql);
    return new PostgresSyncStorage(sql, storageId, options);
  } catch (error) {
    await sql.end({ timeout: 1 });
    const code = (error as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'CONNECT_TIMEOUT') {
      const u = new URL(options.url);
      throw new Error(`Cannot reach Postgres at ${u.hostname}:${u.port || 5432} (${code}): is it running, and is --database-url right?`);
    }
    throw error;
  }
}

export class PostgresSyncStorage implements SyncStorage {
  readonly kind = 'postgres' as const;
  readonly accounts: AccountStore;

  constructor(
    readonly sql: Sql,
    readonly storageId: string,
    private readonly options: PostgresStorageOptions,
  ) {
    this.accounts = new PostgresAccounts(sql);
  }

  /**
   * Runs statements in ONE transaction limited to `userId`'s rows by row-level security (reference
   * §1.2 `withUser`), sent as one pipeline on a reserved connection: BEGIN, the transaction-local
   * user setting, the statements `build` makes (in order), COMMIT. One round trip per request instead
   * of one per statement. Each statement is sent as soon as `build` yields it, so work `build` does
   * between statements (a push validating its next chunk) overlaps the database's work on the ones
   * sent. When `build` throws, the transaction is rolled back and its error thrown. When a statement
   * fails, the ones after it fail too and COMMIT ends the transaction as a rollback; the first error
   * is thrown. `beforeCommit` (tests) runs before COMMIT.
   */
  private async withUser(userId: string, mode: string, build: (c: postgres.ReservedSql) => Iterable<postgres.PendingQuery<postgres.Row[]>>, beforeCommit?: () => Promise<void>): Promise<postgres.Row[][]> {
    if (!userId) throw new Error('withUser: empty user id');
    const c = await this.sql.reserve();
    try {
      const opened = [c.unsafe(`BEGIN ${mode}`).execute(), c`SELECT set_config('app.current_user_id', ${userId}, true)`.execute()];
      const statements: Promise<postgres.Row[]>[] = [];
      try {
        for (const q of build(c)) {
          statements.push(q.execute());
          // postgres.js hands a query to its connection a microtask after execute(): let it go out
          // before `build` goes on working (a large statement is written to the socket at once).
          await null;
        }
      } catch (error) {
        await Promise.allSettled([...opened, ...statements, c`ROLLBACK`.execute()]);
        throw error;
      }
      const commit = beforeCommit ? null : c`COMMIT`.execute();
      const settled = await Promise.allSettled([...opened, ...statements]);
      const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure || beforeCommit) {
        await commit?.catch(() => undefined);
        if (failure) {
          await c`ROLLBACK`.catch(() => undefined); // a no-op after the pipelined COMMIT, which rolled back
          throw failure.reason;
        }
        await beforeCommit!();
        await c`COMMIT`;
      } else await commit;
      return settled.slice(opened.length).map((r) => (r as PromiseFulfilledResult<postgres.Row[]>).value);
    } finally {
      c.release();
    }
  }

  /** `user_id = $1 AND` (defence in depth), or nothing in the test that checks RLS alone. */
  private userFilter(c: postgres.Sql, userId: string): postgres.PendingQuery<postgres.Row[]> {
    return this.options.withoutAppUserFilter ? c`` : c`user_id = ${userId} AND`;
  }

  async push(userId: string, appId: string, clientId: string, chunks: ChangeChunks, createdAt: string, delta?: ChangesQuery): Promise<PushResult & { delta?: ChangesPage }> {
    // Nearly every changeset is new: its chunks go in with plain INSERTs, whose unique index on
    // (user_id, id) refuses a stored eventId by itself. ON CONFLICT DO NOTHING costs more on every
    // row (a probe before the insert, then a speculative insertion to confirm: about a third of the
    // insert's time). A changeset that repeats an eventId (a retry whose answer was lost, or one
    // event twice in it) fails those INSERTs, which rolls its transaction back whole, and goes again
    // in one statement that skips the stored events. Every change is validated either way.
    const made: RowsMade = { json: [], count: 0 };
    try {
      const added = await this.append(userId, appId, clientId, createdAt, delta, (c) => this.insertChunks(c, userId, appId, clientId, createdAt, chunks, made));
      return { ...added, duplicates: made.count - added.accepted };
    } catch (error) {
      if (!isStoredEvent(error)) throw error;
    }
    const all = `[${made.json.map((rows) => rows.slice(1, -1)).join(',')}]`;
    const added = await this.append(userId, appId, clientId, createdAt, delta, (c) => (made.count === 0 ? [] : [this.insertRows(c, userId, appId, clientId, createdAt, all, 'skip stored')]));
    return { ...added, duplicates: made.count - added.accepted };
  }

  /**
   * The INSERT of each chunk, made once the chunk is validated (the validation runs here). The
   * chunks' row JSON is kept, so a second attempt sends it again without making it again.
   */
  private *insertChunks(c: postgres.Sql, userId: string, appId: string, clientId: string, createdAt: string, chunks: ChangeChunks, made: RowsMade): Generator<postgres.PendingQuery<postgres.Row[]>> {
    for (const chunk of chunks) {
      if (chunk.length === 0) continue;
      const json = rowsJson(chunk);
      made.json.push(json);
      made.count += chunk.length;
      yield this.insertRows(c, userId, appId, clientId, createdAt, json, 'all new');
    }
  }

  /** One push transaction: the lock, the answer's delta, then the INSERTs `inserts` makes. */
  private async append(
    userId: string,
    appId: string,
    clientId: string,
    createdAt: string,
    delta: ChangesQuery | undefined,
    inserts: (c: postgres.Sql) => Iterable<postgres.PendingQuery<postgres.Row[]>>,
  ): Promise<Omit<PushResult, 'duplicates'> & { delta?: ChangesPage }> {
    const options = this.options;
    const pageQueries = (c: postgres.Sql) => (delta ? this.pageQueries(c, userId, delta) : [c`SELECT 1`, c`SELECT 1`]);
    const [, pageRows, newestRows, ...added] = await this.withUser(
      userId,
      'read write',
      function* (c) {
        // Lossless cursor: this user's pushes take their positions one after another, each holding
        // the lock until COMMIT, so no row of theirs commits behind a position a reader already saw.
        yield options.withoutPushLock ? c`SELECT 1` : c`SELECT pg_advisory_xact_lock(hashtextextended(${userId}, 0))`;
        // The answer's delta, read under the lock BEFORE the insert: it never has to step over the
        // rows this push adds (they are the caller's own); their positions come back from the INSERTs.
        yield* pageQueries(c);
        yield* inserts(c);
      },
      options.beforePushCommit,
    );
    const tables = new Set<string>();
    let accepted = 0;
    let last = 0;
    for (const t of added.flat() as unknown as { table_name: string; added: string; last: string }[]) {
      accepted += Number(t.added);
      last = Math.max(last, Number(t.last));
      tables.add(t.table_name);
    }
    let page: ChangesPage | undefined;
    if (delta) {
      page = toPage(pageRows!, newestRows!, delta);
      // A complete delta ends after this push's own rows too, so the next read starts past them.
      if (!page.hasMore) page.throughSeq = Math.max(page.throughSeq, last);
    }
    return { accepted, tables: [...tables], delta: page };
  }

  /**
   * INSERTs rows (`rowsJson`) in order, as ONE JSON parameter unpacked by jsonb_to_recordset (one
   * native JSON.stringify instead of escaping ten text arrays element by element; the order kept by
   * WITH ORDINALITY). It answers what the push needs of the new rows, one row per collection (how
   * many, the newest position), instead of every row's position sent back and parsed here.
   */
  private insertRows(c: postgres.Sql, userId: string, appId: string, clientId: string, createdAt: string, rows: string, mode: 'all new' | 'skip stored'): postgres.PendingQuery<postgres.Row[]> {
    return c`
      WITH added AS (
        INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin, space_id)
        SELECT r.id, ${appId}, r.t, r.r, ${userId}, r.op, r.d, r.m, ${clientId}, ${createdAt}::timestamptz, r.v, r.a, r.o, r.s
        FROM ROWS FROM (jsonb_to_recordset(${rows}::text::jsonb) AS (id text, t text, r text, op text, d jsonb, m jsonb, v int, a jsonb, o text, s text)) WITH ORDINALITY AS r
        ORDER BY r.ordinality
        ${mode === 'skip stored' ? c`ON CONFLICT (user_id, id) DO NOTHING` : c``}
        RETURNING seq, table_name)
      SELECT table_name, count(*) AS added, max(seq) AS last FROM added GROUP BY table_name`;
  }

  async changesSince(userId: string, q: ChangesQuery): Promise<ChangesPage> {
    // Repeatable read: the page and the position it reaches come from one snapshot.
    const [rows, newest] = await this.withUser(userId, 'isolation level repeatable read read only', (c) => this.pageQueries(c, userId, q));
    return toPage(rows!, newest!, q);
  }

  /** A page (one more row than the limit, to know whether there is more) and the newest matching position. */
  private pageQueries(c: postgres.Sql, userId: string, q: ChangesQuery): postgres.PendingQuery<postgres.Row[]>[] {
    const table = () => (q.table === null ? c`` : c`AND table_name = ${q.table}`);
    const exclude = q.excludeClientId === null ? c`` : c`AND client_id <> ${q.excludeClientId}`;
    return [
      c`SELECT seq, id, app_id, table_name, record_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin, space_id
        FROM sync_changes
        WHERE ${this.userFilter(c, userId)} app_id = ${q.appId} ${table()} AND seq > ${q.afterSeq} ${exclude}
        ORDER BY seq LIMIT ${q.limit + 1}`,
      // ORDER BY … DESC LIMIT 1, not max(): under RLS the planner does not turn max() into one index
      // probe, and max() scanned every row after the cursor (each page of a pull cost O(rest)).
      c`SELECT seq FROM sync_changes WHERE ${this.userFilter(c, userId)} app_id = ${q.appId} ${table()} AND seq > ${q.afterSeq} ORDER BY seq DESC LIMIT 1`,
    ];
  }

  async claim(userId: string, a: ClaimAttempt): Promise<ClaimOutcome> {
    const [, rows] = await this.withUser(userId, 'read write', (c) => [
      // A concurrent claim of the same key waits here for the first to commit, then changes nothing
      // (the lapse test is made again on the row that committed); the SELECT after it (a new
      // snapshot) sees whichever claim won.
      c`INSERT INTO sync_claims (user_id, app_id, mission_id, due_at, device_id, claimed_at)
        VALUES (${userId}, ${a.appId}, ${a.missionId}, ${a.dueKey}, ${a.deviceId}, ${a.at}::timestamptz)
        ON CONFLICT (user_id, app_id, mission_id, due_at) DO UPDATE SET device_id = excluded.device_id, claimed_at = excluded.claimed_at
        WHERE sync_claims.device_id <> excluded.device_id AND sync_claims.claimed_at < ${a.lapsedBefore}::timestamptz`,
      c`SELECT device_id, claimed_at FROM sync_claims
        WHERE ${this.userFilter(c, userId)} app_id = ${a.appId} AND mission_id = ${a.missionId} AND due_at = ${a.dueKey}`,
    ]);
    const row = rows![0] as { device_id: string; claimed_at: Date } | undefined;
    if (!row) throw new Error('claim: the claim row is not visible after its insert');
    return { won: row.device_id === a.deviceId, by: row.device_id, at: row.claimed_at.toISOString() };
  }

  async ping(): Promise<void> {
    await this.sql`SELECT 1`;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

/** The rows of a push's chunks as JSON (what insertRows takes), and how many changes they hold. */
interface RowsMade {
  json: string[];
  count: number;
}

/** Changes as the JSON array insertRows unpacks. */
function rowsJson(changes: readonly NewChange[]): string {
  return JSON.stringify(
    changes.map((c) => ({ id: c.eventId, t: c.table, r: c.recordId, op: c.op, d: c.data, m: c.fieldMeta, v: c.schemaVersion, a: c.actor ?? null, o: c.origin, s: c.spaceId })),
  );
}

/** A unique violation of (user_id, id): the push carried an eventId this user already stored. */
function isStoredEvent(error: unknown): boolean {
  const e = error as { code?: unknown; constraint_name?: unknown };
  return e?.code === '23505' && e.constraint_name === 'sync_changes_user_event';
}

function toPage(rows: postgres.Row[], newest: postgres.Row[], q: ChangesQuery): ChangesPage {
  const hasMore = rows.length > q.limit;
  const page = (hasMore ? rows.slice(0, q.limit) : [...rows]) as ChangeRow[];
  const last = newest[0] as { seq: string } | undefined;
  const throughSeq = hasMore ? Number(page.at(-1)!.seq) : last ? Number(last.seq) : q.afterSeq;
  // Built in JS: the same mapping in SQL (jsonb_build_object per row) measured ~50x slower in Postgres.
  return { wire: JSON.stringify(page.map((row) => toWire(fromRow(row)))), count: page.length, hasMore, throughSeq };
}

function fromRow(row: ChangeRow): StoredChange {
  return {
    seq: Number(row.seq),
    eventId: row.id,
    appId: row.app_id,
    table: row.table_name,
    recordId: row.record_id,
    op: row.op,
    data: row.data ?? {},
    fieldMeta: row.field_meta ?? {},
    clientId: row.client_id,
    createdAt: row.created_at.toISOString(),
    schemaVersion: row.schema_version,
    actor: row.actor ?? null,
    origin: row.origin,
    spaceId: row.space_id,
  };
}

class PostgresAccounts implements AccountStore {
  constructor(private readonly sql: Sql) {}

  private async accounts(name: string | null): Promise<Account[]> {
    const rows = await this.sql<{ user_id: string; name: string; created_at: Date; active_tokens: string }[]>`
      SELECT u.id AS user_id, u.name, u.created_at,
             (SELECT count(*) FROM sync_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL) AS active_tokens
      FROM sync_users u ${name === null ? this.sql`` : this.sql`WHERE u.name = ${name}`} ORDER BY u.name`;
    return rows.map((r) => ({ userId: r.user_id, name: r.name, createdAt: r.created_at.toISOString(), activeTokens: Number(r.active_tokens) }));
  }

  async addUser(name: string, userId: string, at: string): Promise<Account | null> {
    const rows = await this.sql`INSERT INTO sync_users (id, name, created_at) VALUES (${userId}, ${name}, ${at}::timestamptz) ON CONFLICT DO NOTHING RETURNING id`;
    return rows.length === 0 ? null : { userId, name, createdAt: at, activeTokens: 0 };
  }

  async findUser(name: string): Promise<Account | null> {
    return (await this.accounts(name))[0] ?? null;
  }

  async addToken(userId: string, tokenHash: string, label: string | null, at: string): Promise<void> {
    await this.sql`INSERT INTO sync_tokens (token_hash, user_id, label, created_at) VALUES (${tokenHash}, ${userId}, ${label}, ${at}::timestamptz)`;
  }

  async userForToken(tokenHash: string): Promise<string | null> {
    const [row] = await this.sql<{ user_id: string }[]>`SELECT user_id FROM sync_tokens WHERE token_hash = ${tokenHash} AND revoked_at IS NULL`;
    return row?.user_id ?? null;
  }

  async listUsers(): Promise<Account[]> {
    return this.accounts(null);
  }

  async revokeTokens(userId: string, at: string): Promise<number> {
    const rows = await this.sql`UPDATE sync_tokens SET revoked_at = ${at}::timestamptz WHERE user_id = ${userId} AND revoked_at IS NULL RETURNING token_hash`;
    return rows.length;
  }
}
