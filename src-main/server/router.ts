/**
 * The sync server's HTTP routes (docs/sync-protocol.md), mountable in any node:http server (the
 * headless host with `--sync`, or the standalone server in server.ts):
 *   GET  /health
 *   POST /sync/{appId}                  push a changeset, get what others pushed since `since`
 *   GET  /sync/{appId}/pull?collection=&since=
 *   GET  /sync/{appId}/stream?collections=a,b&since=   (SSE)
 *   POST /sync/{appId}/claims           a runner claims (mission, due time)
 * Every /sync route needs `Authorization: Bearer <device token or JWT>`. Errors answer
 * {error:{code,message,issues?}} like the host's api.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, HTTP_STATUS, issuesOf } from '../../src-shared/api';
import { CLAIM_LEASE_MS, SYNC_MAX_BODY_BYTES, SYNC_PAGE_SIZE, SyncClaimRequest, SyncName, type SyncClaimResponse, type SyncResponse } from '../../src-shared/domain/sync-protocol';
import { createHybridClock, randomNodeId, stampSortKey, type HybridClock } from '../../src-shared/hlc';
import { type Authenticator, type JwtOptions, bearerToken, createAuthenticator } from './auth';
import { parseChangeset } from './changes';
import { decodeCursor, encodeCursor } from './cursor';
import type { ChangesPage, SyncStorage } from './storage';
import { STREAM_HEARTBEAT_MS, StreamHub } from './stream';

/** Collections one stream may follow. */
const MAX_STREAM_COLLECTIONS = 50;

export interface SyncRouterOptions {
  storage: SyncStorage;
  jwt?: JwtOptions;
  now?: () => Date;
  /** stamps values pushed without one (default: a fresh clock on `now`) */
  clock?: HybridClock;
  pageSize?: number;
  heartbeatMs?: number;
  log?: (line: string) => void;
}

export interface SyncRouter {
  /** Whether a request path belongs to the sync server. */
  handles(pathname: string): boolean;
  /** Answers the request (errors included); never throws. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** open live streams */
  readonly streams: number;
  /** Ends the live streams (call before closing the HTTP server, which waits for them). */
  close(): void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  sendJsonText(res, status, JSON.stringify(body), extra);
}

function sendJsonText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, ...extra });
  res.end(text);
}

/**
 * Reads a request body of at most SYNC_MAX_BODY_BYTES; beyond that, 413 (the rest is discarded).
 * `signal` aborted: what came is dropped and the rest discarded (a caller that was refused).
 */
function readBody(req: IncomingMessage, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    signal?.addEventListener('abort', () => {
      req.removeAllListeners('data');
      req.removeAllListeners('end');
      req.resume();
      reject(signal.reason);
    });
    const tooLarge = () => {
      // Read and drop what the client still sends (up to a bound), so it gets to read the 413.
      let dropped = 0;
      req.removeAllListeners('data');
      req.on('data', (chunk: Buffer) => {
        dropped += chunk.length;
        if (dropped > 2 * SYNC_MAX_BODY_BYTES) req.destroy();
      });
      req.resume();
      reject(new ApiError('PAYLOAD_TOO_LARGE', 'The changeset is larger than 10 MB: push fewer changes per request.'));
    };
    if (Number(req.headers['content-length'] ?? 0) > SYNC_MAX_BODY_BYTES) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > SYNC_MAX_BODY_BYTES) tooLarge();
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Database unreachable or shutting down: the client should retry, not give up. */
function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'CONNECTION_ENDED', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', 'SQLITE_BUSY'].includes(code) || /^(08|57P)/.test(code);
}

export function createSyncRouter(options: SyncRouterOptions): SyncRouter {
  const { storage } = options;
  const now = options.now ?? (() => new Date());
  const clock = options.clock ?? createHybridClock(randomNodeId(), () => now().getTime());
  const pageSize = options.pageSize ?? SYNC_PAGE_SIZE;
  const log = options.log ?? (() => undefined);
  const authenticate: Authenticator = createAuthenticator(storage.accounts, options.jwt);
  const hub = new StreamHub(storage, { pageSize, heartbeatMs: options.heartbeatMs ?? STREAM_HEARTBEAT_MS, now, log });
  const cursor = (seq: number) => encodeCursor(storage.storageId, seq);

  async function userOf(req: IncomingMessage): Promise<string> {
    const userId = await authenticate(bearerToken(req));
    if (!userId) throw new ApiError('UNAUTHORIZED', 'Missing, unknown or revoked token: sign this device in again (send Authorization: Bearer <device token>).');
    return userId;
  }

  function clientIdOf(req: IncomingMessage, url: URL): string | null {
    const header = req.headers['x-client-id'];
    const id = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('clientId');
    if (id !== undefined && id !== null && (id.length === 0 || id.length > 200)) throw new ApiError('BAD_INPUT', 'X-Client-Id must be 1 to 200 characters.');
    return id ?? null;
  }

  function name(value: string | null, what: string): string {
    const parsed = SyncName.safeParse(value);
    if (!parsed.success) throw new ApiError('BAD_INPUT', `${what} "${value ?? ''}" is not a valid name (letters, digits and _ . : -, at most 100).`);
    return parsed.data;
  }

  /** A `SyncResponse` as JSON text around the page's ready-made wire JSON. */
  function answer(page: ChangesPage, extra: Pick<SyncResponse, 'accepted' | 'duplicates'> = {}): string {
    const tail = JSON.stringify({ conflicts: [], syncedUntil: cursor(page.throughSeq), hasMore: page.hasMore, ...extra } satisfies Omit<SyncResponse, 'serverChanges'>);
    return `{"serverChanges":${page.wire},${tail.slice(1)}`;
  }

  async function push(req: IncomingMessage, res: ServerResponse, appId: string, url: URL): Promise<void> {
    // The token's lookup (a database round trip) runs while the body arrives; a caller who is
    // refused gets nothing of it kept or parsed.
    const refused = new AbortController();
    const arriving = readBody(req, refused.signal);
    arriving.catch(() => undefined); // the refusal is the answer then
    let userId: string;
    try {
      userId = await userOf(req);
    } catch (error) {
      refused.abort(error);
      throw error;
    }
    const text = await arriving;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new ApiError('BAD_INPUT', `The body is not valid JSON: ${(error as Error).message}`);
    }
    const set = parseChangeset(body, appId, clientIdOf(req, url), clock, now(), text);
    // The answer's delta: what other clients pushed since `since`, in every collection of the app, paged.
    const delta = { appId, table: null, afterSeq: decodeCursor(storage.storageId, set.since), excludeClientId: set.clientId, limit: pageSize };
    const result = await storage.push(userId, appId, set.clientId, set.changes, now().toISOString(), delta);
    if (result.tables.length > 0) hub.publish(userId, appId, set.clientId, result.tables);
    sendJsonText(res, 200, answer(result.delta!, { accepted: result.accepted, duplicates: result.duplicates }));
  }

  async function pull(req: IncomingMessage, res: ServerResponse, appId: string, url: URL): Promise<void> {
    const userId = await userOf(req);
    const table = name(url.searchParams.get('collection'), 'collection');
    const since = url.searchParams.get('since');
    if (since === null) throw new ApiError('BAD_INPUT', 'Missing ?since= (the syncedUntil of the last answer, or empty to start).');
    const page = await storage.changesSince(userId, { appId, table, afterSeq: decodeCursor(storage.storageId, since), excludeClientId: clientIdOf(req, url), limit: pageSize });
    sendJsonText(res, 200, answer(page));
  }

  async function stream(req: IncomingMessage, res: ServerResponse, appId: string, url: URL): Promise<void> {
    const userId = await userOf(req);
    const list = (url.searchParams.get('collections') ?? '').split(',').filter((t) => t !== '');
    if (list.length === 0) throw new ApiError('BAD_INPUT', 'Name the collections to follow: ?collections=a,b');
    if (list.length > MAX_STREAM_COLLECTIONS) throw new ApiError('BAD_INPUT', `Follow at most ${MAX_STREAM_COLLECTIONS} collections per stream.`);
    const tables = [...new Set(list.map((t) => name(t, 'collection')))];
    hub.open({ userId, appId, clientId: clientIdOf(req, url), tables, afterSeq: decodeCursor(storage.storageId, url.searchParams.get('since')) }, res);
  }

  async function claim(req: IncomingMessage, res: ServerResponse, appId: string): Promise<void> {
    const userId = await userOf(req);
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('BAD_INPUT', `The body is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = SyncClaimRequest.safeParse(body);
    if (!parsed.success) throw new ApiError('BAD_INPUT', 'A claim is {missionId, dueAt, deviceId}.', issuesOf(parsed.error));
    const { missionId, dueAt, deviceId } = parsed.data;
    // Every spelling of one instant is one claim ("…00Z" and "…00.000Z" must not both win).
    const dueKey = stampSortKey(dueAt)!;
    const at = now();
    const lapsedBefore = new Date(at.getTime() - CLAIM_LEASE_MS).toISOString();
    const outcome = await storage.claim(userId, { appId, missionId, dueKey, deviceId, at: at.toISOString(), lapsedBefore });
    sendJson(res, 200, { won: outcome.won, missionId, dueAt: dueKey, by: outcome.by, at: outcome.at } satisfies SyncClaimResponse);
  }

  async function health(res: ServerResponse): Promise<void> {
    try {
      await storage.ping();
      sendJson(res, 200, { status: 'ok', storage: storage.kind });
    } catch {
      sendJson(res, 503, { status: 'unavailable', storage: storage.kind });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const only = (allowed: string) => {
      if (method !== allowed) {
        res.setHeader('allow', allowed);
        throw new ApiError('METHOD_NOT_ALLOWED', `Use ${allowed} for ${url.pathname}.`);
      }
    };
    if (url.pathname === '/health') {
      only('GET');
      return health(res);
    }
    const m = /^\/sync\/([^/]+)(?:\/(pull|stream|claims))?\/?$/.exec(url.pathname);
    if (!m) throw new ApiError('NOT_FOUND', `No sync route ${url.pathname}.`);
    let appId: string;
    try {
      appId = name(decodeURIComponent(m[1]!), 'app');
    } catch (error) {
      throw error instanceof ApiError ? error : new ApiError('BAD_INPUT', `The app in ${url.pathname} is not a valid name.`);
    }
    switch (m[2]) {
      case undefined:
        only('POST');
        return push(req, res, appId, url);
      case 'pull':
        only('GET');
        return pull(req, res, appId, url);
      case 'stream':
        only('GET');
        return stream(req, res, appId, url);
      default:
        only('POST');
        return claim(req, res, appId);
    }
  }

  return {
    handles: (pathname) => pathname === '/health' || pathname === '/sync' || pathname.startsWith('/sync/'),
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      route(req, res, url).catch((error: unknown) => {
        let apiError: ApiError;
        if (error instanceof ApiError) apiError = error;
        else if (isUnavailable(error)) apiError = new ApiError('UNAVAILABLE', 'The sync database is unavailable right now; try again shortly.');
        else {
          log(`sync: error in ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
          apiError = new ApiError('INTERNAL', 'Internal error; see the server log for details.');
        }
        if (!req.complete) req.resume(); // drop an unread body so the client gets to read the answer
        if (res.headersSent) {
          res.end();
          return;
        }
        const status = HTTP_STATUS[apiError.code];
        const extra: Record<string, string> = {};
        if (apiError.code === 'UNAUTHORIZED') extra['www-authenticate'] = 'Bearer';
        if (apiError.code === 'PAYLOAD_TOO_LARGE') extra.connection = 'close';
        sendJson(res, status, apiError.toBody(), extra);
      });
    },
    get streams() {
      return hub.size;
    },
    close: () => hub.close(),
  };
}
