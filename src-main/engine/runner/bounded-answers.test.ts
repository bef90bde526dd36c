/**
 * Issue 13, finding 4: a model answer has a size limit. Against the scripted OpenAI-compatible
 * server on loopback: a 5 MB answer (streamed text, streamed tool-call arguments, a plain JSON
 * body) is a failed run saying why, and whatever the model says, no change in the synced log
 * exceeds the per-change limit sync.push enforces and the debug capture stays bounded.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CHANGE_BYTES } from '../../../src-shared/domain/change';
import { DEFAULT_ANSWER_CHARS } from '../../../src-shared/domain/settings';
import { type Harness, getData, planReply, putMission, startHarness, toolCalls } from '../testing/harness';
import { DEBUG_CAPTURE_CHARS, ITERATION_STEPS_CHARS, LEFT_OUT } from './bounded-record';

const FIVE_MB = 5 * 1024 * 1024;
const TOO_LONG = /The model's answer from http:\/\/127\.0\.0\.1:\d+\/v1(\/chat\/completions)? was longer than 200,000 characters, the most one answer may have \("Longest answer" in Settings\), so it was not used/;

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function run(missionId = 'm1') {
  const result = await h.engine.call('missions.runNow', { missionId });
  const iteration = (await getData(h.engine, 'ai', 'aiIterations', result.iterationId!))!;
  const debug = (await h.engine.call('iterations.debug', { iterationId: result.iterationId! })).debug;
  return { result, iteration, debug };
}

/** Every change in the log, measured as sync.push measures a change. */
async function largestChange(): Promise<number> {
  const { changes } = await h.engine.call('sync.pull', { since: 0, limit: 10_000 });
  return Math.max(...changes.map((c) => JSON.stringify(c).length));
}

describe('an answer over the limit is a failed run with a clear reason', () => {
  it('5 MB of streamed text (a JSON plan with a 5 MB summary)', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    expect((await h.engine.call('settings.get', {})).llm.maxAnswerChars).toBe(DEFAULT_ANSWER_CHARS);
    await putMission(h.engine, 'm1');
    h.llm.enqueue(planReply([{ toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'she asked' }], 'x'.repeat(FIVE_MB)));
    const { result, iteration, debug } = await run();
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(TOO_LONG) });
    expect(iteration).toMatchObject({ status: 'failed', summary: 'The LLM call failed.', error: expect.stringMatching(TOO_LONG) });
    // not retried: the same answer would come again
    expect(h.llm.requests).toHaveLength(1);
    expect(await largestChange()).toBeLessThan(MAX_CHANGE_BYTES);
    expect(JSON.stringify(debug).length).toBeLessThan(64 * 1024);
  });

  it('5 MB of tool-call arguments in tools mode', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(toolCalls({ name: 'create_note', arguments: { title: 'Big', content: 'y'.repeat(FIVE_MB), rationale: 'asked' } }));
    const { result, iteration } = await run();
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(TOO_LONG) });
    expect(iteration.steps).toEqual([]);
    expect(await largestChange()).toBeLessThan(MAX_CHANGE_BYTES);
  });

  it('5 MB in a plain JSON body (a server that does not stream)', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    const body = { id: 'x', object: 'chat.completion', model: 'test-model', choices: [{ index: 0, message: { role: 'assistant', content: 'z'.repeat(FIVE_MB) }, finish_reason: 'stop' }] };
    h.llm.enqueue({ raw: JSON.stringify(body) });
    const { result } = await run();
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(TOO_LONG) });
    expect(await largestChange()).toBeLessThan(MAX_CHANGE_BYTES);
  });

  it('tool-call arguments nested thousands of levels deep: a failed run, and every read still answers', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    const deep = `{"title":"t","content":${'['.repeat(5_000)}1${']'.repeat(5_000)},"rationale":"r"}`;
    h.llm.enqueue(toolCalls({ name: 'create_note', arguments: deep }));
    const { result } = await run();
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/could not be used: .*nest/) });
    await h.engine.call('records.list', { app: 'ai', table: 'aiIterations' });
    await h.engine.call('sync.pull', { since: 0 });
    await h.engine.call('runner.status', {});
  });

  it('the limit is a setting: raised, the same answer is used', async () => {
    h = await startHarness({ llm: { plannerMode: 'json', maxAnswerChars: 1_000_000 } });
    await putMission(h.engine, 'm1');
    // a plan, and 300,000 characters of the model thinking aloud after it
    const plan = planReply([{ toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'she asked' }]);
    h.llm.enqueue({ content: `${plan.content}\n\nNotes: ${'w'.repeat(300_000)}` });
    const { result, iteration } = await run();
    expect(result.status, JSON.stringify(iteration).slice(0, 2000)).toBe('awaiting-review');
    await expect(h.engine.call('settings.update', { llm: { maxAnswerChars: 999 } })).rejects.toThrow(/Invalid/);
  });
});

describe('answers within the limit that add up stay within the per-change limit', () => {
  it('five rounds of 900 KB refused calls (800 KB details, a 100 KB rationale): the iteration keeps them cut, the debug capture is bounded', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools', maxAnswerChars: 1_000_000 } });
    await putMission(h.engine, 'm1');
    for (let round = 0; round < 5; round++) {
      h.llm.enqueue(toolCalls({ name: `invented_tool_${round}`, arguments: { blob: `${round}`.repeat(800_000), rationale: 'r'.repeat(100_000) } }));
    }
    const { result, iteration, debug } = await run();
    expect(h.llm.requests, JSON.stringify(iteration).slice(0, 3000)).toHaveLength(5);
    expect(result.status).toBe('failed');
    expect(iteration.steps).toHaveLength(5);
    expect(iteration.steps.every((s: { refused?: string }) => s.refused === 'unknown-tool')).toBe(true);
    expect(JSON.stringify(iteration.steps).length).toBeLessThanOrEqual(ITERATION_STEPS_CHARS);
    expect(JSON.stringify(iteration.steps)).toMatch(/more characters left out|left out: too large to keep/);
    expect(await largestChange()).toBeLessThan(MAX_CHANGE_BYTES);
    expect(JSON.stringify(debug).length).toBeLessThanOrEqual(DEBUG_CAPTURE_CHARS + 200);
    expect(JSON.stringify(debug)).toMatch(new RegExp(`more characters left out|${LEFT_OUT}`));
  });
});
