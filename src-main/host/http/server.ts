/**
 * The headless host's server: routes each request to its concern (./api, ./events, ./static, all
 * behind ./auth), answers what they throw with the api's error body, and shuts down without
 * dropping answers in flight.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isApiErrorLike } from '../../../src-shared/api-errors';
import type { Engine } from '../../engine';
import { createApiHandler } from './api';
import { createAuthGate } from './auth';
import { createEventStreams, HEARTBEAT_MS } from './events';
import { sendError } from './respond';
import { createStaticHandler } from './static';
import { realTimers, sleepOn, type TimerHandle, type Timers } from '../../timers';

/** How long close() lets in-flight requests finish before it cuts their connections. */
export const CLOSE_GRACE_MS = 5_000;
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
  /** the heartbeat, the delay of wrong tokens and close()'s grace period run on these (default: real ones) */
  timers?: Timers;
  /** `serve --sync`: /sync/… and /health go to the sync server (its own auth, device tokens): src-main/server */
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

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const { engine, token } = options;
  const log = options.log ?? (() => undefined);
  const timers = options.timers ?? realTimers;
  const auth = createAuthGate(token, (ms) => sleepOn(timers, ms));
  const api = createApiHandler(engine, auth);
  const events = createEventStreams(engine, auth, options.heartbeatMs ?? HEARTBEAT_MS, timers);
  const page = createStaticHandler(options.rendererDir);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (options.sync?.handles(url.pathname)) return options.sync.handle(req, res);
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
      options.sync?.close();
      await closeServer(server, timers);
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
async function closeServer(server: Server, timers: Timers): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const sweep = timers.setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  let timer: TimerHandle | undefined;
  const grace = new Promise<void>((resolve) => {
    timer = timers.setTimeout(resolve, CLOSE_GRACE_MS);
  });
  await Promise.race([closed, grace]);
  timers.clearInterval(sweep);
  timers.clearTimeout(timer);
  server.closeAllConnections();
}
