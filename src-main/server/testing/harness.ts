/**
 * Test helpers for the sync server: a real PostgreSQL cluster (scripts/postgres.mjs) with a fresh
 * database and an ordinary role per suite, a real SQLite file, a real HTTP server, and a small
 * client speaking the wire protocol with fetch.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type PostgresCluster, startPostgresCluster } from '../../../scripts/postgres.mjs';
import type { SyncChangeOut, SyncClaimResponse, SyncResponse } from '../../../src-shared/domain/sync-protocol';
import { tempDataDir } from '../../engine/testing/temp-db';
import { type PostgresStorageOptions, openPostgresSyncStorage } from '../postgres-storage';
import { type SyncRouterOptions } from '../router';
import { type StandaloneSyncServer, startSyncServer } from '../server';
import { SYNC_SQLITE_FILE, openSqliteSyncStorage } from '../sqlite-storage';
import type { SyncStorage } from '../storage';
import { addAccount } from '../users-command';
import { join } from 'node:path';

export interface TestPostgres {
  cluster: PostgresCluster;
  admin: postgres.Sql;
  /** A new database owned by a new ordinary role (no superuser, no BYPASSRLS); its URL. */
  newDatabase(): Promise<{ url: string; name: string; role: string }>;
  /** the server's version, e.g. "15.18 (Debian …)" */
  version(): Promise<string>;
  stop(): Promise<void>;
}

/** `durable`: fsync and full page writes on, for benches that compare figures (tests skip them). */
export async function startTestPostgres({ durable = false } = {}): Promise<TestPostgres> {
  const cluster = await startPostgresCluster({ durable });
  const admin = postgres(cluster.adminUrl, { max: 2, onnotice: () => undefined });
  return {
    cluster,
    admin,
    async newDatabase() {
      const suffix = randomBytes(5).toString('hex');
      const name = `sync_test_${suffix}`;
      const role = `sync_app_${suffix}`;
      const password = randomBytes(12).toString('hex');
      await admin.unsafe(`CREATE ROLE ${role} LOGIN PASSWORD '${password}' NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB`);
      await admin.unsafe(`CREATE DATABASE ${name} OWNER ${role}`);
      const url = new URL(cluster.adminUrl);
      url.username = role;
      url.password = password;
      url.pathname = `/${name}`;
      return { url: url.toString(), name, role };
    },
    async version() {
      const [row] = await admin<{ server_version: string }[]>`SHOW server_version`;
      return row?.server_version ?? '?';
    },
    async stop() {
      await admin.end({ timeout: 1 });
      await cluster.stop();
    },
  };
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  open(options?: Omit<PostgresStorageOptions, 'url'>): Promise<{ storage: SyncStorage; cleanup(): Promise<void> }>;
}

export function sqliteBackend(): Backend {
  return {
    name: 'sqlite',
    async open() {
      const dir = tempDataDir('sync-server-test-');
      const storage = openSqliteSyncStorage(join(dir.dir, SYNC_SQLITE_FILE));
      return {
        storage,
        async cleanup() {
          await storage.close();
          dir.cleanup();
        },
      };
    },
  };
}

export function postgresBackend(pg: () => TestPostgres): Backend {
  return {
    name: 'postgres',
    async open(options = {}) {
      const db = await pg().newDatabase();
      const storage = await openPostgresSyncStorage({ url: db.url, ...options });
      return { storage, cleanup: () => storage.close() };
    },
  };
}

/** A running server on a storage, with helpers to make accounts and clients. */
export interface TestServer {
  server: StandaloneSyncServer;
  storage: SyncStorage;
  url: string;
  /** Creates an account; returns its device token. */
  account(name: string): Promise<string>;
  client(token: string, clientId: string): SyncTestClient;
  close(): Promise<void>;
}

export async function startTestServer(storage: SyncStorage, options: Omit<SyncRouterOptions, 'storage'> = {}): Promise<TestServer> {
  const server = await startSyncServer({ storage, ...options });
  return {
    server,
    storage,
    url: server.url,
    account: async (name) => (await addAccount(storage.accounts, name, new Date('2026-11-30T10:00:00.000Z'))).token,
    client: (token, clientId) => new SyncTestClient(server.url, token, clientId),
    close: () => server.close(),
  };
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

/** The protocol as a device speaks it (what the engine's sync client will do), with fetch. */
export class SyncTestClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
    readonly clientId: string,
  ) {}

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'x-client-id': this.clientId, ...extra };
  }

  async pushRaw(appId: string, body: unknown): Promise<HttpAnswer<SyncResponse & { error?: { code: string; message: string } }>> {
    const res = await fetch(`${this.baseUrl}/sync/${encodeURIComponent(appId)}`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as SyncResponse & { error?: { code: string; message: string } } };
  }

  async push(appId: string, changes: unknown[], since = ''): Promise<SyncResponse> {
    const answer = await this.pushRaw(appId, { clientId: this.clientId, since, schemaVersion: 1, changes });
    if (answer.status !== 200) throw new Error(`push answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  async pullRaw(appId: string, collection: string, since: string): Promise<HttpAnswer<SyncResponse>> {
    const q = new URLSearchParams({ collection, since });
    const res = await fetch(`${this.baseUrl}/sync/${encodeURIComponent(appId)}/pull?${q}`, { headers: this.headers() });
    return { status: res.status, body: (await res.json()) as SyncResponse };
  }

  /** Every page of a collection from `since`; returns the changes and the final cursor. */
  async pullAll(appId: string, collection: string, since = ''): Promise<{ changes: SyncChangeOut[]; cursor: string; pages: number }> {
    const changes: SyncChangeOut[] = [];
    let cursor = since;
    let pages = 0;
    for (;;) {
      const answer = await this.pullRaw(appId, collection, cursor);
      if (answer.status !== 200) throw new Error(`pull answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      pages++;
      changes.push(...answer.body.serverChanges);
      cursor = answer.body.syncedUntil;
      if (!answer.body.hasMore) return { changes, cursor, pages };
    }
  }

  async claim(appId: string, body: unknown): Promise<HttpAnswer<SyncClaimResponse>> {
    const res = await fetch(`${this.baseUrl}/sync/${encodeURIComponent(appId)}/claims`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as SyncClaimResponse };
  }
}

/** A task insert as our engine pushes it: every field stamped. */
export function taskInsert(id: string, title: string, at = '2026-11-30T10:00:00.000Z', extra: Record<string, unknown> = {}) {
  return {
    eventId: `ev-${id}-${title}`,
    table: 'tasks',
    id,
    op: 'insert',
    fields: { title: { value: title, at }, done: { value: false, at } },
    actor: { kind: 'user', principalId: 'user:local', displayName: 'You' },
    origin: 'user',
    ...extra,
  };
}

export interface SseEvent {
  event: string;
  data: unknown;
}

/** An open SSE stream read with fetch: `next()` resolves with the next event (other than heartbeats unless asked). */
export interface TestStream {
  next(options?: { includeHeartbeats?: boolean }): Promise<SseEvent>;
  close(): void;
}

export async function openStream(client: SyncTestClient, appId: string, collections: string[], since = ''): Promise<TestStream> {
  const controller = new AbortController();
  const q = new URLSearchParams({ collections: collections.join(','), since });
  const res = await fetch(`${client.baseUrl}/sync/${appId}/stream?${q}`, { headers: client.headers(), signal: controller.signal });
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queue: SseEvent[] = [];
  async function fill(): Promise<void> {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) queue.push({ event, data: JSON.parse(data.join('\n')) as unknown });
        if (queue.length > 0) return;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  }
  return {
    async next(options = {}) {
      for (;;) {
        if (queue.length === 0) await fill();
        const e = queue.shift()!;
        if (e.event !== 'heartbeat' || options.includeHeartbeats) return e;
      }
    },
    close: () => controller.abort(),
  };
}
