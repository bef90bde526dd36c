/**
 * What only Postgres has to prove, on a real PostgreSQL: row-level security alone keeps accounts
 * apart (the app's own `user_id` filter switched off), the server refuses roles that bypass RLS,
 * the user setting never outlives its transaction, a push that commits late is never skipped by a
 * cursor, and the first of many concurrent claims wins.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from './auth';
import { openPostgresSyncStorage, type PostgresSyncStorage } from './postgres-storage';
import { PG_MIGRATIONS } from './postgres-schema';
import type { NewChange } from './storage';
import { type TestPostgres, type TestServer, startTestPostgres, startTestServer, taskInsert } from './testing/harness';
import { addAccount } from './users-command';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

const NOW = new Date('2026-11-30T10:00:00.000Z');

function row(id: string): NewChange {
  return { eventId: id, table: 'tasks', recordId: id, op: 'insert', data: { title: id }, fieldMeta: { title: '2026-11-30T10:00:00.000Z' }, spaceId: null, actor: null, origin: null, schemaVersion: 1 };
}

/** Polls (bounded) until `check` is true; no fixed sleeps. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('Postgres storage: roles and row-level security', () => {
  it('refuses to run as a superuser or as a role with BYPASSRLS, saying what to do', async () => {
    const db = await pg.newDatabase();
    const superUrl = new URL(pg.cluster.adminUrl);
    superUrl.pathname = `/${db.name}`;
    await expect(openPostgresSyncStorage({ url: superUrl.toString() })).rejects.toThrow(/superuser.*CREATE ROLE/);
    await pg.admin.unsafe(`ALTER ROLE ${db.role} BYPASSRLS`);
    await expect(openPostgresSyncStorage({ url: db.url })).rejects.toThrow(/BYPASSRLS/);
    await pg.admin.unsafe(`ALTER ROLE ${db.role} NOBYPASSRLS`);
    const storage = await openPostgresSyncStorage({ url: db.url });
    await storage.close();
  });

  it('enables and forces RLS on the synced tables; the user setting is transaction-local', async () => {
    const db = await pg.newDatabase();
    const storage = await openPostgresSyncStorage({ url: db.url, max: 1 });
    try {
      const tables = await storage.sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }[]>`
        SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname IN ('sync_changes', 'sync_claims') ORDER BY relname`;
      expect(tables).toEqual([
        { relname: 'sync_changes', relrowsecurity: true, relforcerowsecurity: true },
        { relname: 'sync_claims', relrowsecurity: true, relforcerowsecurity: true },
      ]);
      const { userId } = await addAccount(storage.accounts, 'alice', NOW);
      await storage.push(userId, 'todo', 'dev', [[row('a')]], NOW.toISOString());
      // the one pooled connection served that request; outside a request it sees no user and no rows
      const [after] = await storage.sql<{ setting: string | null; n: string }[]>`
        SELECT current_setting('app.current_user_id', true) AS setting, (SELECT count(*) FROM sync_changes) AS n`;
      expect(after!.setting ?? '').toBe('');
      expect(Number(after!.n)).toBe(0);
      // inside alice's transaction: writing a row for someone else violates the policy
      await expect(
        storage.sql.begin(async (tx) => {
          await tx`SELECT set_config('app.current_user_id', ${userId}, true)`;
          await tx`INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, op, client_id) VALUES ('x', 'todo', 'tasks', 'x', 'someone-else', 'insert', 'dev')`;
        }),
      ).rejects.toThrow(/row-level security/);
    } finally {
      await storage.close();
    }
  });

  describe('with the app’s own user_id filter removed, RLS alone keeps accounts apart', () => {
    let storage: PostgresSyncStorage;
    let t: TestServer;
    let dbName: string;
    beforeAll(async () => {
      const db = await pg.newDatabase();
      dbName = db.name;
      storage = await openPostgresSyncStorage({ url: db.url, withoutAppUserFilter: true });
      t = await startTestServer(storage);
    });
    afterAll(async () => {
      await t.close();
      await storage.close();
    });

    /** Every change bob can reach with crafted parameters, through every read route. */
    async function bobSees(bobToken: string, aliceCursor: string): Promise<string[]> {
      const seen: string[] = [];
      const bob = t.client(bobToken, 'bob-phone');
      for (const since of ['', '0', aliceCursor, `${aliceCursor.split('.')[0]}.0`]) {
        for (const collection of ['tasks', 'notes']) {
          const answer = await bob.pullRaw('todo', collection, since);
          seen.push(...answer.body.serverChanges.map((c) => c.clientId));
        }
        seen.push(...(await bob.push('todo', [], since)).serverChanges.map((c) => c.clientId));
      }
      const claim = await bob.claim('ai', { missionId: 'm1', dueAt: '2026-12-01T09:00:00.000Z', deviceId: 'bob-phone' });
      seen.push(`claim:${claim.body.by}`);
      return seen;
    }

    it('never returns the other account’s rows or claims; and the same probe does leak once RLS is off', async () => {
      const aliceToken = await t.account('alice');
      const bobToken = await t.account('bob');
      const alice = t.client(aliceToken, 'alice-laptop');
      await alice.push('todo', [taskInsert('s1', 'secret', undefined, { spaceId: 'shared' }), { ...taskInsert('s2', 'note'), table: 'notes' }]);
      expect((await alice.claim('ai', { missionId: 'm1', dueAt: '2026-12-01T09:00:00.000Z', deviceId: 'alice-laptop' })).body.won).toBe(true);
      await t.client(bobToken, 'bob-laptop').push('todo', [taskInsert('b1', 'bob task', undefined, { spaceId: 'shared' })]);
      const aliceCursor = (await t.client(aliceToken, 'alice-phone').pullAll('todo', 'tasks')).cursor;

      const withRls = await bobSees(bobToken, aliceCursor);
      expect(withRls.filter((who) => who.startsWith('alice'))).toEqual([]);
      expect(withRls).toContain('bob-laptop');
      expect(withRls).toContain('claim:bob-phone'); // bob's own claim of the same key wins for bob

      // The control: the probe is able to see a leak. As the table owner without FORCE, the
      // server's role bypasses the policies, and with the app filter off, alice's rows reach bob.
      const adminDb = new URL(pg.cluster.adminUrl);
      adminDb.pathname = `/${dbName}`;
      const admin = postgres(adminDb.toString(), { max: 1, onnotice: () => undefined });
      try {
        await admin.unsafe('ALTER TABLE sync_changes NO FORCE ROW LEVEL SECURITY');
        const withoutRls = await bobSees(bobToken, aliceCursor);
        expect(withoutRls.filter((who) => who.startsWith('alice')).length).toBeGreaterThan(0);
      } finally {
        await admin.unsafe('ALTER TABLE sync_changes FORCE ROW LEVEL SECURITY');
        await admin.end({ timeout: 1 });
      }
    });
  });
});

describe('Postgres storage: schema migrations', () => {
  it('a database of the first schema version keeps its rows and cursors, and takes pushes, after migrating', async () => {
    const db = await pg.newDatabase();
    // the first version, as an earlier server left it, with a user's rows in it
    const early = postgres(db.url, { max: 1, onnotice: () => undefined });
    try {
      await early.unsafe(PG_MIGRATIONS[0]!);
      await early`INSERT INTO sync_meta (key, value) VALUES ('schema_version', '1'), ('storage_id', '00000000000000ab')`;
      await early`INSERT INTO sync_users (id, name, created_at) VALUES ('u1', 'alice', ${NOW})`;
      await early.begin(async (tx) => {
        await tx`SELECT set_config('app.current_user_id', 'u1', true)`;
        await tx`INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, op, data, field_meta, client_id) VALUES ('e1', 'todo', 'tasks', 'a', 'u1', 'insert', '{"title":"a"}', '{"title":"2026-11-30T10:00:00.000Z"}', 'dev')`;
      });
    } finally {
      await early.end({ timeout: 1 });
    }
    const storage = await openPostgresSyncStorage({ url: db.url, max: 1 });
    try {
      expect(storage.storageId).toBe('00000000000000ab');
      const [key] = await storage.sql<{ def: string }[]>`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'sync_changes_pkey'`;
      expect(key!.def).toBe('PRIMARY KEY (user_id, app_id, seq)');
      const before = await storage.changesSince('u1', { appId: 'todo', table: 'tasks', afterSeq: 0, excludeClientId: 'reader', limit: 100 });
      expect(JSON.parse(before.wire).map((c: { eventId: string }) => c.eventId)).toEqual(['e1']);
      // the stored event is still deduplicated; a new one comes after the cursor
      const pushed = await storage.push('u1', 'todo', 'dev', [[{ ...row('e1') }, row('e2')]], NOW.toISOString());
      expect(pushed).toMatchObject({ accepted: 1, duplicates: 1 });
      const after = await storage.changesSince('u1', { appId: 'todo', table: 'tasks', afterSeq: before.throughSeq, excludeClientId: 'reader', limit: 100 });
      expect(JSON.parse(after.wire).map((c: { eventId: string }) => c.eventId)).toEqual(['e2']);
    } finally {
      await storage.close();
    }
  });
});

describe('Postgres storage: the cursor is lossless under concurrent pushes', () => {
  /**
   * Push P1 takes its seq and stays uncommitted; push P2 (another device, same user) starts; a
   * reader pulls; P1 commits; the reader pulls again from its cursor. Returns what the reader got.
   */
  async function lateCommit(options: { withoutPushLock?: boolean }): Promise<string[]> {
    const db = await pg.newDatabase();
    let held = 0;
    let entered!: () => void;
    const p1Inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const storage = await openPostgresSyncStorage({
      url: db.url,
      ...options,
      beforePushCommit: async () => {
        if (held++ > 0) return; // only the first push is held
        entered();
        await gate;
      },
    });
    try {
      const { userId } = await addAccount(storage.accounts, 'alice', NOW);
      const p1 = storage.push(userId, 'todo', 'device-1', [[row('late')]], NOW.toISOString());
      await p1Inside;
      const p2 = storage.push(userId, 'todo', 'device-2', [[row('early')]], NOW.toISOString());
      if (options.withoutPushLock) await p2;
      else {
        // P2 waits on the user's lock until P1 commits
        await until(async () => {
          const waiting = await pg.admin`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
          return Number(waiting[0]!.n) > 0;
        }, 'the second push to wait for the lock');
      }
      const seen: string[] = [];
      const read = async (afterSeq: number) => {
        const page = await storage.changesSince(userId, { appId: 'todo', table: 'tasks', afterSeq, excludeClientId: 'reader', limit: 100 });
        seen.push(...(JSON.parse(page.wire) as { eventId: string }[]).map((c) => c.eventId));
        return page.throughSeq;
      };
      const cursor = await read(0);
      release();
      await Promise.all([p1, p2]);
      await read(cursor);
      return seen;
    } finally {
      await storage.close();
    }
  }

  it('a push that commits late is still delivered after the cursor moved (per-user lock)', async () => {
    expect((await lateCommit({})).sort()).toEqual(['early', 'late']);
  });

  it('the control: without the lock the late commit falls behind the cursor and is skipped', async () => {
    expect(await lateCommit({ withoutPushLock: true })).toEqual(['early']);
  });
});

describe('Postgres storage: claims', () => {
  it('exactly one of many concurrent claims of one due time wins, enforced by the key', async () => {
    const db = await pg.newDatabase();
    const storage = await openPostgresSyncStorage({ url: db.url, max: 10 });
    try {
      const { userId } = await addAccount(storage.accounts, 'alice', NOW);
      const attempts = Array.from({ length: 20 }, (_, i) =>
        storage.claim(userId, { appId: 'ai', missionId: 'm1', dueKey: '2026-12-01T09:00:00.000Z', deviceId: `device-${i}`, at: NOW.toISOString(), lapsedBefore: '2026-11-30T00:00:00.000Z' }),
      );
      const outcomes = await Promise.all(attempts);
      expect(outcomes.filter((o) => o.won)).toHaveLength(1);
      const winner = outcomes.find((o) => o.won)!.by;
      expect(new Set(outcomes.map((o) => o.by))).toEqual(new Set([winner]));
      const [count] = await storage.sql.begin(async (tx) => {
        await tx`SELECT set_config('app.current_user_id', ${userId}, true)`;
        return tx<{ n: string }[]>`SELECT count(*) AS n FROM sync_claims`;
      });
      expect(Number(count!.n)).toBe(1);
      expect(await storage.accounts.userForToken(hashToken('mcs_unknown'))).toBeNull();
    } finally {
      await storage.close();
    }
  });

  it('exactly one of many concurrent takeovers of a lapsed claim wins', async () => {
    const db = await pg.newDatabase();
    const storage = await openPostgresSyncStorage({ url: db.url, max: 10 });
    try {
      const { userId } = await addAccount(storage.accounts, 'alice', NOW);
      const key = { appId: 'ai', missionId: 'm1', dueKey: '2026-12-01T09:00:00.000Z' };
      const first = await storage.claim(userId, { ...key, deviceId: 'gone', at: '2026-11-30T07:00:00.000Z', lapsedBefore: '2026-11-30T05:00:00.000Z' });
      expect(first.won).toBe(true);
      const later = { at: NOW.toISOString(), lapsedBefore: '2026-11-30T08:00:00.000Z' };
      const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => storage.claim(userId, { ...key, deviceId: `device-${i}`, ...later })));
      expect(outcomes.filter((o) => o.won)).toHaveLength(1);
      const winner = outcomes.find((o) => o.won)!.by;
      expect(winner).not.toBe('gone');
      expect(new Set(outcomes.map((o) => o.by))).toEqual(new Set([winner]));
      expect((await storage.claim(userId, { ...key, deviceId: 'gone', ...later })).won).toBe(false);
    } finally {
      await storage.close();
    }
  });
});
