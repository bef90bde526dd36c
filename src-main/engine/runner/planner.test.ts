/**
 * The planner end to end: engine + real migrated DB + the scripted OpenAI-compatible server.
 * Each test scripts the model's answers and checks what was sent, what was stored and what ran.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_STEPS, PROMPT_VERSION } from '../../../src-shared/planner/prompt';
import { type Harness, getData, listData, planReply, putMission, putRecord, sentMessages, startHarness, toolCalls } from '../testing/harness';
import { MAX_ROUNDS } from './planner';
import { SAMPLERS_FAILED, grammarUnsupported, jsonSchemaUnsupported, llamaCppError, responseFormatUnsupported } from '../../testing/llm-server';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function run(missionId = 'm1') {
  const result = await h.engine.call('missions.runNow', { missionId });
  const iteration = await getData(h.engine, 'ai', 'aiIterations', result.iterationId!);
  return { result, iteration: iteration! };
}

const offeredTools = (n: number) => (h.llm.requests[n]!.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);

describe('tool-calling mode', () => {
  it('runs reads at once and feeds the results back, records writes as steps, stops when the model stops', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putRecord(h.engine, 'todo', 'tasks', 't1', { title: 'Write report', done: false, dueDate: '2026-11-19' });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(
      toolCalls({ name: 'list_tasks', arguments: { filter: 'overdue' } }),
      toolCalls(
        { name: 'complete_task', arguments: { taskId: 't1', rationale: 'it is overdue and done' } },
        { name: 'create_task', arguments: { title: 'Send report to Anna', rationale: 'follow-up' } },
      ),
      { content: 'Closed the overdue task and planned the follow-up.' },
    );
    const { result, iteration } = await run();
    expect(result.status).toBe('awaiting-review');
    expect(h.llm.requests).toHaveLength(3);
    // the read result went back to the model as a tool message
    const toolMessage = sentMessages(h.llm, 1).find((m) => m.role === 'tool');
    expect(toolMessage?.content).toContain('Write report');
    expect(iteration).toMatchObject({ plannerMode: 'tools', promptVersion: PROMPT_VERSION, summary: 'Closed the overdue task and planned the follow-up.' });
    expect(iteration.steps.map((s: any) => [s.toolName, s.kind, s.policy])).toEqual([
      ['list_tasks', 'read', 'auto'],
      ['complete_task', 'write', 'propose'],
      ['create_task', 'write', 'propose'],
    ]);
    // what the read returned went to the model (above), and is not kept in the run
    expect(iteration.steps[0]).not.toHaveProperty('result');
    expect(iteration.steps[1]).toMatchObject({ rationale: 'it is overdue and done', proposalId: `${result.iterationId}.1` });
    // write tools carry a required rationale parameter; reads do not
    const createSchema = h.llm.requests[0]!.body.tools.find((t: any) => t.function.name === 'create_task');
    expect(createSchema.function.parameters.required).toEqual(expect.arrayContaining(['title', 'rationale']));
    expect((await listData(h.engine, 'todo', 'tasks')).map((t) => t.title)).toEqual(['Write report']);
  });

  it(`stops after ${MAX_ROUNDS} rounds even if the model keeps calling tools`, async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.setDefault(toolCalls({ name: 'list_tasks', arguments: {} }));
    const { result, iteration } = await run();
    expect(h.llm.requests).toHaveLength(MAX_ROUNDS);
    expect(iteration.status).toBe('done');
    expect((await h.engine.call('iterations.debug', { iterationId: result.iterationId! })).debug?.stopReason).toBe('max-rounds');
  });

  it('tolerates quirks: object arguments, content null, no usage, double-encoded arguments', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    const completion = (message: unknown) => ({ raw: JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message, finish_reason: 'tool_calls' }] }) });
    h.llm.enqueue(
      completion({ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 'create_task', arguments: { title: 'Object args', rationale: 'r' } } }] }),
      completion({ role: 'assistant', content: null, tool_calls: [{ id: 'b', type: 'function', function: { name: 'create_note', arguments: JSON.stringify(JSON.stringify({ content: 'Double', rationale: 'r' })) } }] }),
      completion({ role: 'assistant', content: 'done' }),
    );
    const { result, iteration } = await run();
    expect(result.status).toBe('awaiting-review');
    expect(iteration.steps.map((s: any) => s.params)).toEqual([{ title: 'Object args' }, { content: 'Double' }]);
    // no usage reported: the tokens are estimated from the text (and marked so), not taken as zero
    expect(iteration.usage.totalTokens).toBeGreaterThan(0);
    const { debug } = await h.engine.call('iterations.debug', { iterationId: result.iterationId! });
    expect(debug!.conversations[0]!.calls.every((c) => c.attempts?.every((a) => a.estimated))).toBe(true);
  });

  it('accepts tool calls printed as text: fenced JSON and <tool_call> tags', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(
      { content: 'I will look first.\n```json\n{"name": "list_tasks", "arguments": {"filter": "all"}}\n```' },
      { content: '<tool_call>\n{"name": "create_task", "arguments": {"title": "From a tag", "rationale": "r"}}\n</tool_call>' },
      { content: 'Done.' },
    );
    const { iteration } = await run();
    expect(iteration.steps.map((s: any) => s.toolName)).toEqual(['list_tasks', 'create_task']);
    // the text call was replayed to the model as a proper tool call with its result
    expect(sentMessages(h.llm, 1).some((m) => m.role === 'assistant' && Array.isArray(m.tool_calls))).toBe(true);
  });

  it('a JSON plan answered in tools mode is a complete plan', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(planReply([{ toolName: 'create_task', params: { title: 'x' }, rationale: 'r' }]));
    const { iteration } = await run();
    expect(iteration.steps).toHaveLength(1);
    expect(h.llm.requests).toHaveLength(1);
  });

  it('invalid params get one repair round (the error goes back as the tool result); a second invalid round fails', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(
      toolCalls({ name: 'create_task', arguments: { title: '', priority: 'urgent', rationale: 'r' } }),
      toolCalls({ name: 'create_task', arguments: { title: 'Fixed', priority: 'high', rationale: 'r' } }),
      { content: 'ok' },
    );
    const ok = await run();
    expect(ok.result.status).toBe('awaiting-review');
    expect(sentMessages(h.llm, 1).find((m) => m.role === 'tool')?.content).toMatch(/create_task.priority/);

    h.llm.enqueue(toolCalls({ name: 'create_task', arguments: { rationale: 'r' } }), toolCalls({ name: 'create_task', arguments: { title: 'no rationale' } }));
    const bad = await run();
    expect(bad.result.status).toBe('failed');
    expect(bad.result.error).toMatch(/invalid after a repair round.*rationale/);
  });

  it('the same write called twice is recorded once', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    const call = { name: 'create_task', arguments: { title: 'Once', rationale: 'r' } };
    h.llm.enqueue(toolCalls(call), toolCalls(call), { content: 'done' });
    const { iteration } = await run();
    expect(iteration.steps).toHaveLength(1);
  });

  it(`more than ${MAX_STEPS} steps fail the plan`, async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(toolCalls(...Array.from({ length: MAX_STEPS + 1 }, (_, i) => ({ name: 'create_task', arguments: { title: `t${i}`, rationale: 'r' } }))));
    const { result } = await run();
    expect(result.error).toMatch(/more than 25 steps/);
  });

  it('an auto write runs when the plan is written, attributed to the agent; the model is told so', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putRecord(h.engine, 'ai', 'agents', 'agent:default', { name: 'Companion', policy: { tools: { create_note: 'auto' }, modules: {} } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(toolCalls({ name: 'create_note', arguments: { content: 'Weekly summary', rationale: 'keep a log' } }), { content: 'done' });
    const { result, iteration } = await run();
    expect(result.status).toBe('done');
    expect(sentMessages(h.llm, 1).find((m) => m.role === 'tool')?.content).toMatch(/applied when this plan is saved/);
    expect(iteration.steps[0]).toMatchObject({ policy: 'auto', result: { noteId: expect.any(String) } });
    const { changes } = await h.engine.call('sync.pull', { since: 0, limit: 1000 });
    expect(changes.find((c) => c.app === 'notes')?.actor).toMatchObject({ kind: 'ai', principalId: 'agent:default', missionId: 'm1', rationale: 'keep a log' });
    expect((await h.engine.call('runner.ticks', { limit: 5 })).ticks).toEqual([]); // runNow is not a tick
  });
});

describe('JSON-plan mode', () => {
  it('constrains the plan with the strongest form the endpoint takes: response_format, then json_schema, then a grammar; remembered', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    const refused = llamaCppError(400, SAMPLERS_FAILED);
    h.llm.enqueue(refused, refused, planReply([]), planReply([]));
    const first = await run();
    expect(first.result.status).toBe('done');
    expect(h.llm.requests[0]!.body.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'mission_plan', schema: { anyOf: expect.any(Array) } } });
    expect(h.llm.requests[1]!.body).toMatchObject({ json_schema: { anyOf: expect.any(Array) } });
    expect(h.llm.requests[1]!.body.response_format).toBeUndefined();
    expect(h.llm.requests[2]!.body.grammar).toMatch(/^root ::= /m);
    expect(first.iteration.plannerNote).toMatch(/refused structured output with a JSON schema \(it answered 400: "Failed to initialize samplers/);
    // the next run goes straight to the grammar
    await run();
    expect(h.llm.requests).toHaveLength(4);
    expect(h.llm.requests[3]!.body.grammar).toEqual(h.llm.requests[2]!.body.grammar);
    expect(h.llm.requests[3]!.body.response_format).toBeUndefined();
    const { capabilities } = await h.engine.call('settings.get', {});
    expect(capabilities).toMatchObject({ responseFormat: { ok: false }, jsonSchema: { ok: false }, grammar: { ok: true } });
  });

  it('an endpoint taking no form of constrained output is asked in the prompt alone, and the run says so', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.use(responseFormatUnsupported(), jsonSchemaUnsupported(), grammarUnsupported());
    const { result, iteration } = await run();
    expect(result.status).toBe('done');
    expect(h.llm.requests).toHaveLength(4);
    expect(h.llm.requests[3]!.body).not.toHaveProperty('grammar');
    expect(iteration.plannerNote).toMatch(/accepts no way of constraining the output/);
  });

  it('accepts bare JSON (what a schema-constrained endpoint returns)', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ content: JSON.stringify({ summary: 's', steps: [{ summary: '', toolName: 'create_goal', params: { title: 'Run', targetValue: 3, period: 'week' }, rationale: 'r' }] }) });
    const { iteration } = await run();
    expect(iteration.steps[0]).toMatchObject({ toolName: 'create_goal', params: { title: 'Run', targetValue: 3, period: 'week' } });
    expect((await h.engine.call('runner.status', {})).llm.capabilities?.responseFormat).toMatchObject({ ok: true });
  });

  it('a model that answers with tool calls in JSON mode has them read as the plan', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(toolCalls({ name: 'create_task', arguments: { title: 'Via tool call', rationale: 'r' } }));
    const { iteration } = await run();
    expect(iteration.steps).toEqual([expect.objectContaining({ toolName: 'create_task', params: { title: 'Via tool call' }, rationale: 'r' })]);
  });

  it('shows the model its validation errors in one repair round', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(planReply([{ toolName: 'create_event', params: { title: 'x', startTime: 'monday', endTime: '2026-11-23T10:00' }, rationale: 'r' }]), planReply([{ toolName: 'create_event', params: { title: 'x', startTime: '2026-11-23T09:00', endTime: '2026-11-23T10:00' }, rationale: 'r' }]));
    const { result } = await run();
    expect(result.status).toBe('awaiting-review');
    const repair = sentMessages(h.llm, 1).at(-1)!;
    expect(repair.role).toBe('user');
    expect(repair.content).toMatch(/could not be used:\n- step 1: create_event.startTime/);
  });
});

describe('auto mode', () => {
  it('tries tool calling, falls back to JSON on an endpoint that rejects tools, and remembers it', async () => {
    h = await startHarness({ llm: { plannerMode: 'auto' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ status: 400, body: { error: { message: 'model does not support tools' } } }, planReply([{ toolName: 'create_task', params: { title: 'x' }, rationale: 'r' }]), planReply([]));
    const first = await run();
    expect(first.result.status).toBe('awaiting-review');
    expect(first.iteration.plannerMode).toBe('json');
    expect(h.llm.requests[0]!.body.tools).toBeDefined();
    expect(h.llm.requests[1]!.body.tools).toBeUndefined();
    await run();
    expect(h.llm.requests[2]!.body.tools).toBeUndefined(); // straight to JSON now
    expect((await h.engine.call('runner.status', {})).llm.capabilities?.tools).toMatchObject({ ok: false, note: expect.stringMatching(/refused tool calling.*does not support tools/) });
    expect(first.iteration.plannerNote).toMatch(/^Tool calling did not work: the endpoint refused tool calling/);
    const debug = (await h.engine.call('iterations.debug', { iterationId: first.result.iterationId! })).debug!;
    expect(debug.conversations.map((c) => c.mode)).toEqual(['tools', 'json']);
  });

  it('does not fall back when the endpoint is down (5xx): that is a failed run', async () => {
    h = await startHarness({ llm: { plannerMode: 'auto' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ status: 503 }, { status: 503 }, { status: 503 });
    const { result } = await run();
    expect(result.status).toBe('failed');
    expect(h.llm.requests.every((r) => r.body.tools)).toBe(true);
  });
});

describe('policy in the planner', () => {
  it('denied tools are not offered to the model', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putRecord(h.engine, 'ai', 'agents', 'agent:default', { name: 'Companion', policy: { tools: { create_task: 'deny' }, modules: { calendar: 'deny' } } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ content: 'nothing' });
    await run();
    const offered = offeredTools(0);
    expect(offered).toContain('list_tasks');
    expect(offered).not.toContain('create_task');
    expect(offered).not.toContain('create_event');
    expect(offered).not.toContain('list_events');
    expect(sentMessages(h.llm, 0)[0]!.content).not.toContain('create_task');
  });
});

describe('inputs, guardrails and debug capture', () => {
  it('resolves linked tasks, notes, events, goals and the kontext document into the prompt', async () => {
    h = await startHarness();
    await putRecord(h.engine, 'todo', 'tasks', 't1', { title: 'Write report', done: false, dueDate: '2026-11-21' });
    await putRecord(h.engine, 'notes', 'notes', 'n1', { title: 'Meeting', content: 'Anna wants a call', tags: ['work'] });
    await putRecord(h.engine, 'calendar', 'events', 'e1', { title: 'Dentist', startTime: '2026-11-21T09:00:00.000Z', endTime: '2026-11-21T10:00:00.000Z', location: 'Main St' });
    await putRecord(h.engine, 'goals', 'goals', 'g1', { title: 'Run', currentValue: 1, targetValue: 3, period: 'week' });
    await putRecord(h.engine, 'kontext', 'kontextDoc', 'default', { content: 'I work part-time on Fridays.' });
    await putMission(h.engine, 'm1', {
      inputs: [
        { module: 'todo', table: 'tasks', id: 't1' },
        { module: 'notes', table: 'notes', id: 'n1' },
        { module: 'calendar', table: 'events', id: 'e1' },
        { module: 'goals', table: 'goals', id: 'g1' },
        { module: 'kontext', table: 'kontextDoc', id: 'default' },
        { module: 'notes', table: 'notes', id: 'deleted-or-missing' },
      ],
    });
    await run();
    const user = sentMessages(h.llm, 0)[1]!.content!;
    expect(user).toContain('[open] · due 2026-11-21 · id t1');
    expect(user).toContain('id n1 · tags #work\nAnna wants a call');
    expect(user).toContain('2026-11-21T09:00:00.000Z – 2026-11-21T10:00:00.000Z @ Main St');
    expect(user).toContain('progress 1 / 3 per week');
    expect(user).toContain('I work part-time on Fridays.');
    expect(user.match(/<input /g)).toHaveLength(5);
  });

  it('truncates a huge input to the character budget with a marker', async () => {
    h = await startHarness();
    await putRecord(h.engine, 'notes', 'notes', 'big', { title: 'Log', content: 'x'.repeat(150_000) });
    await putMission(h.engine, 'm1', { inputs: [{ module: 'notes', table: 'notes', id: 'big' }] });
    await run();
    const user = sentMessages(h.llm, 0)[1]!.content!;
    expect(user).toMatch(/\[… truncated: \d+ more characters not shown\]/);
    expect(user.length).toBeLessThan(110_000);
  });

  it('keeps a local-only debug capture per iteration: messages, raw answers, latency, tokens', async () => {
    h = await startHarness({ llm: { plannerMode: 'json' } });
    await putRecord(h.engine, 'notes', 'notes', 'n1', { title: 'Secret', content: 'my private note' });
    await putMission(h.engine, 'm1', { inputs: [{ module: 'notes', table: 'notes', id: 'n1' }] });
    h.llm.enqueue({ ...planReply([]), usage: { prompt_tokens: 120, completion_tokens: 8, total_tokens: 128 } });
    const { result, iteration } = await run();
    const { debug } = await h.engine.call('iterations.debug', { iterationId: result.iterationId! });
    expect(debug).toMatchObject({ iterationId: result.iterationId, promptVersion: PROMPT_VERSION, endpoint: { baseUrl: h.llm.url, model: 'test-model' } });
    const conv = debug!.conversations[0]!;
    expect(conv.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(conv.calls[0]).toMatchObject({ sentMessages: 2, withResponseFormat: true, usage: { totalTokens: 128 }, latencyMs: expect.any(Number) });
    expect(JSON.stringify(conv.calls[0]!.raw)).toContain('chat.completion');
    expect(iteration.usage).toEqual({ promptTokens: 120, completionTokens: 8, totalTokens: 128 });
    // never synced: no change in the log carries the prompt
    const { changes } = await h.engine.call('sync.pull', { since: 0, limit: 10_000 });
    expect(changes.filter((c) => JSON.stringify(c).includes('my private note')).map((c) => c.app)).toEqual(['notes']);
  });
});
