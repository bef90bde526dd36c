/**
 * The LLM client against the scripted OpenAI-compatible server (a real HTTP server on loopback).
 * Deterministic: the clock, the back-off sleep and each attempt's timer are injected, so nothing
 * here waits on the wall clock or measures it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JINJA_REQUIRED, PEG_PARSE_FAILED, SAMPLERS_FAILED, type ScriptedLlm, llamaCppError, startScriptedLlm } from '../../testing/llm-server';
import { PROVIDER_PRESETS } from '../../../src-shared/domain/settings';
import { startHarness } from '../testing/harness';
import { type AttemptTimer, type LlmConfig, LlmClient, LlmError, type LlmLogEntry, MAX_ATTEMPTS, parseRetryAfter } from './client';
import { SLOW_FAILURE_MS } from './retry';
import { nodeFetch } from './transport';
import { createServer } from 'node:http';

let llm: ScriptedLlm;
let config: LlmConfig;
let client: LlmClient;
/** the injected clock (ms), moved by the tests and by the scripted server's "latency" */
let now: number;
let sleeps: number[];
let timers: { ms: number; fire(): void }[];
let logs: LlmLogEntry[];
/** added to the clock while a request is in flight: how long the server "took" */
let serverTakesMs: number;

const ask = (extra: Partial<Parameters<LlmClient['chat']>[0]> = {}) => client.chat({ messages: [{ role: 'user', content: 'hi' }], ...extra });

function manualTimer(ms: number): AttemptTimer {
  const controller = new AbortController();
  timers.push({ ms, fire: () => controller.abort() });
  return { signal: controller.signal, clear: () => undefined };
}

function makeClient(): LlmClient {
  return new LlmClient(() => config, {
    random: () => 0.5,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new LlmError('aborted', 'The LLM call was cancelled.');
      sleeps.push(ms);
      now += ms;
    },
    timer: manualTimer,
    log: (entry) => logs.push(entry),
    // the server's time passes on the injected clock, not the wall clock
    fetch: async (url, init) => {
      const response = await nodeFetch(url, init);
      now += serverTakesMs;
      return response;
    },
  });
}

beforeAll(async () => {
  llm = await startScriptedLlm();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => {
  llm.reset();
  now = Date.parse('2026-11-20T09:00:00Z');
  sleeps = [];
  timers = [];
  logs = [];
  serverTakesMs = 20;
  config = { baseUrl: llm.url, model: 'test-model', apiKey: 'sk-test', timeoutMs: 30_000, temperature: 0.3, maxTokens: 256 };
  client = makeClient();
});

describe('LLM client: the OpenAI wire format and its quirks', () => {
  it('sends model, messages, temperature, max_tokens and the bearer key; reads content, usage and model', async () => {
    llm.enqueue({ content: 'hello', usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
    const r = await ask();
    expect(r).toMatchObject({ content: 'hello', usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 }, model: 'test-model', finishReason: 'stop', latencyMs: 20 });
    expect(r.attempts).toEqual([{ status: 200, outcome: 'ok', latencyMs: 20, usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 }, estimated: false, finishReason: 'stop' }]);
    expect(llm.requests[0]!.body).toMatchObject({ model: 'test-model', temperature: 0.3, max_tokens: 256, stream: true, stream_options: { include_usage: true } });
    expect(llm.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('sends llama.cpp fields and per-call overrides: json_schema, grammar, max_tokens, temperature', async () => {
    await ask({ jsonSchema: { type: 'object' }, grammar: 'root ::= "{}"', maxTokens: 8, temperature: 0 });
    expect(llm.requests[0]!.body).toMatchObject({ json_schema: { type: 'object' }, grammar: 'root ::= "{}"', max_tokens: 8, temperature: 0 });
    expect(llm.requests[0]!.body.response_format).toBeUndefined();
  });

  it('assembles a streamed answer: content pieces, tool-call deltas, finish reason and the final usage chunk', async () => {
    llm.enqueue({
      raw: [
        { choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }], model: 'm' },
        { choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'c1', type: 'function', function: { name: 'create_', arguments: '{"title":' } }] }, finish_reason: null }] },
        { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { name: 'task', arguments: '"x"}' } }] }, finish_reason: 'tool_calls' }] },
        { choices: [], usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } },
      ]
        .map((c) => `data: ${JSON.stringify(c)}\n\n`)
        .join('') + 'data: [DONE]\n\n',
      contentType: 'text/event-stream',
    });
    const r = await ask();
    expect(r).toMatchObject({ content: 'Hello', model: 'm', finishReason: 'tool_calls', usage: { totalTokens: 11 }, toolCalls: [{ id: 'c1', name: 'create_task', arguments: { title: 'x' } }] });
    expect(r.attempts[0]).toMatchObject({ estimated: false, status: 200 });
  });

  it('an error event in the middle of a stream (llama.cpp failing to parse its model) is an HTTP error', async () => {
    llm.enqueue({ raw: `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'garb' } }] })}\n\ndata: ${JSON.stringify({ error: { code: 500, message: PEG_PARSE_FAILED, type: 'server_error' } })}\n\n`, contentType: 'text/event-stream' });
    await expect(ask({ maxAttempts: 1 })).rejects.toMatchObject({ kind: 'http', status: 500, detail: PEG_PARSE_FAILED });
  });

  it('reads tool calls with content: null and arguments as a JSON string', async () => {
    llm.enqueue({ toolCalls: [{ name: 'list_tasks', arguments: { filter: 'today' } }] });
    const r = await ask();
    expect(r.content).toBe('');
    expect(r.toolCalls).toEqual([{ id: expect.any(String), name: 'list_tasks', arguments: { filter: 'today' } }]);
  });

  it('tolerates arguments as an object, a missing usage (estimated, and marked so) and content as parts', async () => {
    llm.enqueue({
      raw: JSON.stringify({
        choices: [{ message: { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], tool_calls: [{ function: { name: 'get_note', arguments: { noteId: 'n1' } } }] } }],
      }),
    });
    const r = await ask();
    expect(r).toMatchObject({ content: 'ab', usage: null, model: null, toolCalls: [{ id: 'call_0', name: 'get_note', arguments: { noteId: 'n1' } }] });
    expect(r.attempts[0]).toMatchObject({ estimated: true, usage: { promptTokens: expect.any(Number), completionTokens: expect.any(Number) } });
    expect(r.attempts[0]!.usage.promptTokens).toBeGreaterThan(0);
  });

  it('reports finish_reason "length" (an answer cut at max_tokens) as it came', async () => {
    llm.enqueue({ content: '{"summary": "cut he', finishReason: 'length' });
    expect((await ask()).finishReason).toBe('length');
  });

  it('says plainly when the answer is not JSON or not a chat completion', async () => {
    llm.enqueue({ raw: '{"choices": [' }, { raw: '{"object": "list"}' });
    await expect(ask()).rejects.toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/not JSON/) });
    await expect(ask()).rejects.toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/choices\[0\]\.message/) });
  });
});

describe('LLM client: which failures are retried', () => {
  it(`retries 502/503 with back-off, at most ${MAX_ATTEMPTS} attempts, each one accounted`, async () => {
    llm.enqueue({ status: 502 }, { status: 503 }, { status: 503 }, { content: 'never reached' });
    const error = (await ask().catch((e: unknown) => e)) as LlmError;
    expect(error).toMatchObject({ kind: 'http', status: 503 });
    expect(llm.requests).toHaveLength(MAX_ATTEMPTS);
    expect(sleeps).toHaveLength(2);
    expect(error.attempts.map((a) => [a.status, a.outcome])).toEqual([
      [502, 'http-error'],
      [503, 'http-error'],
      [503, 'http-error'],
    ]);
    // the server read the prompt each time: estimated prompt tokens, nothing generated
    for (const a of error.attempts) expect(a).toMatchObject({ latencyMs: 20, estimated: true, usage: { completionTokens: 0, promptTokens: expect.any(Number) } });
  });

  it('retries 408 and 429 and succeeds; never 400, 401 or 404', async () => {
    llm.enqueue({ status: 408 }, { status: 429 }, { content: 'ok' });
    expect((await ask()).attempts.map((a) => a.status)).toEqual([408, 429, 200]);
    llm.reset();
    for (const status of [400, 401, 404]) {
      llm.enqueue({ status });
      await expect(ask()).rejects.toMatchObject({ status });
    }
    expect(llm.requests).toHaveLength(3);
  });

  it('a fast 500 is retried; a 500 that came after a long generation is not', async () => {
    llm.enqueue({ status: 500 }, { content: 'second time lucky' });
    expect((await ask()).content).toBe('second time lucky');
    llm.reset();
    serverTakesMs = SLOW_FAILURE_MS + 1;
    llm.enqueue(llamaCppError(500, PEG_PARSE_FAILED), { content: 'not asked' });
    await expect(ask()).rejects.toMatchObject({ status: 500, detail: PEG_PARSE_FAILED });
    expect(llm.requests).toHaveLength(1);
  });

  it('a failure that took long is not retried (it would take as long again), but for a 429', async () => {
    serverTakesMs = SLOW_FAILURE_MS;
    llm.enqueue({ status: 504 }, { content: 'not asked' });
    await expect(ask()).rejects.toMatchObject({ status: 504 });
    expect(llm.requests).toHaveLength(1);
    llm.reset();
    llm.enqueue({ status: 429 }, { content: 'asked again' });
    expect((await ask()).content).toBe('asked again');
  });

  it('a connection dropped in the middle of the answer is said so, and not retried', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'half an ans' } }] })}\n\n`, () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      config = { ...config, baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1` };
      const error = (await ask().catch((e: unknown) => e)) as LlmError;
      expect(error).toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/closed the connection in the middle of its answer/) });
      expect(error.attempts).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('an answer saying a feature is unsupported is never retried, whatever its status', async () => {
    llm.enqueue(llamaCppError(500, JINJA_REQUIRED), llamaCppError(400, SAMPLERS_FAILED));
    await expect(ask({ tools: [{}] })).rejects.toMatchObject({ status: 500, detail: JINJA_REQUIRED });
    await expect(ask({ grammar: 'x' })).rejects.toMatchObject({ status: 400, detail: SAMPLERS_FAILED });
    expect(llm.requests).toHaveLength(2);
  });

  it('honours Retry-After (waits exactly that long on the injected clock), then succeeds', async () => {
    llm.enqueue({ status: 429, headers: { 'Retry-After': '2' } }, { content: 'after the wait' });
    const r = await ask();
    expect(r.content).toBe('after the wait');
    expect(sleeps).toEqual([2000]);
  });

  it('parses Retry-After as seconds or an HTTP date, capped', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(new Date(10_000 + 3000).toUTCString(), 10_000)).toBe(3000);
    expect(parseRetryAfter('86400', 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('never waits or tries past the deadline: a wait longer than the time left ends the call', async () => {
    llm.enqueue({ status: 429, headers: { 'Retry-After': '30' } }, { content: 'too late' });
    await expect(ask({ deadline: now + 10_000 })).rejects.toMatchObject({ status: 429 });
    expect(sleeps).toEqual([]);
    expect(llm.requests).toHaveLength(1);
  });

  it("an attempt's timeout is the configured one, or the time left before the deadline if that is shorter", async () => {
    await ask();
    await ask({ deadline: now + 4_000 });
    expect(timers.map((t) => t.ms)).toEqual([30_000, 4_000]);
    await expect(ask({ deadline: now })).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/used up its time/) });
  });
});

describe('LLM client: giving up closes the connection', () => {
  it('a timeout aborts the request (the server sees the connection close) and is not retried', async () => {
    llm.enqueue({ hang: true }, { content: 'too late' });
    const pending = ask().catch((e: unknown) => e);
    const [request] = await llm.waitForRequests(1);
    timers[0]!.fire();
    expect(await pending).toMatchObject({ kind: 'timeout', message: expect.stringMatching(/did not answer within 30 s/) });
    expect(await llm.waitForAborted(1)).toEqual([request]);
    expect(llm.requests).toHaveLength(1);
  });

  it('cancellation aborts an in-flight call (the server sees it) and a back-off wait', async () => {
    llm.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = ask({ signal: controller.signal }).catch((e: unknown) => e);
    const [request] = await llm.waitForRequests(1);
    controller.abort();
    expect(await pending).toMatchObject({ kind: 'aborted' });
    expect(await llm.waitForAborted(1)).toEqual([request]);

    llm.enqueue({ status: 503 });
    const second = new AbortController();
    let waiting!: () => void;
    const waitBegan = new Promise<void>((resolve) => (waiting = resolve));
    client = new LlmClient(() => config, {
      now: () => now,
      timer: manualTimer,
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new LlmError('aborted', 'The LLM call was cancelled.')), { once: true });
          waiting();
        }),
    });
    const backingOff = ask({ signal: second.signal }).catch((e: unknown) => e);
    await waitBegan;
    second.abort();
    expect(await backingOff).toMatchObject({ kind: 'aborted' });
    expect(llm.requests).toHaveLength(2);
  });

  it('an unreachable endpoint is retried, then named with a hint; nothing reached it, so no tokens', async () => {
    config = { ...config, baseUrl: 'http://127.0.0.1:9/v1' };
    const error = (await ask().catch((e: unknown) => e)) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/Is the server running/);
    expect(error.attempts).toHaveLength(MAX_ATTEMPTS);
    expect(error.attempts.every((a) => a.outcome === 'unreachable' && a.usage.totalTokens === 0)).toBe(true);
  });
});

describe('LLM client: every failed call is logged', () => {
  it('at warn level with the endpoint, status, duration and a short reason', async () => {
    llm.enqueue(llamaCppError(500, JINJA_REQUIRED));
    await expect(ask({ tools: [{}] })).rejects.toBeInstanceOf(LlmError);
    expect(logs).toEqual([
      {
        level: 'warn',
        msg: expect.stringMatching(/^LLM call failed \(HTTP 500: tools param requires --jinja flag; http:\/\/127\.0\.0\.1:\d+\/v1, 20 ms\)$/),
        endpoint: llm.url,
        model: 'test-model',
        status: 500,
        durationMs: 20,
        reason: 'HTTP 500: tools param requires --jinja flag',
      },
    ]);
  });

  it('never with a secret: not the API key, not credentials written into the base URL', async () => {
    // credentials in the base URL (a proxy with basic auth) are used, never shown
    config = { ...config, baseUrl: llm.url.replace('http://', 'http://user:pa55word@') };
    llm.enqueue({ status: 500 });
    const error = (await ask({ maxAttempts: 1 }).catch((e: unknown) => e)) as LlmError;
    expect(llm.requests[0]!.headers.authorization).toBe('Bearer sk-test');
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'warn', endpoint: llm.url });
    expect(JSON.stringify(logs) + error.message).not.toMatch(/pa55word|sk-test/);
  });

  it('a success logs nothing; a cancel is logged at info, not as a failure', async () => {
    await ask();
    expect(logs).toEqual([]);
    llm.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = ask({ signal: controller.signal }).catch(() => undefined);
    await llm.waitForRequests(2);
    controller.abort();
    await pending;
    expect(logs.map((l) => l.level)).toEqual(['info']);
  });
});

describe('LLM client: models and presets', () => {
  it('lists /models', async () => {
    llm.setModels(['llama-3.1-8b', 'qwen2.5-7b']);
    expect(await client.models()).toEqual(['llama-3.1-8b', 'qwen2.5-7b']);
  });

  it('has base-URL presets for the common OpenAI-compatible servers', () => {
    expect(PROVIDER_PRESETS.map((p) => p.id)).toEqual(['openai', 'openrouter', 'ollama', 'lmstudio', 'llamacpp', 'vllm']);
    for (const p of PROVIDER_PRESETS) expect(() => new URL(p.baseUrl)).not.toThrow();
  });
});

describe('llm.models through the api', () => {
  it('reports the models, or the error in words', async () => {
    const h = await startHarness({ scripted: llm });
    try {
      llm.setModels(['a', 'b']);
      expect(await h.engine.call('llm.models', {})).toEqual({ models: ['a', 'b'], error: null });
      llm.setModels({ status: 404 });
      expect(await h.engine.call('llm.models', {})).toMatchObject({ models: [], error: expect.stringMatching(/answered 404.*base URL/) });
    } finally {
      await h.close();
    }
  });
});
