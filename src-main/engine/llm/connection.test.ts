/**
 * The connection test, the capability probe and what is remembered per endpoint, through the api,
 * against the scripted server answering like llama-server (its behaviours in src-main/testing/llm-server/).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type RecordedRequest, responseFormatUnsupported, toolsNeedJinja } from '../../testing/llm-server';
import { type Harness, startHarness } from '../testing/harness';
import { TEST_TIMEOUT_MS } from './connection';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('llm.test: a tiny request, one attempt, a look at the answer', () => {
  it('asks for a few tokens at temperature 0, without tools or schema, and checks the reply', async () => {
    h = await startHarness({ llm: { plannerMode: 'auto' } });
    h.llm.enqueue({ content: 'ok', model: 'served-model' });
    expect(await h.engine.call('llm.test', {})).toEqual({ ok: true, latencyMs: expect.any(Number), model: 'served-model', error: null, warning: null });
    const body = h.llm.requests[0]!.body;
    expect(body).toMatchObject({ max_tokens: 8, temperature: 0 });
    expect(body.tools).toBeUndefined();
    expect(body.response_format).toBeUndefined();
  });

  it('a model that answers gibberish: connected, with a warning in plain words; nothing is learnt', async () => {
    h = await startHarness();
    h.llm.enqueue({ content: 'Tensor果断 wool_destroy Patty', finishReason: 'length' });
    expect(await h.engine.call('llm.test', {})).toMatchObject({ ok: true, error: null, warning: expect.stringMatching(/did not answer as asked \(it said “Tensor果断 wool_destroy Patty”\): it may be too weak/) });
    expect((await h.engine.call('settings.get', {})).capabilities).toEqual({});
  });

  it('one attempt only: a 500 or a 503 is reported at once, with the reason', async () => {
    h = await startHarness();
    h.llm.enqueue({ status: 503 }, { content: 'ok' });
    expect(await h.engine.call('llm.test', {})).toMatchObject({ ok: false, warning: null, error: expect.stringMatching(/answered 503/) });
    expect(h.llm.requests).toHaveLength(1);
    expect((await h.engine.call('runner.status', {})).llm.lastError).toMatch(/answered 503/);
  });

  it(`its deadline is short (${TEST_TIMEOUT_MS / 1000} s at most): a slow endpoint cannot keep the test, or the server, busy`, async () => {
    let timeouts: number[] = [];
    h = await startHarness({ llm: { timeoutMs: 120_000 }, llmDeps: { timer: (ms) => (timeouts.push(ms), { signal: new AbortController().signal, clear: () => undefined }) } });
    await h.engine.call('llm.test', {});
    expect(timeouts).toEqual([TEST_TIMEOUT_MS]);
    timeouts = [];
    await h.engine.call('settings.update', { llm: { timeoutMs: 5_000 } });
    await h.engine.call('llm.test', {});
    expect(timeouts).toEqual([5_000]);
  });

  it('refused: the error in words', async () => {
    h = await startHarness();
    h.llm.enqueue({ status: 401 });
    expect(await h.engine.call('llm.test', {})).toMatchObject({ ok: false, model: null, error: expect.stringMatching(/answered 401.*API key/) });
  });
});

describe('llm.probe: what the endpoint supports, asked explicitly and remembered', () => {
  const statusOk = (r: RecordedRequest) => ({ content: r.body.tools ? 'I would rather chat.' : '{"status": "ok"}' });

  it('llama-server without --jinja, refusing response_format: tools and response_format no, json_schema and grammar yes', async () => {
    h = await startHarness();
    h.llm.use(toolsNeedJinja(), responseFormatUnsupported());
    h.llm.setDefault(statusOk);
    const probe = await h.engine.call('llm.probe', {});
    expect(probe.checks).toEqual([
      { feature: 'tools', ok: false, note: 'The endpoint refused tool calling (it answered 500: "tools param requires --jinja flag").' },
      { feature: 'responseFormat', ok: false, note: expect.stringMatching(/refused structured output with a JSON schema \(it answered 400: "Failed to initialize samplers/) },
      { feature: 'jsonSchema', ok: true, note: expect.stringMatching(/took llama.cpp's JSON schema option/) },
      { feature: 'grammar', ok: true, note: expect.stringMatching(/took a llama.cpp grammar/) },
    ]);
    expect(h.llm.requests.every((r) => r.body.max_tokens <= 48 && r.body.temperature === 0)).toBe(true);
    const { capabilities } = await h.engine.call('settings.get', {});
    expect(capabilities).toMatchObject({ tools: { ok: false }, responseFormat: { ok: false }, jsonSchema: { ok: true }, grammar: { ok: true } });
    expect((await h.engine.call('runner.status', {})).llm.capabilities).toEqual(capabilities);
  });

  it('a model that answers text when asked to call a tool: tool calling does not work', async () => {
    h = await startHarness();
    h.llm.setDefault(statusOk);
    expect((await h.engine.call('llm.probe', {})).checks[0]).toEqual({ feature: 'tools', ok: false, note: 'Asked to call a tool, the model answered in plain text (probe).' });
  });

  it('a failure that says nothing about the feature teaches nothing', async () => {
    h = await startHarness();
    h.llm.setDefault({ status: 503 });
    const probe = await h.engine.call('llm.probe', {});
    expect(probe.checks.every((c) => c.ok === null)).toBe(true);
    expect(probe.capabilities).toEqual({});
  });

  it('what was learnt can be forgotten (Settings → reset), for the configured endpoint only', async () => {
    h = await startHarness();
    h.llm.use(toolsNeedJinja());
    h.llm.setDefault(statusOk);
    await h.engine.call('llm.probe', {});
    await h.engine.call('settings.update', { llm: { model: 'other-model' } });
    expect((await h.engine.call('settings.get', {})).capabilities).toEqual({});
    await h.engine.call('settings.update', { llm: { model: 'test-model' } });
    expect((await h.engine.call('settings.get', {})).capabilities.tools).toMatchObject({ ok: false });
    expect(await h.engine.call('llm.resetCapabilities', {})).toEqual({ capabilities: {} });
    expect((await h.engine.call('settings.get', {})).capabilities).toEqual({});
  });
});

describe('max tokens and timeout belong to an endpoint', () => {
  it('switching endpoints brings back the values last used with each one', async () => {
    h = await startHarness();
    await h.engine.call('settings.update', { llm: { maxTokens: 1024, timeoutMs: 30_000 } });
    await h.engine.call('settings.update', { llm: { baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen2.5', maxTokens: 8192, timeoutMs: 300_000 } });
    await h.engine.call('settings.update', { llm: { baseUrl: h.llm.url, model: 'test-model' } });
    expect((await h.engine.call('settings.get', {})).llm).toMatchObject({ maxTokens: 1024, timeoutMs: 30_000 });
    await h.engine.call('settings.update', { llm: { baseUrl: 'http://127.0.0.1:8080/v1/', model: 'qwen2.5' } });
    expect((await h.engine.call('settings.get', {})).llm).toMatchObject({ maxTokens: 8192, timeoutMs: 300_000 });
    // set in the same change: that wins
    await h.engine.call('settings.update', { llm: { baseUrl: h.llm.url, model: 'test-model', maxTokens: 2048 } });
    expect((await h.engine.call('settings.get', {})).llm).toMatchObject({ maxTokens: 2048, timeoutMs: 30_000 });
  });
});
