/**
 * The headless host's server. Every request goes through one guarded path: a request id, the
 * request target parsed strictly (./request-target: 400 for what does not parse), the Host header
 * checked (./host-check: DNS rebinding), then the first matching route. Whatever a route throws
 * is answered with the api's error body — an unexpected error is logged with the request id and
 * answered 500 — and the process keeps serving. Requests Node's parser refuses, and CONNECT, get the
 * same error body straight on the socket. Shutdown lets answers in flight finish.
 *
 * Routes are a table: exact paths, or prefixes ending in `/`, first match wins. Extra routes
 * (`options.routes`) are tried before the built-in ones.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { isApiErrorLike } from '../../../src-shared/api-errors';
import { EVENTS_PATH, SESSION_PATH } from '../../../src-shared/http-host';
import type { Engine } from '../../engine';
import { createApiHandler } from './api';
import { createAuthGate } from './auth';
import { createEventStreams, HEARTBEAT_MS, type EventStreams } from './events';
import { createHealthHandler, HEALTH_PATH } from './health';
import { createHostCheck, type HostCheck } from './host-check';
import { parseRequestTarget, type RequestTarget } from './request-target';
import { endSocketWithError, sendError } from './respond';
import { createSessionHandler, type SignInHint } from './session';
import { createStaticHandler } from './static';
import { realTimers, sleepOn, type TimerHandle, type Timers } from '../../timers';

/** How close() lets in-flight requests finish before it cuts their connections. */
export const CLOSE_GRACE_MS = 5_000;
/** How often close() looks for connections that went idle (they are closed then). */
const IDLE_SWEEP_MS = 25;

/** Where the host reports what went wrong: unexpected errors in requests, server errors. Never throws back. */
export type HostLog = (message: string, details?: { error?: unknown; requestId?: string }) => void;

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  target: RequestTarget;
  requestId: string;
}

export interface Route {
  /** an exact path (`/health`), or a prefix ending in `/` (`/sync/`) */
  path: string;
  /**
   * Served whatever the Host header names. Only for routes that authenticate every request with a
   * bearer token and never with the session cookie (the sync protocol, /health): a DNS-rebinding
   * page gains nothing there, and devices reach a home server by names the host cannot know.
   */
  anyHost?: boolean;
  handle(context: RequestContext): void | Promise<void>;
}

export interface HttpHostOptions {
  engine: Engine;
  token: string;
  host: string;
  port: number;
  rendererDir: string | null;
  log?: HostLog;
  /** names this host also answers to (`--allowed-host`), on any port; see ./host-check */
  allowedHosts?: readonly string[];
  /** how a person gets a fresh URL, shown by a tab that lost access (default: no command known) */
  signIn?: (port: number) => SignInHint;
  /** routes tried before the built-in ones */
  routes?: readonly Route[];
  /** default HEARTBEAT_MS */
  heartbeatMs?: number;
  /** the heartbeat, the delay of wrong tokens and close()'s grace period run on these (default: real ones) */
  timers?: Timers;
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

function matches(route: Route, path: string): boolean {
  return route.path.endsWith('/') ? path.startsWith(route.path) : path === route.path;
}

/** The host's own routes, once the port (which names the session cookie and is checked in Host) is known. */
function builtInRoutes(options: HttpHostOptions, port: number, timers: Timers): { routes: Route[]; events: EventStreams } {
  const auth = createAuthGate(options.token, port, (ms) => sleepOn(timers, ms));
  const api = createApiHandler(options.engine, auth);
  const events = createEventStreams(options.engine, auth, options.heartbeatMs ?? HEARTBEAT_MS, timers);
  const session = createSessionHandler(auth, options.signIn?.(port) ?? { command: null, tokenFromFlag: false });
  const page = createStaticHandler(options.rendererDir, auth);
  const health = createHealthHandler(options.engine);
  const routes: Route[] = [
    { path: EVENTS_PATH, handle: ({ req, res }) => events.handle(req, res) },
    { path: SESSION_PATH, handle: ({ req, res }) => session(req, res) },
    { path: HEALTH_PATH, anyHost: true, handle: ({ req, res }) => health(req, res) },
    { path: '/api/', handle: ({ req, res, target }) => api(req, res, target.path.slice('/api/'.length)) },
    { path: '/', handle: ({ req, res, target }) => page(req, res, target) },
  ];
  return { routes, events };
}

export async function startHttpHost(options: HttpHostOptions): Promise<HttpHost> {
  const timers = options.timers ?? realTimers;
  const log: HostLog = (message, details) => {
    try {
      options.log?.(message, details);
    } catch {
      // a failing logger must not turn a handled error into a crash
    }
  };
  let routes: Route[] = [];
  let hostCheck: HostCheck | null = null;
  let events: EventStreams | null = null;

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomBytes(6).toString('base64url');
    // a client that goes away mid-answer must not become an unhandled 'error' event
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    let target: RequestTarget | null = null;
    const fail = (error: unknown) => {
      const method = target?.path.startsWith('/api/') ? target.path.slice('/api/'.length) : undefined;
      if (!isApiErrorLike(error)) log(`request ${requestId} failed: ${req.method} ${target?.path ?? '(unparsed target)'}`, { error, requestId });
      try {
        if (res.headersSent) res.destroy();
        else sendError(res, error, method, requestId);
      } catch (sendFailure) {
        log(`request ${requestId}: could not send its error answer`, { error: sendFailure, requestId });
        res.destroy();
      }
    };
    try {
      res.setHeader('x-request-id', requestId);
      target = parseRequestTarget(req.url);
      if (!hostCheck) throw new Error('the host is not listening yet');
      const route = routes.find((r) => matches(r, target!.path))!;
      if (!route.anyHost) hostCheck(req.headers.host);
      Promise.resolve(route.handle({ req, res, target, requestId })).catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  // requireHostHeader off: a request without Host gets our own 400 with the error body
  const server = createServer({ requireHostHeader: false }, onRequest);
  // an `Expect` other than 100-continue: answered like any request instead of Node's bare 417
  server.on('checkExpectation', onRequest);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => undefined);
    endSocketWithError(socket, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'CONNECT is not served here.' } });
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  server.on('error', (error) => log('the HTTP server reported an error', { error }));
  const port = (server.address() as AddressInfo).port;
  hostCheck = createHostCheck({ bindHost: options.host, port, ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}) });
  const builtIn = builtInRoutes(options, port, timers);
  routes = [...(options.routes ?? []), ...builtIn.routes];
  events = builtIn.events;

  return {
    url: `http://${shownHost(options.host)}:${port}/?token=${encodeURIComponent(options.token)}`,
    port,
    server,
    async close() {
      events?.close();
      await closeServer(server, timers);
    },
  };
}

/** What Node's parser refused (a malformed request line or header, too large headers, a timeout). */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  socket.on('error', () => undefined);
  if (error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'The request headers are too large.'
      : status === 408
        ? 'The request did not arrive in time.'
        : `The request is not valid HTTP (${(error.code ?? 'parse error').replace(/^HPE_/, '').toLowerCase().replace(/_/g, ' ')}).`;
  endSocketWithError(socket, status, { error: { code: 'BAD_INPUT', message } });
}

/** The host as a browser should be pointed at it: a wildcard bind is reached on loopback; IPv6 in brackets. */
export function shownHost(host: string): string {
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
