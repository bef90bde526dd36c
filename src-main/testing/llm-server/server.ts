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
import { createRecorder } from './recorder.ts';
import { describeReply, isErrorReply, parseJson, readBody, sendCompletion, sendJson, sendScripted } from './respond.ts';
import type { ModelsReply, QueuedReply, RecordedRequest, ScriptedLlm, ScriptedLlmOptions, ScriptedReply, ServerBehaviour } from './types.ts';
import { completionFor, errorBody, modelsJson } from './wire.ts';

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
  const recorder = createRecorder(timers);
  const { requests, allRequests, changed } = recorder;
  const sockets = new Set<Socket>();

  const log = (line: string) => {
    if (options.log) process.stderr.write(line + '\n');
  };
  const authorized = (req: IncomingMessage) => apiKey === null || req.headers.authorization === `Bearer ${apiKey}`;

  async function answer(res: ServerResponse, reply: ScriptedReply, recorded: RecordedRequest | null): Promise<void> {
    if (reply.delayMs && !closed) await sleepOn(timers, reply.delayMs);
    if (closed || res.destroyed || 'hang' in reply) return;
    if ('raw' in reply || isErrorReply(reply)) return sendScripted(res, reply);
    let completion = completionFor(reply, recorded?.body, () => `call_${++callCounter}`);
    for (const b of behaviours) if (b.shape && recorded) completion = b.shape(completion, recorded);
    sendCompletion(res, completion, `chatcmpl-scripted-${++completionCounter}`, Math.floor(now() / 1000), recorded?.body);
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
    waitForRequests: (count, timeoutMs = 10_000) => recorder.waitForRequests(count, timeoutMs),
    waitForAborted: (count, timeoutMs = 10_000) => recorder.waitForAborted(count, timeoutMs),
    reset() {
      queue = [];
      recorder.clear();
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
