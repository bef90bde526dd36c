/**
 * `GET /api/events`: the engine's events as server-sent events. A new stream starts with the
 * runner's status; comment lines keep idle proxies and NATs from closing it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../../src-shared/api-errors';
import type { Engine } from '../../engine';
import type { AuthGate } from './auth';
import { SECURITY_HEADERS, sendError } from './respond';
import type { Timers } from '../../timers';

export const HEARTBEAT_MS = 15_000;
/** How soon a browser reconnects a dropped stream. */
const RETRY_MS = 2_000;

function frame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export interface EventStreams {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Ends every open stream and stops listening to the engine. */
  close(): void;
}

export function createEventStreams(engine: Engine, auth: AuthGate, heartbeatMs: number, timers: Timers): EventStreams {
  const clients = new Set<ServerResponse>();
  const unsubscribe = engine.on((event, payload) => {
    const text = frame(event, payload);
    for (const client of clients) client.write(text);
  });
  const heartbeat = timers.setInterval(() => {
    for (const client of clients) client.write(': heartbeat\n\n');
  }, heartbeatMs);
  heartbeat.unref?.();

  return {
    async handle(req, res, url) {
      // EventSource cannot set headers: the token may come in the query
      if (!(await auth.allows(req, url, { query: true }))) {
        sendError(res, new ApiError('UNAUTHORIZED', 'Missing or wrong access token.'));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS });
      res.write(`retry: ${RETRY_MS}\n\n`);
      res.write(frame('runner.status', engine.runner.status()));
      clients.add(res);
      req.on('close', () => clients.delete(res));
    },
    close() {
      timers.clearInterval(heartbeat);
      unsubscribe();
      for (const client of clients) client.end();
      clients.clear();
    },
  };
}
