/**
 * The headless transport: `POST /api/<method>` (JSON in, JSON out, errors as {error:{code,message,
 * issues?}}), `GET /api/events` (SSE), and the renderer's static files at `/`. Every api call needs
 * `Authorization: Bearer <token>` (SSE may pass `?token=` since EventSource cannot set headers).
 * No CORS headers are ever sent, so other sites' pages cannot call it from a browser.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { timingSafeEqual, createHash } from 'node:crypto';
import { ApiError, HTTP_STATUS, isMethodName } from '../../src-shared/api';
import type { Engine } from '../engine';
import { RENDERER_CSP } from './csp';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** SSE comment lines keep idle proxies and NATs from closing the event stream. */
export const HEARTBEAT_MS = 15_000;
/** How long close() lets in-flight requests finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5_000;
const AUTH_FAILURES_BEFORE_DELAY = 5;

export interface HttpHostOptions {
  engine: Engine;
  token: string;
  host: string;
  port: number;
  rendererDir: string | null;
  log?: (line: string) => void;
  /** default HEARTBEAT_MS */
  heartbeatMs?: number;
  /** `serve --sync`: /sync/… and /health go to the sync server (its own auth), src-main/server */
  sync?: { handles(pathname: string): boolean; handle(req: IncomingMessage, res: ServerResponse): void; close(): void };
}

export interface HttpHost {
  url: string;
  port: number;
  server: Server;
  /**
   * Stops accepting connections, ends the event streams, and resolves once in-flight requests have
   * answered (or after a grace period, cutting them). Call it together with engine.close(), which
   * aborts LLM calls, so that requests waiting on the LLM answer at once.
   */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': RENDERER_CSP,
};

/** Constant-time token comparison (hashing first makes the lengths equal). */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m ? m[1]!.trim() : null;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  sendJson(res, HTTP_STATUS[error.code], error.toBody());
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new ApiError('PAYLOAD_TOO_LARGE', `The request body is ${Math.round(declared / 1048576)} MB; at most 10 MB is accepted. Push in smaller batches.`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError('PAYLOAD_TOO_LARGE', 'The request body is larger than 10 MB. Push in smaller batches.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { engine, token, rendererDir } = options;
  const log = options.log ?? (() => undefined);
  const sseClients = new Set<ServerResponse>();
  const authFailures = new Map<string, number>();

  const unsubscribe = engine.on((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const client of sseClients) client.write(': heartbeat\n\n');
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  /** Repeated wrong tokens from one address are answered ever more slowly (guessing gets expensive). */
  async function authorized(req: IncomingMessage, given: string | null): Promise<boolean> {
    const who = req.socket.remoteAddress ?? 'unknown';
    if (tokenMatches(given, token)) {
      authFailures.delete(who);
      return true;
    }
    // bounded: a flood from many addresses must not grow this map without limit
    if (authFailures.size > 10_000) authFailures.clear();
    const failures = (authFailures.get(who) ?? 0) + 1;
    authFailures.set(who, failures);
    if (failures > AUTH_FAILURES_BEFORE_DELAY) {
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * (failures - AUTH_FAILURES_BEFORE_DELAY))));
    }
    return false;
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      sendJson(res, 405, { error: { code: 'BAD_INPUT', message: `Use POST for /api/${method}.` } });
      return;
    }
    if (!(await authorized(req, bearer(req)))) {
      sendError(res, new ApiError('UNAUTHORIZED', 'Missing or wrong access token: send Authorization: Bearer <token> (the token is in the URL printed at start).'));
      return;
    }
    if (!isMethodName(method)) {
      sendError(res, new ApiError('NOT_FOUND', `Unknown method "${method}".`));
      return;
    }
    const text = await readBody(req);
    let input: unknown = {};
    if (text.trim()) {
      try {
        input = JSON.parse(text);
      } catch (error) {
        throw new ApiError('BAD_INPUT', `The request body is not valid JSON: ${(error as Error).message}`);
      }
    }
    sendJsonText(res, 200, await engine.callJson(method, input));
  }

  async function handleEvents(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!(await authorized(req, bearer(req) ?? url.searchParams.get('token')))) {
      sendError(res, new ApiError('UNAUTHORIZED', 'Missing or wrong access token.'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS });
    res.write(`retry: 2000\n\n`);
    res.write(`event: runner.status\ndata: ${JSON.stringify(engine.runner.status())}\n\n`);
    sseClients.add(res);
    req.on('close', () => sseClients.delete(res));
  }

  function handleStatic(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: { code: 'BAD_INPUT', message: 'Only GET is served here.' } });
      return;
    }
    if (!rendererDir) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      res.end('The UI is not built. Run `npm run build`, then start the host again.');
      return;
    }
    const root = resolve(rendererDir);
    let path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (path !== root && !path.startsWith(root + sep)) {
      sendJson(res, 404, { error: { code: 'NOT_FOUND', message: 'Not found.' } });
      return;
    }
    if (!existsSync(path) || statSync(path).isDirectory()) path = join(root, 'index.html');
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    const cache = path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable';
    res.writeHead(200, { 'content-type': type, 'cache-control': cache, ...SECURITY_HEADERS });
    if (req.method === 'HEAD') res.end();
    else createReadStream(path).pipe(res);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (options.sync?.handles(url.pathname)) return options.sync.handle(req, res);
    const task = url.pathname === '/api/events'
      ? handleEvents(req, res, url)
      : url.pathname.startsWith('/api/')
        ? handleApi(req, res, url.pathname.slice('/api/'.length))
        : Promise.resolve(handleStatic(req, res, url));
    task.catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : new ApiError('INTERNAL', 'Internal error; see the host log for details.');
      if (!(error instanceof ApiError)) log(`error in ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendError(res, apiError);
      else res.end();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    server,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      options.sync?.close();
      for (const client of sseClients) client.end();
      sseClients.clear();
      // server.close() waits for every open connection: idle keep-alive ones are closed at once,
      // busy ones get a grace period (an api call waiting on the LLM answers once it is aborted).
      // A connection that answers its last request goes idle and is closed at the next sweep.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((r) => {
        timer = setTimeout(r, CLOSE_GRACE_MS);
      });
      await Promise.race([closed, grace]);
      clearInterval(sweep);
      clearTimeout(timer);
      server.closeAllConnections();
    },
  };
}
