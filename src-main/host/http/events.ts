/**
 * `GET /api/events`: the engine's events as server-sent events. A new stream starts with the
 * runner's status; comment lines keep idle proxies and NATs from closing it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../../../src-shared/api-errors';
import type { Engine } from '../../engine';
import { UNAUTHORIZED_MESSAGE, type AuthGate } from './auth';
import { checkSameOrigin } from './csrf';
import { SECURITY_HEADERS, sendError } from './respond';
import type { Timers } from '../../timers';

export const HEARTBEAT_MS = 15_000;
/** How soon a browser reconnects a dropped stream. */
const RETRY_MS = 2_000;

function frame(event: string, payload: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export interface EventStreams {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Ends every open stream and stops listening to the engine. */
  close(): void;
}

export function createEventStreams(engine: Engine, auth: AuthGate, heartbeatMs: number, timers: Timers): EventStreams {
  const clients = new Set<ServerResponse>();
  const send = (text: string) => {
    for (const client of clients) if (client.writable) client.write(text);
  };
  const unsubscribe = engine.on((event, payload) => send(frame(event, payload)));
  const heartbeat = timers.setInterval(() => send(': heartbeat\n\n'), heartbeatMs);
  heartbeat.unref?.();

  return {
    async handle(req, res) {
      if (req.method !== 'GET') {
        res.setHeader('allow', 'GET');
        sendError(res, new ApiError('METHOD_NOT_ALLOWED', 'Use GET for /api/events.'));
        return;
      }
      // the UI's EventSource comes with the session cookie; API clients send the bearer header
      const via = await auth.check(req);
      if (via === null) {
        sendError(res, new ApiError('UNAUTHORIZED', UNAUTHORIZED_MESSAGE));
        return;
      }
      if (via === 'cookie') checkSameOrigin(req, { changes: false });
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
