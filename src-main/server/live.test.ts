/**
 * Claims, the live stream, accounts and identity-provider tokens over real HTTP, against both
 * storages (a SQLite file and a real PostgreSQL).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SyncStreamChanges } from '../../src-shared/domain/sync-protocol';
import type { SyncStorage } from './storage';
import { type Backend, type TestPostgres, type TestServer, openStream, postgresBackend, sqliteBackend, startTestPostgres, startTestServer, taskInsert } from './testing/harness';
import { UsersCommandError, runUsersCommand } from './users-command';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

const DUE = '2026-12-01T09:00:00.000Z';

describe.each([sqliteBackend(), postgresBackend(() => pg)] as Backend[])('on $name', (backend) => {
  let storage: SyncStorage;
  let cleanup: () => Promise<void>;
  let t: TestServer;
  beforeEach(async () => {
    ({ storage, cleanup } = await backend.open());
    t = await startTestServer(storage, { heartbeatMs: 100 });
  });
  afterEach(async () => {
    await t.close();
    await cleanup();
  });

  describe('claims', () => {
    it('the first claim of a due time wins; later ones learn who has it; a retry by the winner wins again', async () => {
      const token = await t.account('alice');
      const laptop = t.client(token, 'laptop');
      const home = t.client(token, 'home');
      const first = await laptop.claim('ai', { missionId: 'm1', dueAt: DUE, deviceId: 'laptop' });
      expect(first).toMatchObject({ status: 200, body: { won: true, missionId: 'm1', dueAt: DUE, by: 'laptop' } });
      const second = await home.claim('ai', { missionId: 'm1', dueAt: DUE, deviceId: 'home' });
      expect(second).toMatchObject({ status: 200, body: { won: false, by: 'laptop', at: first.body.at } });
      expect((await laptop.claim('ai', { missionId: 'm1', dueAt: DUE, deviceId: 'laptop' })).body.won).toBe(true);
      // another spelling of the same instant is the same claim
      expect((await home.claim('ai', { missionId: 'm1', dueAt: '2026-12-01T10:00:00+01:00', deviceId: 'home' })).body).toMatchObject({ won: false, by: 'laptop' });
      // the next due time, another mission, another account: each its own claim
      expect((await home.claim('ai', { missionId: 'm1', dueAt: '2026-12-02T09:00:00.000Z', deviceId: 'home' })).body.won).toBe(true);
      expect((await home.claim('ai', { missionId: 'm2', dueAt: DUE, deviceId: 'home' })).body.won).toBe(true);
      const bob = t.client(await t.account('bob'), 'bob-laptop');
      expect((await bob.claim('ai', { missionId: 'm1', dueAt: DUE, deviceId: 'bob-laptop' })).body).toMatchObject({ won: true, by: 'bob-laptop' });
    });

    it('of many concurrent claims exactly one wins', async () => {
      const token = await t.account('alice');
      const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => t.client(token, `d${i}`).claim('ai', { missionId: 'm1', dueAt: DUE, deviceId: `d${i}` })));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const winners = answers.filter((a) => a.body.won);
      expect(winners).toHaveLength(1);
      expect(new Set(answers.map((a) => a.body.by))).toEqual(new Set([winners[0]!.body.by]));
    });

    it('refuses a malformed claim with 400 and an unauthenticated one with 401', async () => {
      const token = await t.account('alice');
      const c = t.client(token, 'laptop');
      expect((await c.claim('ai', { missionId: 'm1', dueAt: 'tomorrow', deviceId: 'laptop' })).status).toBe(400);
      expect((await c.claim('ai', { missionId: 'm1', dueAt: DUE })).status).toBe(400);
      expect((await t.client('mcs_nope', 'x').claim('ai', { missionId: 'm1', dueAt: DUE, deviceId: 'x' })).status).toBe(401);
    });
  });

  describe('the live stream', () => {
    it('sends each collection first, then what other devices push, never the device’s own changes', async () => {
      const token = await t.account('alice');
      const laptop = t.client(token, 'laptop');
      const home = t.client(token, 'home');
      await laptop.push('todo', [taskInsert('before', 'before the stream')]);
      const stream = await openStream(home, 'todo', ['tasks', 'notes']);
      try {
        const initial = [await stream.next(), await stream.next()].map((e) => e.data as SyncStreamChanges);
        expect(initial.map((d) => [d.table, d.changes.map((c) => c.id)])).toEqual([
          ['tasks', ['before']],
          ['notes', []],
        ]);
        await home.push('todo', [taskInsert('own', 'from home itself')]);
        await laptop.push('todo', [{ ...taskInsert('n1', 'a note'), table: 'notes' }]);
        const next = await stream.next();
        expect(next.event).toBe('changes');
        const data = next.data as SyncStreamChanges;
        expect(data.table).toBe('notes');
        expect(data.changes.map((c) => [c.id, c.clientId])).toEqual([['n1', 'laptop']]);
        // the cursor in the event picks up after it
        const after = await home.pullRaw('todo', 'notes', data.syncedUntil);
        expect(after.body.serverChanges).toEqual([]);
        expect((await stream.next({ includeHeartbeats: true })).event).toBe('heartbeat');
      } finally {
        stream.close();
      }
    });

    it('starts from `since` and refuses a stream without collections', async () => {
      const token = await t.account('alice');
      const laptop = t.client(token, 'laptop');
      const home = t.client(token, 'home');
      await laptop.push('todo', [taskInsert('old', 'old')]);
      const { cursor } = await home.pullAll('todo', 'tasks');
      await laptop.push('todo', [taskInsert('new', 'new')]);
      const stream = await openStream(home, 'todo', ['tasks'], cursor);
      try {
        expect(((await stream.next()).data as SyncStreamChanges).changes.map((c) => c.id)).toEqual(['new']);
      } finally {
        stream.close();
      }
      const res = await fetch(`${t.url}/sync/todo/stream?since=`, { headers: home.headers() });
      expect(res.status).toBe(400);
    });
  });

  describe('accounts (`users …`)', () => {
    async function users(...args: string[]): Promise<string[]> {
      const lines: string[] = [];
      await runUsersCommand(storage.accounts, args, { device: null, now: new Date('2026-11-30T10:00:00.000Z'), print: (l) => lines.push(l) });
      return lines;
    }

    it('add prints a working token on its last line; token adds a device; revoke signs every device out', async () => {
      const added = await users('add', 'alice');
      const token = added.at(-1)!;
      expect(token).toMatch(/^mcs_[A-Za-z0-9_-]{43}$/);
      expect(JSON.stringify(await storage.accounts.listUsers())).not.toContain(token); // stored hashed
      expect(await t.client(token, 'laptop').push('todo', [taskInsert('t1', 'x')])).toMatchObject({ accepted: 1 });
      await expect(users('add', 'alice')).rejects.toThrow(UsersCommandError);
      const second = (await users('token', 'alice')).at(-1)!;
      expect((await t.client(second, 'home').pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']); // same account
      expect(await users('list')).toEqual([expect.stringMatching(/^alice\t2 device tokens\tcreated 2026-11-30T10:00:00.000Z$/)]);
      expect((await users('revoke', 'alice'))[0]).toMatch(/^Revoked 2 device tokens/);
      expect((await t.client(token, 'laptop').pullRaw('todo', 'tasks', '')).status).toBe(401);
      expect((await t.client(second, 'home').pullRaw('todo', 'tasks', '')).status).toBe(401);
      await expect(users('token', 'nobody')).rejects.toThrow(/no account named "nobody"/);
      await expect(users('add', 'bad name!')).rejects.toThrow(/not a valid account name/);
    });
  });
});

describe('identity-provider tokens (JWKS)', () => {
  it('accepts a JWT signed by a key of the JWKS (user id = sub) and refuses others', async () => {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA');
    const other = await generateKeyPair('EdDSA');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
    const jwksServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', () => r()));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    const { storage, cleanup } = await sqliteBackend().open();
    const t = await startTestServer(storage, { jwt: { jwksUrl, audience: 'companion' } });
    const sign = (key: Parameters<SignJWT['sign']>[0], sub: string, aud = 'companion', exp: string | Date = '5m') =>
      new SignJWT({}).setProtectedHeader({ alg: 'EdDSA', kid: 'k1' }).setSubject(sub).setAudience(aud).setIssuedAt().setExpirationTime(exp).sign(key);
    try {
      const good = t.client(await sign(privateKey, 'idp-user-1'), 'laptop');
      expect(await good.push('todo', [taskInsert('t1', 'x')])).toMatchObject({ accepted: 1 });
      const sameUser = t.client(await sign(privateKey, 'idp-user-1'), 'phone');
      expect((await sameUser.pullAll('todo', 'tasks')).changes.map((c) => c.id)).toEqual(['t1']);
      const otherUser = t.client(await sign(privateKey, 'idp-user-2'), 'phone');
      expect((await otherUser.pullAll('todo', 'tasks')).changes).toEqual([]);
      expect((await t.client(await sign(other.privateKey, 'idp-user-1'), 'x').pullRaw('todo', 'tasks', '')).status).toBe(401);
      expect((await t.client(await sign(privateKey, 'idp-user-1', 'someone-else'), 'x').pullRaw('todo', 'tasks', '')).status).toBe(401);
      expect((await t.client(await sign(privateKey, 'idp-user-1', 'companion', new Date('2020-01-01T00:00:00Z')), 'x').pullRaw('todo', 'tasks', '')).status).toBe(401);
    } finally {
      await t.close();
      await cleanup();
      await new Promise<void>((r) => jwksServer.close(() => r()));
    }
  });
});
