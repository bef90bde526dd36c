/**
 * Honest outcomes with self-hosted servers, against the scripted OpenAI-compatible server answering
 * the way a real llama-server does (its behaviours in src-main/testing/llm-server/behaviours.ts): auto mode learns and remembers
 * the fallback, a cut-off answer is its own failure, a reply that is not a plan never becomes
 * "done", failed runs do not leak into later prompts, every attempt is counted and charged, and
 * failed calls are in companion.log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFile } from '../../shell/log-file';
import { JINJA_REQUIRED, honourMaxTokens, llamaCppError, startScriptedLlm, toolsNeedJinja } from '../../testing/llm-server';
import { type Harness, getData, planReply, putMission, sentMessages, startHarness } from '../testing/harness';
import { tempDataDir } from '../testing/temp-db';

let h: Harness;
let cleanups: (() => void)[] = [];
afterEach(async () => {
  await h?.close();
  for (const c of cleanups) c();
  cleanups = [];
});

async function run(missionId = 'm1') {
  const result = await h.engine.call('missions.runNow', { missionId });
  const iteration = (await getData(h.engine, 'ai', 'aiIterations', result.iterationId!))!;
  return { result, iteration };
}
const oneTask = planReply([{ toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'she asked' }]);
const GIBBERISH = 'Tensor果断 wool_destroy Patty就好像BOVEנצל';

describe('auto mode learns what the endpoint cannot do', () => {
  it('llama-server without --jinja: 500 "tools param requires --jinja flag" → JSON in the same run, not retried; the second run (after a restart) goes straight there', async () => {
    const data = tempDataDir();
    // like llama-server without --jinja, also after reset()
    const llm = await startScriptedLlm({ behaviours: [toolsNeedJinja()] });
    cleanups.push(data.cleanup, () => void llm.close());
    h = await startHarness({ llm: { plannerMode: 'auto' }, dataDir: data.dir, scripted: llm });
    await putMission(h.engine, 'm1');
    llm.setDefault(oneTask);
    const first = await run();
    expect(first.result.status).toBe('awaiting-review');
    expect(llm.requests.map((r) => Boolean(r.body.tools))).toEqual([true, false]);
    expect(first.iteration.plannerMode).toBe('json');
    expect(first.iteration.plannerNote).toBe(
      `Tool calling did not work: the endpoint refused tool calling (it answered 500: "${JINJA_REQUIRED}"). Planned with a JSON plan instead, as from now on for this endpoint.`,
    );
    const debug = (await h.engine.call('iterations.debug', { iterationId: first.result.iterationId! })).debug!;
    expect(debug.notes).toEqual([first.iteration.plannerNote]);

    await h.close();
    llm.reset();
    h = await startHarness({ llm: { plannerMode: 'auto' }, dataDir: data.dir, scripted: llm });
    // another task: the first one waits for review, and proposing it again would be refused as a repeat
    llm.setDefault(planReply([{ toolName: 'create_task', params: { title: 'Book the room' }, rationale: 'the meeting needs one' }]));
    const second = await run();
    expect(second.result.status).toBe('awaiting-review');
    expect(h.llm.requests).toHaveLength(1);
    expect(h.llm.requests[0]!.body.tools).toBeUndefined();
    expect(second.iteration.plannerNote).toMatch(/^Planned with a JSON plan: tool calling does not work with this endpoint \(the endpoint refused tool calling/);
    expect((await h.engine.call('settings.get', {})).capabilities.tools).toMatchObject({ ok: false, note: expect.stringContaining(JINJA_REQUIRED) });
  });

  it('a model that answers in free text instead of calling tools: JSON in the same run, remembered', async () => {
    h = await startHarness({ llm: { plannerMode: 'auto' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ content: GIBBERISH }, oneTask, oneTask);
    const first = await run();
    expect(first.result.status).toBe('awaiting-review');
    expect(first.iteration.plannerNote).toMatch(/the model answered in plain text instead of calling a tool/);
    await run();
    expect(h.llm.requests.map((r) => Boolean(r.body.tools))).toEqual([true, false, false]);
  });

  it('a failure that is not about tools (a prompt too long for the context) fails the run and teaches nothing', async () => {
    h = await startHarness({ llm: { plannerMode: 'auto' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(llamaCppError(400, 'the request exceeds the available context size, try increasing it'));
    const { result } = await run();
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/exceeds the available context size/) });
    expect(h.llm.requests).toHaveLength(1);
    expect((await h.engine.call('settings.get', {})).capabilities).toEqual({});
  });
});

describe('honest outcomes', () => {
  it('an answer cut off at max tokens is its own failure, in plain words, with no repair round', async () => {
    h = await startHarness({ llm: { plannerMode: 'json', maxTokens: 64 } });
    await putMission(h.engine, 'm1');
    h.llm.use(honourMaxTokens());
    h.llm.enqueue({ content: JSON.stringify({ summary: 'A long plan', steps: [{ toolName: 'create_note', params: { content: 'x'.repeat(2000) }, rationale: 'r' }] }) });
    const tick = await h.engine.call('runner.tick', {});
    const { result, iteration } = await run();
    expect(result.status).toBe('failed');
    expect(iteration).toMatchObject({
      summary: 'The model ran out of tokens before finishing the plan.',
      error: 'The model ran out of tokens: its answer was cut off at the limit of 64 tokens before the plan was complete. Raise "Max tokens" in Settings or shorten the mission\'s inputs.',
    });
    expect(h.llm.requests.at(-1)!.body.max_tokens).toBe(64);
    expect(h.llm.requests).toHaveLength(1);
    expect(tick).toMatchObject({ parseFailures: 0, llmErrors: 0 });
  });

  it('cut off in tools mode too', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ content: GIBBERISH, finishReason: 'length' });
    expect((await run()).iteration.error).toMatch(/^The model ran out of tokens/);
  });

  it('a schema-valid empty plan with a gibberish summary is not "nothing to do": repaired once, then a failed run', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    const garbage = { content: JSON.stringify({ summary: GIBBERISH, steps: [] }) };
    h.llm.enqueue(garbage, garbage);
    const { result, iteration } = await run();
    expect(result.status).toBe('failed');
    expect(iteration.error).toMatch(/a plan without steps must have the summary "Nothing to do"/);
    expect(iteration.summary).not.toContain('Tensor');
  });

  it('an empty plan saying "Nothing to do" is done', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ content: '{"summary": "nothing to do.", "steps": []}' });
    expect((await run()).iteration).toMatchObject({ status: 'done', summary: 'nothing to do.' });
  });

  it('tools mode: free text instead of tool calls or a plan is a failed run, never "done"; "Nothing to do" is done', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ content: GIBBERISH }, { content: 'Nothing to do.' });
    expect((await run()).iteration).toMatchObject({ status: 'failed', error: expect.stringMatching(/answered in plain text instead of calling a tool or returning a plan/) });
    expect((await run()).iteration).toMatchObject({ status: 'done', summary: 'Nothing to do' });
  });

  it("summaries are bounded; a failed run's summary never goes back into a prompt, its error only in short", async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(planReply([{ toolName: 'create_task', params: { title: 'x' }, rationale: 'r' }], `Long ${'words '.repeat(150)}`));
    expect((await run()).iteration.summary).toHaveLength(300);
    h.llm.enqueue({ content: GIBBERISH }, { content: GIBBERISH });
    expect((await run()).result.status).toBe('failed');
    await run();
    const prompt = sentMessages(h.llm, 3)[1]!.content!;
    expect(prompt).not.toContain('Tensor');
    expect(prompt).toContain('(failed)\nError: The model did not answer with a plan');
    const summaryLine = prompt.split('\n').find((l) => l.startsWith('Summary: Long'))!;
    expect(summaryLine.length).toBeLessThanOrEqual('Summary: '.length + 200);
  });
});

describe('every attempt counted and charged', () => {
  it('retried attempts are listed with their status and latency; their tokens are counted and charged to the agent', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ status: 502 }, { status: 503 }, { ...oneTask, usage: { prompt_tokens: 900, completion_tokens: 40, total_tokens: 940 } });
    const { result, iteration } = await run();
    expect(result.status).toBe('awaiting-review');
    const call = (await h.engine.call('iterations.debug', { iterationId: result.iterationId! })).debug!.conversations[0]!.calls[0]!;
    expect(call.attempts!.map((a) => [a.status, a.outcome, a.estimated])).toEqual([
      [502, 'http-error', true],
      [503, 'http-error', true],
      [200, 'ok', false],
    ]);
    const failedPrompt = call.attempts![0]!.usage.promptTokens;
    expect(failedPrompt).toBeGreaterThan(100);
    expect(iteration.usage.totalTokens).toBe(940 + 2 * failedPrompt);
    expect(call.usage!.totalTokens).toBe(iteration.usage.totalTokens);
    expect((await h.engine.call('agents.usage', {})).usage['agent:default']).toBe(iteration.usage.totalTokens);
  });

  it('a failed run keeps its latency and tokens, and the budget is charged', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ status: 503 }, { status: 503 }, { status: 503 });
    const { iteration } = await run();
    expect(iteration).toMatchObject({ status: 'failed', latencyMs: expect.any(Number) });
    expect(iteration.usage.totalTokens).toBeGreaterThan(0);
    expect((await h.engine.call('agents.usage', {})).usage['agent:default']).toBe(iteration.usage.totalTokens);
  });

  it('a run cancelled mid-call writes nothing, but what it spent counts against the budget', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ hang: true });
    const pending = h.engine.call('missions.runNow', { missionId: 'm1' });
    const [request] = await h.llm.waitForRequests(1);
    await h.engine.call('missions.pause', { missionId: 'm1' });
    await expect(pending).rejects.toThrow(/not run: aborted/);
    expect(await h.llm.waitForAborted(1)).toEqual([request]);
    expect((await h.engine.call('agents.usage', {})).usage['agent:default']).toBeGreaterThan(0);
  });

  it("a run's LLM time is bounded: no back-off wait past three times the timeout", async () => {
    h = await startHarness({ llm: { plannerMode: 'json', timeoutMs: 2_000 } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ status: 429, headers: { 'Retry-After': '10' } }, oneTask);
    const { result } = await run();
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/answered 429/) });
    expect(h.llmWaits).toEqual([]);
    expect(h.llm.requests).toHaveLength(1);
  });
});

describe('failed LLM calls in companion.log', () => {
  it('each at warn level: scope llm, endpoint, status, duration, short reason', async () => {
    const data = tempDataDir();
    cleanups.push(data.cleanup);
    const logFile = new LogFile({ dataDir: data.dir });
    h = await startHarness({ llm: { plannerMode: 'auto' }, dataDir: data.dir, log: (level, scope, msg, fields) => logFile.write(level, scope, msg, fields) });
    await putMission(h.engine, 'm1');
    h.llm.use(toolsNeedJinja());
    h.llm.setDefault(oneTask);
    await run();
    const lines = readFileSync(join(data.dir, 'logs', 'companion.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', scope: 'llm', endpoint: h.llm.url, model: 'test-model', status: 500, durationMs: expect.any(Number), reason: `HTTP 500: ${JINJA_REQUIRED}` }),
    ]);
  });
});
