import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from './index';
import { MemorySecretStore } from './settings';
import { planText, startScriptedLlm, type ScriptedLlm } from '../testing/llm-server';
import { tempDataDir } from './testing/temp-db';
import { TestClock } from './testing/test-clock';
import { missionInsert } from './testing/changes';

let engine: Engine;
let llm: ScriptedLlm;
let clock: TestClock;
let cleanup: () => void;

beforeEach(async () => {
  const tmp = tempDataDir();
  cleanup = tmp.cleanup;
  llm = await startScriptedLlm();
  clock = new TestClock('2026-11-20T09:00:00.000Z');
  engine = createEngine({
    dataDir: tmp.dir,
    secrets: new MemorySecretStore(),
    overrides: { llm: { baseUrl: llm.url, model: 'test-model', plannerMode: 'json' } },
    llmDeps: { sleep: async () => undefined },
    now: () => clock.date(),
    timers: clock,
    autoStart: false,
  });
});
afterEach(async () => {
  await engine.close();
  await llm.close();
  cleanup();
});

async function createMission(id = 'm1', extra: Record<string, unknown> = {}) {
  await engine.call('sync.push', { clientId: 'renderer-1', changes: [missionInsert(id, extra, { actor: { kind: 'user', principalId: 'user:local' } })] });
}

const createTaskStep = { summary: 'add task', toolName: 'create_task', params: { title: 'Call Anna', priority: 'high' }, rationale: 'Anna asked for a call' };

describe('engine: mission → plan → proposal → approve → task', () => {
  it('stages a proposal, approves it once, and attributes the task to the agent', async () => {
    await createMission();
    llm.enqueue({ content: planText([createTaskStep]) });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    expect(run).toMatchObject({ status: 'awaiting-review', error: null });
    const proposalId = `${run.iterationId}.0`;
    const staged = await engine.call('records.get', { app: 'ai', table: 'aiProposals', id: proposalId });
    expect(staged.record?.data).toMatchObject({ status: 'pending', toolName: 'create_task', rationale: 'Anna asked for a call', missionId: 'm1' });

    const approved = await engine.call('proposals.approve', { proposalId });
    expect(approved.proposal.status).toBe('approved');
    const again = await engine.call('proposals.approve', { proposalId });
    expect(again.proposal.execution).toEqual(approved.proposal.execution);

    const tasks = await engine.call('records.list', { app: 'todo', table: 'tasks' });
    expect(tasks.records).toHaveLength(1);
    expect(tasks.records[0]!.data).toMatchObject({ title: 'Call Anna', priority: 'high', done: false });
    const { changes } = await engine.call('sync.pull', { since: 0, limit: 1000 });
    const effect = changes.find((c) => c.app === 'todo');
    expect(effect?.actor).toMatchObject({ kind: 'ai', principalId: 'agent:default', missionId: 'm1', iterationId: run.iterationId, rationale: 'Anna asked for a call' });
    expect(changes.filter((c) => c.app === 'todo')).toHaveLength(1);
  });

  it('shows a rejection reason to the next prompt', async () => {
    await createMission();
    llm.enqueue({ content: planText([createTaskStep]) });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    await engine.call('proposals.reject', { proposalId: `${run.iterationId}.0`, feedback: 'Anna is on holiday until May' });
    await engine.call('missions.runNow', { missionId: 'm1' });
    const lastPrompt = JSON.stringify(llm.requests.at(-1)!.body.messages);
    expect(lastPrompt).toContain('Anna is on holiday until May');
    expect(lastPrompt).toContain('[rejected]');
  });

  it('reverts an approved create_task, attributed to the user', async () => {
    await createMission();
    llm.enqueue({ content: planText([createTaskStep]) });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    const proposalId = `${run.iterationId}.0`;
    await engine.call('proposals.approve', { proposalId });
    const reverted = await engine.call('proposals.revert', { proposalId });
    expect(reverted.proposal.status).toBe('reverted');
    expect((await engine.call('records.list', { app: 'todo', table: 'tasks' })).records).toHaveLength(0);
    const { changes } = await engine.call('sync.pull', { since: 0, limit: 1000 });
    expect(changes.at(-2)).toMatchObject({ app: 'todo', op: 'delete', actor: { kind: 'user' } });
  });

  it('reverts an approved complete_task by restoring the previous values', async () => {
    await createMission();
    await engine.call('sync.push', {
      clientId: 'r',
      changes: [{ eventId: 't', app: 'todo', table: 'tasks', id: 'task-1', op: 'insert', data: { title: 'Write report', done: false, completedAt: null } }],
    });
    llm.enqueue({ content: planText([{ toolName: 'complete_task', params: { taskId: 'task-1' }, rationale: 'it is done' }]) });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    const proposalId = `${run.iterationId}.0`;
    await engine.call('proposals.approve', { proposalId });
    expect((await engine.call('records.get', { app: 'todo', table: 'tasks', id: 'task-1' })).record?.data.done).toBe(true);
    await engine.call('proposals.revert', { proposalId });
    expect((await engine.call('records.get', { app: 'todo', table: 'tasks', id: 'task-1' })).record?.data).toMatchObject({ done: false, completedAt: null });
  });

  it('marks a proposal failed, not approved, when the tool fails', async () => {
    await createMission();
    llm.enqueue({ content: planText([{ toolName: 'complete_task', params: { taskId: 'missing' }, rationale: 'x' }]) });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    const { proposal } = await engine.call('proposals.approve', { proposalId: `${run.iterationId}.0` });
    expect(proposal.status).toBe('failed');
    expect(proposal.execution?.error).toContain('No task with id "missing"');
  });

  it('records an invalid plan as a failed iteration and still advances the mission', async () => {
    await createMission('m2', { cadence: { kind: 'interval', everyMinutes: 60 }, nextRunAt: '2020-01-01T00:00:00.000Z' });
    llm.enqueue({ content: 'I think you should call Anna.' }, { content: planText([{ toolName: 'delete_everything', params: {}, rationale: 'x' }]) });
    const tick = await engine.call('runner.tick', {});
    expect(tick).toMatchObject({ due: 1, failed: 1, parseFailures: 1 });
    const its = await engine.call('records.list', { app: 'ai', table: 'aiIterations' });
    expect(its.records[0]!.data).toMatchObject({ status: 'failed' });
    expect(String(its.records[0]!.data.error)).toContain('delete_everything');
    const mission = (await engine.call('records.get', { app: 'ai', table: 'aiMissions', id: 'm2' })).record!.data;
    expect(mission.failureStreak).toBe(1);
    expect(Date.parse(String(mission.nextRunAt))).toBeGreaterThan(clock.now());
    expect((await engine.call('runner.tick', {})).due).toBe(0);
  });

  it('repairs an invalid plan in one round', async () => {
    await createMission();
    llm.enqueue({ content: planText([{ toolName: 'create_task', params: { title: '' }, rationale: 'x' }]) }, { content: planText([createTaskStep]) });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    expect(run.status).toBe('awaiting-review');
    expect(JSON.stringify(llm.requests[1]!.body.messages)).toContain('could not be used');
  });

  it('turns an unreachable LLM into a failed iteration with a readable error', async () => {
    await createMission();
    llm.enqueue({ status: 500 }, { status: 500 }, { status: 500 });
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/answered 500/);
    expect(llm.requests).toHaveLength(3);
  });

  it('rejects a malformed push whole with zod issues', async () => {
    await expect(
      engine.call('sync.push', {
        clientId: 'r',
        changes: [
          { eventId: 'ok', app: 'todo', table: 'tasks', id: 'a', op: 'insert', data: { title: 'a' } },
          { eventId: 'bad', app: 'todo', table: 'tasks', op: 'upsert', data: {} },
        ],
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', issues: expect.arrayContaining([expect.objectContaining({ path: ['changes', 1, 'id'] })]) });
    expect(engine.store.maxSeq()).toBe(0);
  });
});

describe('llm.test', () => {
  it('updates the LLM health that runner.status reports', async () => {
    llm.enqueue({ status: 401, body: JSON.stringify({ error: { message: 'invalid api key' } }) });
    const failed = await engine.call('llm.test', {});
    expect(failed).toMatchObject({ ok: false, error: expect.stringContaining('Check the API key') });
    expect((await engine.call('runner.status', {})).llm.lastError).toContain('invalid api key');
    const ok = await engine.call('llm.test', {});
    expect(ok.ok).toBe(true);
    expect((await engine.call('runner.status', {})).llm).toMatchObject({ lastError: null, lastOkAt: expect.any(String) });
  });
});
