/**
 * The sync protocol end to end over real HTTP, the same suite against both storages: a SQLite file
 * and a real PostgreSQL (a throwaway cluster, an ordinary role, row-level security on).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAIM_LEASE_MS, type SyncChangeOut } from '../../src-shared/domain/sync-protocol';
import { PUSH_CHUNK } from './changes';
import type { SyncStorage } from './storage';
import { type Backend, type TestPostgres, type TestServer, postgresBackend, sqliteBackend, startTestPostgres, startTestServer, taskInsert } from './testing/harness';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

const backends: Backend[] = [sqliteBackend(), postgresBackend(() => pg)];

describe.each(backends)('sync server on $name', (backend) => {
  let storage: SyncStorage;
  let cleanup: () => Promise<void>;
  let t: TestServer;
  /** the server's clock (tests move it) */
  let serverNow: Date;
  beforeEach(async () => {
    ({ storage, cleanup } = await backend.open());
    serverNow = new Date('2026-11-30T11:00:00.000Z');
    t = await startTestServer(storage, { pageSize: 50, now: () => serverNow });
  });
  afterEach(async () => {
    await t.close();
    await cleanup();
  });

  it('round trip: what one device pushes another pulls, with every field stamp, actor, origin and space', async () => {
    const token = await t.account('alice');
    const laptop = t.client(token, 'laptop');
    const home = t.client(token, 'home');
    const pushed = await laptop.push('todo', [
      taskInsert('t1', 'Buy milk', '2026-11-30T10:00:00.000Z', { spaceId: 'space-1' }),
      { eventId: 'u1', table: 'tasks', id: 't1', op: 'update', fields: { done: { value: true, at: '2026-11-30T10:05:00.000Z' } }, origin: 'user' },
      { eventId: 'd1', table: 'tasks', id: 't2', op: 'delete', deletedAt: '2026-11-30T10:06:00.000Z' },
    ]);
    expect(pushed).toMatchObject({ accepted: 3, duplicates: 0, serverChanges: [], conflicts: [], hasMore: false });

    const { changes } = await home.pullAll('todo', 'tasks');
    expect(changes.map((c) => [c.eventId, c.op])).toEqual([
      ['ev-t1-Buy milk', 'insert'],
      ['u1', 'update'],
      ['d1', 'delete'],
    ]);
    // The whole wire form, exactly (both storages must answer the same)
    const common = { schemaVersion: 1, app: 'todo', table: 'tasks', clientId: 'laptop', createdAt: '2026-11-30T11:00:00.000Z' };
    const at = '2026-11-30T10:00:00.000Z';
    expect(changes).toEqual([
      {
        ...common,
        eventId: 'ev-t1-Buy milk',
        id: 't1',
        op: 'insert',
        // field_meta kept for inserts too (upstream stores {} there)
        fields: { title: { value: 'Buy milk', at }, done: { value: false, at }, deletedAt: { value: null, at } },
        data: { title: 'Buy milk', done: false, deletedAt: null },
        actor: { kind: 'user', principalId: 'user:local', displayName: 'You' },
        origin: 'user',
        spaceId: 'space-1',
      },
      { ...common, eventId: 'u1', id: 't1', op: 'update', fields: { done: { value: true, at: '2026-11-30T10:05:00.000Z' } }, actor: null, origin: 'user', spaceId: null },
      {
        ...common,
        eventId: 'd1',
        id: 't2',
        op: 'delete',
        fields: { deletedAt: { value: '2026-11-30T10:06:00.000Z', at: '2026-11-30T10:06:00.000Z' } },
        deletedAt: '2026-11-30T10:06:00.000Z',
        actor: null,
        origin: null,
        spaceId: null,
      },
    ] satisfies SyncChangeOut[]);

    // the pushing device does not get its own changes back
    expect((await laptop.pullAll('todo', 'tasks')).changes).toEqual([]);
    // another collection and another app are separate
    expect((await home.pullAll('todo', 'notes')).changes).toEqual([]);
    expect((await home.pullAll('notes', 'tasks')).changes).toEqual([]);
  });

  it('upstream-style inserts (data only, no eventId) are stamped once by the server, so every device merges the same stamps', async () => {
    const token = await t.account('alice');
    await t.client(token, 'old-web-client').push('todo', [{ table: 'tasks', id: 't9', op: 'insert', data: { title: 'From upstream' } }]);
    const a = await t.client(token, 'a').pullAll('todo', 'tasks');
    const b = await t.client(token, 'b').pullAll('todo', 'tasks');
    expect(a.changes).toHaveLength(1);
    expect(a.changes[0]!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.changes[0]!.fields.title!.at).toBeTruthy();
    expect(b.changes).toEqual(a.changes);
  });

  it("a push answers what other devices pushed since `since`, and the cursor it returns picks up exactly from there", async () => {
    const token = await t.account('alice');
    const laptop = t.client(token, 'laptop');
    const home = t.client(token, 'home');
    await home.push('todo', [taskInsert('h1', 'home task')]);
    const first = await laptop.push('todo', [taskInsert('l1', 'laptop task')]);
    expect(first.serverChanges.map((c) => c.id)).toEqual(['h1']);
    // the cursor reaches past the push's own change too (the newest row): the next read starts after it
    expect((await t.client(token, 'tablet').pullAll('todo', 'tasks')).cursor).toBe(first.syncedUntil);
    await home.push('todo', [taskInsert('h2', 'second'), { ...taskInsert('n1', 'note'), table: 'notes' }]);
    const second = await laptop.push('todo', [], first.syncedUntil);
    expect(second.serverChanges.map((c) => `${c.table}/${c.id}`)).toEqual(['tasks/h2', 'notes/n1']);
    const third = await laptop.push('todo', [], second.syncedUntil);
    expect(third.serverChanges).toEqual([]);
    expect(third.syncedUntil).toBe(second.syncedUntil);
  });

  it('a push delta larger than a page comes in pages: POST again with changes [] from syncedUntil while hasMore', async () => {
    const token = await t.account('alice');
    const home = t.client(token, 'home');
    const laptop = t.client(token, 'laptop');
    const batch = Array.from({ length: 120 }, (_, i) => (i % 2 ? { ...taskInsert(`n${i}`, `note ${i}`), table: 'notes' } : taskInsert(`t${i}`, `task ${i}`)));
    await home.push('todo', batch);
    const got: string[] = [];
    let answer = await laptop.push('todo', [taskInsert('mine', 'mine')]);
    let rounds = 1;
    got.push(...answer.serverChanges.map((c) => c.id));
    while (answer.hasMore) {
      answer = await laptop.push('todo', [], answer.syncedUntil);
      got.push(...answer.serverChanges.map((c) => c.id));
      rounds++;
    }
    expect(rounds).toBe(3); // 50 + 50 + 20
    expect(got).toEqual(batch.map((c) => c.id));
  });

  it('pull pages with hasMore and a cursor that never skips or repeats', async () => {
    const token = await t.account('alice');
    const writer = t.client(token, 'writer');
    const reader = t.client(token, 'reader');
    const ids: string[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = Array.from({ length: 40 }, (_, i) => taskInsert(`r${round}-${i}`, 'x'));
      ids.push(...batch.map((c) => c.id));
      await writer.push('todo', batch);
    }
    const all = await reader.pullAll('todo', 'tasks');
    expect(all.pages).toBe(3); // 50 + 50 + 20
    expect(all.changes.map((c) => c.id)).toEqual(ids);
    // more changes later: the saved cursor gets exactly those
    await writer.push('todo', [taskInsert('late', 'x')]);
    const next = await reader.pullAll('todo', 'tasks', all.cursor);
    expect(next.changes.map((c) => c.id)).toEqual(['late']);
  });

  it('a re-pushed event is a no-op (dedup by eventId), also inside one changeset', async () => {
    const token = await t.account('alice');
    const laptop = t.client(token, 'laptop');
    const changes = [taskInsert('t1', 'a'), taskInsert('t2', 'b')];
    expect(await laptop.push('todo', changes)).toMatchObject({ accepted: 2, duplicates: 0 });
    // a retried batch (the answer was lost) and a change repeated within a batch
    expect(await laptop.push('todo', [...changes, taskInsert('t3', 'c'), taskInsert('t3', 'c')])).toMatchObject({ accepted: 1, duplicates: 3 });
    // a stored event after new ones: the new ones go in once, in order, the stored one is skipped
    expect(await laptop.push('todo', [taskInsert('t4', 'd'), taskInsert('t5', 'e'), changes[1]!])).toMatchObject({ accepted: 2, duplicates: 1 });
    // the same over several chunks (the second attempt sends every chunk's rows in one statement)
    const more = Array.from({ length: PUSH_CHUNK + 2 }, (_, i) => taskInsert(`n${i}`, 'more'));
    expect(await laptop.push('todo', [...more.slice(0, 3), changes[0]!, ...more.slice(3)])).toMatchObject({ accepted: PUSH_CHUNK + 2, duplicates: 1 });
    const { changes: pulled } = await t.client(token, 'other').pullAll('todo', 'tasks');
    expect(pulled.map((c) => c.id)).toEqual(['t1', 't2', 't3', 't4', 't5', ...more.map((c) => c.id)]);
  });

  it('a changeset with one bad change is refused whole (400, nothing written)', async () => {
    const token = await t.account('alice');
    const laptop = t.client(token, 'laptop');
    const answer = await laptop.pushRaw('todo', {
      clientId: 'laptop',
      since: '',
      changes: [taskInsert('t1', 'fine'), taskInsert('t2', 'fine'), { eventId: 'bad', table: 'tasks', id: 't3', op: 'upsert', data: {} }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toMatch(/^Change 2 is invalid/);
    expect((await t.client(token, 'other').pullAll('todo', 'tasks')).changes).toEqual([]);
    // a bad change in a later chunk than the first (whose rows the storage may already have sent)
    const many = Array.from({ length: PUSH_CHUNK + 10 }, (_, i) => taskInsert(`m${i}`, 'fine'));
    many[PUSH_CHUNK + 5] = { ...many[PUSH_CHUNK + 5]!, op: 'upsert' };
    const later = await laptop.pushRaw('todo', { clientId: 'laptop', since: '', changes: many });
    expect(later.status).toBe(400);
    expect(later.body.error?.message).toMatch(new RegExp(`^Change ${PUSH_CHUNK + 5} is invalid`));
    expect((await t.client(token, 'other').pullAll('todo', 'tasks')).changes).toEqual([]);
  });

  it('a stamp far ahead of the server clock, or before 2000, is refused whole (400, nothing written), in any chunk', async () => {
    const token = await t.account('alice');
    const laptop = t.client(token, 'laptop');
    const many = Array.from({ length: PUSH_CHUNK + 10 }, (_, i) => taskInsert(`f${i}`, 'fine'));
    many[PUSH_CHUNK + 3] = taskInsert('frozen', 'forever', '9999-01-01T00:00:00.000Z');
    const ahead = await laptop.pushRaw('todo', { clientId: 'laptop', since: '', changes: many });
    expect(ahead.status).toBe(400);
    expect(ahead.body.error?.message).toMatch(new RegExp(`^Change ${PUSH_CHUNK + 3} was refused: the time 9999-01-01T00:00:00.000Z is .* ahead`));
    const old = await laptop.pushRaw('todo', { clientId: 'laptop', since: '', changes: [taskInsert('old', 'old', '1999-12-31T23:00:00.000Z')] });
    expect(old.status).toBe(400);
    expect((await t.client(token, 'other').pullAll('todo', 'tasks')).changes).toEqual([]);
    // within the 5 minutes a device's clock may run ahead: taken
    expect(await laptop.push('todo', [taskInsert('soon', 'soon', '2026-11-30T11:04:00.000Z')])).toMatchObject({ accepted: 1 });
  });

  it('the storage writes a changeset atomically: a failure mid-batch leaves nothing behind', async () => {
    const token = await t.account('alice');
    const userId = await storage.accounts.userForToken((await import('./auth')).hashToken(token));
    const row = (id: string) => ({ eventId: id, table: 'tasks', recordId: id, op: 'insert' as const, data: { a: 1 }, fieldMeta: { a: '2026-11-30T10:00:00.000Z' }, spaceId: null, actor: null, origin: null, schemaVersion: 1 });
    const nothingStored = async () => {
      const page = await storage.changesSince(userId!, { appId: 'todo', table: null, afterSeq: 0, excludeClientId: null, limit: 100 });
      expect(page).toMatchObject({ wire: '[]', count: 0 });
    };
    // the third row breaks the op CHECK constraint: the database fails in the middle of the batch (in its second chunk)
    const batch = [[row('a'), row('b')], [{ ...row('c'), op: 'upsert' as unknown as 'insert' }, row('d')]];
    await expect(storage.push(userId!, 'todo', 'dev', batch, '2026-11-30T10:00:00.000Z')).rejects.toThrow();
    await nothingStored();
    // a chunk that fails validation after the first chunk's rows were sent: its error, and nothing stored
    function* refusedLater() {
      yield [row('a'), row('b')];
      throw new Error('change 2 is invalid');
    }
    await expect(storage.push(userId!, 'todo', 'dev', refusedLater(), '2026-11-30T10:00:00.000Z')).rejects.toThrow('change 2 is invalid');
    await nothingStored();
    // and the same rows go in once the batch is sound
    expect((await storage.push(userId!, 'todo', 'dev', [[row('a')], [row('b')]], '2026-11-30T10:00:00.000Z')).accepted).toBe(2);
  });

  it('two accounts never see each other: crafted since, collection, spaceId, appId and eventIds', async () => {
    const alice = t.client(await t.account('alice'), 'alice-laptop');
    const bob = t.client(await t.account('bob'), 'bob-laptop');
    const a = await alice.push('todo', [taskInsert('secret', 'alice only', undefined, { spaceId: 'alice-space' }), { ...taskInsert('n', 'alice note'), table: 'notes' }]);
    const aliceCursor = (await t.client(alice.token, 'alice-phone').pullAll('todo', 'tasks')).cursor;
    // bob pushes into alice's space id and reuses alice's event id: his own rows, nothing of hers touched
    const b = await bob.push('todo', [taskInsert('secret', 'alice only', undefined, { spaceId: 'alice-space' })]);
    expect(b).toMatchObject({ accepted: 1, duplicates: 0, serverChanges: [] });
    for (const since of ['', '0', a.syncedUntil, aliceCursor, '1970-01-01T00:00:00.000Z', 'ffffffffffffffff.0', `${aliceCursor.split('.')[0]}.0`, "' OR 1=1 --"]) {
      for (const collection of ['tasks', 'notes', "tasks' OR '1'='1"]) {
        const answer = await bob.pullRaw('todo', collection, since);
        if (answer.status !== 200) {
          expect(answer.status).toBe(400);
          continue;
        }
        for (const c of answer.body.serverChanges) expect(c.clientId).toBe('bob-laptop');
      }
      const delta = await t.client(bob.token, 'bob-phone').push('todo', [], since);
      expect(delta.serverChanges.every((c) => c.clientId === 'bob-laptop')).toBe(true);
    }
    // alice still has exactly her own rows
    const hers = await t.client(alice.token, 'alice-tablet').pullAll('todo', 'tasks');
    expect(hers.changes.map((c) => c.clientId)).toEqual(['alice-laptop']);
  });

  it('auth, validation and size errors: 401, 400, 404, 405, 413', async () => {
    const token = await t.account('alice');
    const base = t.url;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-client-id': 'c', 'content-type': 'application/json', ...headers }, body });
    const ok = JSON.stringify({ clientId: 'c', since: '', changes: [] });
    expect((await fetch(`${base}/sync/todo`, { method: 'POST', body: ok })).status).toBe(401);
    const wrong = await post('/sync/todo', ok, { authorization: 'Bearer mcs_not-a-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${base}/sync/todo/pull?collection=tasks&since=`)).status).toBe(401);
    expect((await post('/sync/todo', ok)).status).toBe(200);
    expect((await post('/sync/todo', '{"changes": [')).status).toBe(400);
    expect((await post('/sync/todo', JSON.stringify({ since: '', schemaVersion: 2, changes: [] }))).status).toBe(400);
    expect((await post('/sync/todo', JSON.stringify({ since: '', schemaVersion: 0, changes: [] }))).status).toBe(200); // ≤ 0 counts as 1
    expect((await post('/sync/todo', JSON.stringify({ changes: [] }), { 'x-client-id': '' })).status).toBe(400);
    expect((await post('/sync/todo', JSON.stringify({ changes: [{ ...taskInsert('x', 'y'), app: 'notes' }] }))).status).toBe(400);
    expect((await post('/sync/todo', JSON.stringify({ changes: [taskInsert('x', 'nul \u0000 inside')] }))).status).toBe(400);
    expect((await post('/sync/bad%20app', ok)).status).toBe(400);
    const get = (path: string) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get('/sync/todo/pull?since=')).status).toBe(400); // no collection
    expect((await get('/sync/todo/pull?collection=tasks')).status).toBe(400); // no since
    const wrongMethod = await get('/sync/todo');
    expect({ status: wrongMethod.status, allow: wrongMethod.headers.get('allow'), body: await wrongMethod.json() }).toMatchObject({
      status: 405,
      allow: 'POST',
      body: { error: { code: 'METHOD_NOT_ALLOWED' } },
    });
    expect((await get('/sync/todo/unknown')).status).toBe(404);
    // a server without claims (upstream) answers 404 there; ours answers, so the client can tell
    expect((await post('/sync/todo/claims', '{}')).status).toBe(400);
    // 10 MB cap: declared and streamed
    const big = JSON.stringify({ changes: [{ ...taskInsert('big', 'x'), fields: { body: { value: 'x'.repeat(10 * 1024 * 1024), at: '2026-11-30T10:00:00.000Z' } } }] });
    const tooLarge = await post('/sync/todo', big);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await fetch(`${base}/sync/todo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'x-client-id': 'c' },
      body: streamed,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await t.client(token, 'other').pullAll('todo', 'tasks')).changes).toEqual([]);
  });

  it('a claim holds against other devices until it lapses; then the first device to claim again takes it over', async () => {
    const token = await t.account('alice');
    const due = { missionId: 'm1', dueAt: '2026-12-01T09:00:00Z' };
    const laptop = t.client(token, 'laptop');
    const home = t.client(token, 'home');
    const claimBy = async (device: string) => (await t.client(token, device).claim('ai', { ...due, deviceId: device })).body;
    expect(await claimBy('laptop')).toMatchObject({ won: true, by: 'laptop', at: '2026-11-30T11:00:00.000Z', dueAt: '2026-12-01T09:00:00.000Z' });
    serverNow = new Date(serverNow.getTime() + CLAIM_LEASE_MS - 1);
    expect(await claimBy('home')).toMatchObject({ won: false, by: 'laptop', at: '2026-11-30T11:00:00.000Z' });
    expect(await claimBy('laptop')).toMatchObject({ won: true, by: 'laptop' }); // a retry keeps its first time
    // The laptop went away with its claim: past the lease, the home server's claim takes it over.
    serverNow = new Date(Date.parse('2026-11-30T11:00:00.000Z') + CLAIM_LEASE_MS + 1);
    const takeover = serverNow.toISOString();
    expect(await claimBy('home')).toMatchObject({ won: true, by: 'home', at: takeover });
    expect(await claimBy('laptop')).toMatchObject({ won: false, by: 'home', at: takeover });
    expect(await claimBy('phone')).toMatchObject({ won: false, by: 'home', at: takeover });
    // Other due times and missions are their own claims.
    expect((await laptop.claim('ai', { ...due, dueAt: '2026-12-02T09:00:00Z', deviceId: 'laptop' })).body.won).toBe(true);
    expect((await home.claim('ai', { ...due, missionId: 'm2', deviceId: 'home' })).body.won).toBe(true);
  });

  it('health answers for containers and process managers', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', storage: backend.name });
  });
});
