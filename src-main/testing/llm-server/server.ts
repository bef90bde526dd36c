/**
 * The scripted OpenAI-compatible server: a real HTTP server on loopback that answers
 * POST /v1/chat/completions from a queue of scripted replies (see ./index.ts for the tour).
 * Only erasable TypeScript syntax (see ./index.ts).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { realTimers, sleepOn } from '../../timers.ts';
import { DEFAULT_EMPTY_PLAN } from './plans.ts';
import type { ErrorReply, ModelsReply, QueuedReply, RecordedRequest, ScriptedLlm, ScriptedLlmOptions, ScriptedReply, ServerBehaviour } from './types.ts';
import { completionFor, completionJson, errorBody, modelsJson, streamEvents } from './wire.ts';

const MAX_BODY = 20 * 1024 * 1024;

function isErrorReply(r: ScriptedReply): r is ErrorReply {
  return typeof (r as ErrorReply).status === 'number' && !('raw' in r);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): any {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function describeReply(reply: ScriptedReply): string {
  const delay = reply.delayMs ? ` after ${reply.delayMs} ms` : '';
  if ('hang' in reply) return `hang${delay}`;
  if ('raw' in reply) return `raw ${reply.raw.length} chars${delay}`;
  if (isErrorReply(reply)) return `HTTP ${reply.status}${delay}`;
  if ('toolCalls' in reply) return `${reply.toolCalls.length} tool call(s): ${reply.toolCalls.map((c) => c.name).join(', ')}${delay}`;
  return `content ${JSON.stringify(reply.content.slice(0, 60))}${delay}`;
}

export async function startScriptedLlm(options: ScriptedLlmOptions = {}): Promise<ScriptedLlm> {
  const timers = options.timers ?? realTimers;
  const now = options.now ?? Date.now;
  const initial = {
    models: (options.models ?? ['test-model']) as ModelsReply,
    defaultReply: options.defaultReply ?? ({ content: DEFAULT_EMPTY_PLAN } as QueuedReply),
    apiKey: options.requireApiKey ?? null,
    behaviours: options.behaviours ?? [],
  };
  let queue: QueuedReply[] = [...(options.replies ?? [])];
  let defaultReply = initial.defaultReply;
  let models = initial.models;
  let apiKey: string | null = initial.apiKey;
  let behaviours: ServerBehaviour[] = [...initial.behaviours];
  let seq = 0;
  let callCounter = 0;
  let completionCounter = 0;
  let closed = false;
  const requests: RecordedRequest[] = [];
  const allRequests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  // Waiters re-check their condition whenever the records change.
  let waiters: { check: () => boolean }[] = [];
  const changed = () => {
    waiters = waiters.filter((w) => !w.check());
  };
  function waitUntil<T>(value: () => T | null, timeoutMs: number, failure: () => string): Promise<T> {
    const ready = value();
    if (ready !== null) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        check: () => {
          const v = value();
          if (v === null) return false;
          timers.clearTimeout(timer);
          resolve(v);
          return true;
        },
      };
      const timer = timers.setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`scripted LLM: ${failure()}`));
      }, timeoutMs);
      timer.unref?.();
      waiters.push(waiter);
    });
  }

  const log = (line: string) => {
    if (options.log) process.stderr.write(line + '\n');
  };
  const authorized = (req: IncomingMessage) => apiKey === null || req.headers.authorization === `Bearer ${apiKey}`;

  async function answer(res: ServerResponse, reply: ScriptedReply, recorded: RecordedRequest | null): Promise<void> {
    if (reply.delayMs && !closed) await sleepOn(timers, reply.delayMs);
    if (closed || res.destroyed) return;
    if ('hang' in reply) return;
    if ('raw' in reply) {
      res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', 'content-length': String(Buffer.byteLength(reply.raw)) });
      res.end(reply.raw);
      return;
    }
    if (isErrorReply(reply)) {
      const payload = reply.body === undefined ? errorBody(reply.status, `scripted error ${reply.status}`) : reply.body;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(reply.status, {
        'content-type': typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        'content-length': String(Buffer.byteLength(text)),
        ...(reply.headers ?? {}),
      });
      res.end(text);
      return;
    }
    const body = recorded?.body;
    let completion = completionFor(reply, body, () => `call_${++callCounter}`);
    for (const b of behaviours) if (b.shape && recorded) completion = b.shape(completion, recorded);
    const id = `chatcmpl-scripted-${++completionCounter}`;
    const created = Math.floor(now() / 1000);
    if (body?.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const events = streamEvents(completion, id, created, body?.stream_options?.include_usage === true);
      for (const event of events.slice(0, -1)) res.write(event);
      res.end(events.at(-1));
      return;
    }
    sendJson(res, 200, completionJson(completion, id, created));
  }

  /** Marks the request aborted when its client goes away before the answer is complete. */
  function watchForAbort(res: ServerResponse, recorded: RecordedRequest): void {
    res.on('close', () => {
      if (closed || res.writableFinished) return;
      recorded.aborted = true;
      log(`[scripted-llm] #${recorded.seq} aborted by the client`);
      changed();
    });
  }

  async function handleChat(req: IncomingMessage, res: ServerResponse, recorded: RecordedRequest): Promise<void> {
    const body = recorded.body;
    if (recorded.rawBody.length > 0 && body === undefined) {
      requests.push(recorded);
      changed();
      sendJson(res, 400, errorBody(400, 'We could not parse the JSON body of your request.'));
      return;
    }
    if (!authorized(req)) return sendJson(res, 401, errorBody(401, 'Incorrect API key provided.'));
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      return sendJson(res, 400, errorBody(400, 'Request body must be a JSON object.'));
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return sendJson(res, 400, errorBody(400, "'messages' must be a non-empty array."));
    }
    requests.push(recorded);
    watchForAbort(res, recorded);
    changed();
    const summary = `#${recorded.seq} chat (${body.messages.length} messages${body.tools ? `, ${body.tools.length} tools` : ''})`;
    for (const behaviour of behaviours) {
      const refusal = behaviour.intercept?.(recorded);
      if (refusal) {
        log(`[scripted-llm] ${summary} -> ${behaviour.name}: ${describeReply(refusal)}`);
        return answer(res, refusal, recorded);
      }
    }
    const next = queue.length > 0 ? queue.shift()! : defaultReply;
    const reply = typeof next === 'function' ? next(recorded) : next;
    log(`[scripted-llm] ${summary} -> ${describeReply(reply)}`);
    await answer(res, reply, recorded);
  }

  async function handleModels(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!authorized(req)) return sendJson(res, 401, errorBody(401, 'Incorrect API key provided.'));
    if (Array.isArray(models)) return sendJson(res, 200, modelsJson(models));
    await answer(res, models, null);
  }

  /** Scripting over HTTP, for a server in another process (the CLI). */
  function handleControl(res: ServerResponse, path: string, method: string, body: any): void {
    if (method === 'POST' && path === '/__control/enqueue') {
      queue.push(...((Array.isArray(body) ? body : [body]) as ScriptedReply[]));
      sendJson(res, 200, { pending: queue.length });
    } else if (method === 'POST' && path === '/__control/default') {
      defaultReply = body as ScriptedReply;
      sendJson(res, 200, { ok: true });
    } else if (method === 'POST' && path === '/__control/reset') {
      api.reset();
      sendJson(res, 200, { ok: true });
    } else if (method === 'GET' && path === '/__control/requests') {
      sendJson(res, 200, { requests, pending: queue.length });
    } else {
      sendJson(res, 404, errorBody(404, `unknown control ${method} ${path}`));
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      if (!res.headersSent) sendJson(res, 413, errorBody(413, 'Request body too large.'));
      return;
    }
    const body = parseJson(rawBody);
    if (path.startsWith('/__control/')) return handleControl(res, path, method, body);
    const recorded: RecordedRequest = { seq: ++seq, at: now(), method, path, headers: req.headers, body, rawBody, aborted: false };
    allRequests.push(recorded);
    const route = path.replace(/\/+$/, '');
    if (method === 'POST' && route === '/v1/chat/completions') return handleChat(req, res, recorded);
    if (method === 'GET' && route === '/v1/models') return handleModels(req, res);
    log(`[scripted-llm] #${recorded.seq} ${method} ${path} -> 404`);
    sendJson(res, 404, errorBody(404, `Unknown request URL: ${method} ${path}`));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, `scripted server failed: ${String(err)}`));
      else res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('scripted LLM: no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const api: ScriptedLlm = {
    url: `http://${urlHost}:${address.port}/v1`,
    port: address.port,
    requests,
    allRequests,
    get pending() {
      return queue.length;
    },
    enqueue(...replies) {
      queue.push(...replies);
    },
    setDefault(reply) {
      defaultReply = reply;
    },
    setModels(next) {
      models = next;
    },
    requireApiKey(key) {
      apiKey = key;
    },
    use(...added) {
      behaviours.push(...added);
    },
    waitForRequests(count, timeoutMs = 10_000) {
      return waitUntil(
        () => (requests.length >= count ? requests.slice() : null),
        timeoutMs,
        () => `expected ${count} chat request(s) within ${timeoutMs} ms, got ${requests.length}`,
      );
    },
    waitForAborted(count, timeoutMs = 10_000) {
      const aborted = () => requests.filter((r) => r.aborted);
      return waitUntil(
        () => (aborted().length >= count ? aborted() : null),
        timeoutMs,
        () => `expected ${count} aborted chat request(s) within ${timeoutMs} ms, got ${aborted().length}`,
      );
    },
    reset() {
      queue = [];
      requests.length = 0;
      allRequests.length = 0;
      defaultReply = initial.defaultReply;
      models = initial.models;
      apiKey = initial.apiKey;
      behaviours = [...initial.behaviours];
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      });
    },
  };
  return api;
}
