/**
 * Opening the sync server's storage from options, and a standalone sync server (tests, bench, or a
 * server that answers only the protocol). `npm run serve -- --sync` mounts the same router in the
 * headless host instead (src-main/host/http.ts).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openPostgresSyncStorage } from './postgres-storage';
import { type SyncRouter, type SyncRouterOptions, createSyncRouter } from './router';
import { SYNC_SQLITE_FILE, openSqliteSyncStorage } from './sqlite-storage';
import type { SyncStorage } from './storage';

export interface SyncStorageOptions {
  /** the server's data dir: the SQLite storage lives in <dataDir>/sync-server.sqlite */
  dataDir: string;
  /** Postgres instead of SQLite */
  databaseUrl?: string | null;
}

export async function openSyncStorage(options: SyncStorageOptions): Promise<SyncStorage> {
  if (options.databaseUrl) return openPostgresSyncStorage({ url: options.databaseUrl });
  return openSqliteSyncStorage(join(options.dataDir, SYNC_SQLITE_FILE));
}

export interface StandaloneSyncServer {
  url: string;
  port: number;
  server: Server;
  router: SyncRouter;
  /** Ends streams and stops listening; the storage stays open (its owner closes it). */
  close(): Promise<void>;
}

export async function startSyncServer(options: SyncRouterOptions & { host?: string; port?: number }): Promise<StandaloneSyncServer> {
  const router = createSyncRouter(options);
  const server = createServer((req, res) => {
    if (router.handles(new URL(req.url ?? '/', 'http://localhost').pathname)) router.handle(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not a sync route.' } }));
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    router,
    async close() {
      router.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
