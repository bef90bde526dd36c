import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ScriptedLlm, startScriptedLlm } from '../../testing/llm-server';
import { PROVIDER_PRESETS } from '../../../src-shared/domain/settings';
import { startHarness } from '../testing/harness';
import { type LlmConfig, LlmClient, LlmError, MAX_ATTEMPTS, parseRetryAfter } from './client';

let llm: ScriptedLlm;
let config: LlmConfig;
let client: LlmClient;
const ask = (signal?: AbortSignal) => client.chat({ messages: [{ role: 'user', content: 'hi' }], signal });

beforeAll(async () => {
  llm = await startScriptedLlm();
});
afterAll(async () => {
  await llm.close();
});
beforeEach(() => {
  llm.reset();
  config = { baseUrl: llm.url, model: 'test-model', apiKey: 'sk-test', timeoutMs: 1_000, temperature: 0.3, maxTokens: 256 };
  client = new LlmClient(() => config, { random: () => 0.001 });
});

describe('LLM client: the OpenAI wire format and its quirks', () => {
  it('sends model, messages, temperature, max_tokens and the bearer key; reads content, usage and model', async () => {
    llm.enqueue({ content: 'hello', usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
    const r = await ask();
    expect(r).toMatchObject({ content: 'hello', usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10 }, model: 'test-model', attempts: 1 });
    expect(llm.requests[0]!.body).toMatchObject({ model: 'test-model', temperature: 0.3, max_tokens: 256, stream: false });
    expect(llm.requests[0]!.headers.authorization).toBe('Bearer sk-test');
  });

  it('reads tool calls with content: null and arguments as a JSON string', async () => {
    llm.enqueue({ toolCalls: [{ name: 'list_tasks', arguments: { filter: 'today' } }] });
    const r = await ask();
    expect(r.content).toBe('');
    expect(r.toolCalls).toEqual([{ id: expect.any(String), name: 'list_tasks', arguments: { filter: 'today' } }]);
  });

  it('tolerates arguments as an object, a missing usage and content as parts', async () => {
    llm.enqueue({
      raw: JSON.stringify({
        choices: [{ message: { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], tool_calls: [{ function: { name: 'get_note', arguments: { noteId: 'n1' } } }] } }],
      }),
    });
    const r = await ask();
    expect(r).toMatchObject({ content: 'ab', usage: null, model: null, toolCalls: [{ id: 'call_0', name: 'get_note', arguments: { noteId: 'n1' } }] });
  });

  it('says plainly when the answer is not JSON or not a chat completion', async () => {
    llm.enqueue({ raw: '{"choices": [' }, { raw: '{"object": "list"}' });
    await expect(ask()).rejects.toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/not JSON/) });
    await expect(ask()).rejects.toMatchObject({ kind: 'bad-response', message: expect.stringMatching(/choices\[0\]\.message/) });
  });
});

describe('LLM client: retries, Retry-After, timeout, cancellation', () => {
  it(`retries 5xx with back-off, at most ${MAX_ATTEMPTS} attempts, then fails with the status`, async () => {
    llm.enqueue({ status: 500 }, { status: 502 }, { status: 503 }, { content: 'never reached' });
    await expect(ask()).rejects.toMatchObject({ kind: 'http', status: 503 });
    expect(llm.requests).toHaveLength(MAX_ATTEMPTS);
  });

  it('retries 408 and 429 and succeeds; does not retry 400 or 401', async () => {
    llm.enqueue({ status: 408 }, { status: 429 }, { content: 'ok' });
    expect((await ask()).attempts).toBe(3);
    llm.reset();
    llm.enqueue({ status: 400 });
    await expect(ask()).rejects.toMatchObject({ status: 400 });
    llm.enqueue({ status: 401 });
    await expect(ask()).rejects.toThrow(/Check the API key/);
    expect(llm.requests).toHaveLength(2);
  });

  it('honours Retry-After on 429: waits that long, then succeeds', async () => {
    llm.enqueue({ status: 429, headers: { 'Retry-After': '1' } }, { content: 'after the wait' });
    const started = Date.now();
    const r = await ask();
    expect(r.content).toBe('after the wait');
    expect(llm.requests[1]!.at - llm.requests[0]!.at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('parses Retry-After as seconds or an HTTP date, capped', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000 + 3000).toUTCString(), 10_000)).toBe(3000);
    expect(parseRetryAfter('86400')).toBe(60_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('a hanging endpoint times out once (a timeout is not retried)', async () => {
    llm.enqueue({ hang: true }, { content: 'too late' });
    await expect(ask()).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/did not answer within 1 s/) });
    expect(llm.requests).toHaveLength(1);
  });

  it('cancellation aborts an in-flight call and a Retry-After wait', async () => {
    llm.enqueue({ hang: true });
    const controller = new AbortController();
    const pending = ask(controller.signal);
    await llm.waitForRequests(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });

    llm.enqueue({ status: 429, headers: { 'Retry-After': '30' } });
    const second = new AbortController();
    const waiting = ask(second.signal);
    await llm.waitForRequests(2);
    setTimeout(() => second.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('an unreachable endpoint is retried, then named with a hint', async () => {
    config = { ...config, baseUrl: 'http://127.0.0.1:9/v1' };
    const error = (await ask().catch((e: unknown) => e)) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error.kind).toBe('unreachable');
    expect(error.message).toMatch(/Is the server running/);
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

describe('llm.test and llm.models through the api', () => {
  it('reports latency and model, or the error in words', async () => {
    const h = await startHarness({ scripted: llm });
    try {
      llm.enqueue({ content: 'ok', model: 'served-model' }, { status: 401 });
      expect(await h.engine.call('llm.test', {})).toEqual({ ok: true, latencyMs: expect.any(Number), model: 'served-model', error: null });
      expect(await h.engine.call('llm.test', {})).toMatchObject({ ok: false, model: null, error: expect.stringMatching(/answered 401.*API key/) });
      llm.setModels(['a', 'b']);
      expect(await h.engine.call('llm.models', {})).toEqual({ models: ['a', 'b'], error: null });
      llm.setModels({ status: 404 });
      expect(await h.engine.call('llm.models', {})).toMatchObject({ models: [], error: expect.stringMatching(/answered 404.*base URL/) });
    } finally {
      await h.close();
    }
  });
});
