/**
 * The headless host's server: routes each request to its concern (./api, ./events, ./static, all
 * behind ./auth), answers what they throw with the api's error body, and shuts down without
 * dropping answers in flight.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isApiErrorLike } from '../../../src-shared/api-errors';
import type { Engine } from '../../engine';
import { createApiHandler } from './api';
import { createAuthGate } from './auth';
import { createEventStreams, HEARTBEAT_MS } from './events';
import { sendError } from './respond';
import { createStaticHandler } from './static';

/** How long close() lets in-flight requests finish before it cuts their connections. */
const CLOSE_GRACE_MS = 5_000;
/** How often close() looks for connections that went idle (they are closed then). */
const IDLE_SWEEP_MS = 25;

export interface HttpHostOptions {
  engine: Engine;
  token: string;
  host: string;
  port: number;
  rendererDir: string | null;
  log?: (line: string) => void;
  /** default HEARTBEAT_MS */
  heartbeatMs?: number;
  /** how the host waits before answering a repeated wrong token (default: a timer) */
  sleep?: (ms: number) => Promise<void>;
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

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { engine, token } = options;
  const log = options.log ?? (() => undefined);
  const auth = createAuthGate(token, options.sleep ?? timerSleep);
  const api = createApiHandler(engine, auth);
  const events = createEventStreams(engine, auth, options.heartbeatMs ?? HEARTBEAT_MS);
  const page = createStaticHandler(options.rendererDir);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : undefined;
    const route = async () => {
      if (url.pathname === '/api/events') return events.handle(req, res, url);
      if (method !== undefined) return api(req, res, url, method);
      return page(req, res, url);
    };
    route().catch((error: unknown) => {
      if (!isApiErrorLike(error)) log(`error in ${req.method} ${url.pathname}: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendError(res, error, method);
      else res.end();
    });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${shownHost(options.host)}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    server,
    async close() {
      events.close();
      await closeServer(server);
    },
  };
}

/** The host as a browser should be pointed at it: a wildcard bind is reached on loopback; IPv6 in brackets. */
function shownHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * server.close() waits for every open connection: idle keep-alive ones are closed at once, busy
 * ones get a grace period (an api call waiting on the LLM answers once it is aborted). A
 * connection that answers its last request goes idle and is closed at the next sweep.
 */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_GRACE_MS);
  });
  await Promise.race([closed, grace]);
  clearInterval(sweep);
  clearTimeout(timer);
  server.closeAllConnections();
}
