/**
 * The runner's scheduling, claims, concurrency, agents, budgets, back-off and observability,
 * against the scripted LLM server and a real migrated database. Time is the harness's manual
 * clock; where answers must wait, the server's replies have a delay that passes only when the test
 * advances the server's timers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, getData, listData, planReply, putMission, putRecord, startHarness, updateRecord } from '../testing/harness';
import { MAX_FAILURES } from './runner';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const HOUR = 3_600_000;
const due = (extra: Record<string, unknown> = {}) => ({ cadence: { kind: 'interval', everyMinutes: 60 }, nextRunAt: '2026-11-20T08:00:00.000Z', ...extra });
const mission = async (id: string) => (await getData(h.engine, 'ai', 'aiMissions', id))!;

describe('scheduling', () => {
  it('wakes up exactly at the earliest nextRunAt instead of waiting for the interval', async () => {
    h = await startHarness({ runner: { tickIntervalMs: 60_000 } });
    const at = new Date(h.clock.now() + 400).toISOString();
    await putMission(h.engine, 'm1', { cadence: { kind: 'interval', everyMinutes: 60 }, nextRunAt: at });
    h.engine.runner.start();
    expect((await h.engine.call('runner.status', {})).nextTickAt).toBe(at);
    expect(h.clock.pending()).toEqual([400]); // the one timer, for the mission, not the interval
    const tick = h.nextEvent('runner.tick');
    h.clock.advance(399);
    expect(h.clock.pending()).toEqual([1]);
    expect(h.events.filter((e) => e.event === 'runner.tick')).toEqual([]);

    h.clock.advance(1);
    expect(await tick).toMatchObject({ scannedAt: at, due: 1, planned: 1 });
    expect(h.llm.requests).toHaveLength(1);
    expect(await listData(h.engine, 'ai', 'aiIterations')).toHaveLength(1);
    // re-armed when the tick ended: the mission's next run is an hour away, the safety net a minute
    expect(h.clock.pending()).toContain(60_000);
    expect((await h.engine.call('runner.status', {})).nextTickAt).toBe(new Date(h.clock.now() + 60_000).toISOString());
  });

  it('the interval tick is a safety net, and every tick is persisted with its counts', async () => {
    h = await startHarness({ runner: { tickIntervalMs: 1_000 } });
    h.engine.runner.start();
    expect(h.clock.pending()).toEqual([1_000]);
    const ticked = h.nextEvent('runner.tick');
    const status = h.nextEvent('runner.status');
    h.clock.advance(1_000);
    await ticked;
    // the status announced with the tick already has the next wake-up
    expect(h.clock.pending()).toEqual([1_000]);
    expect((await status).nextTickAt).toBe(new Date(h.clock.now() + 1_000).toISOString());
    const [tick] = (await h.engine.call('runner.ticks', { limit: 10 })).ticks;
    expect(tick).toEqual({
      scannedAt: expect.any(String),
      due: 0,
      planned: 0,
      failed: 0,
      proposals: 0,
      autoExecuted: 0,
      parseFailures: 0,
      llmErrors: 0,
      skipped: {},
      durationMs: expect.any(Number),
      tokens: 0,
    });
  });

  it('gives an active mission with a cadence but no nextRunAt its next run (cron in the user time zone)', async () => {
    h = await startHarness();
    await putMission(h.engine, 'cron', { cadence: { kind: 'cron', expression: '30 7 * * 1-5' } });
    await putMission(h.engine, 'manual', { cadence: { kind: 'manual' } });
    await h.engine.call('runner.tick', {});
    expect((await mission('cron')).nextRunAt).toBe('2026-11-23T06:30:00.000Z'); // Monday 07:30 Berlin
    expect((await mission('manual')).nextRunAt ?? null).toBeNull();
  });

  it('moves upcoming wall-clock runs when the time zone setting changes', async () => {
    h = await startHarness();
    await putMission(h.engine, 'daily', { cadence: { kind: 'daily', atHour: 18, atMinute: 0 }, nextRunAt: '2026-11-20T17:00:00.000Z' });
    await putMission(h.engine, 'hourly', due({ nextRunAt: '2026-11-20T09:30:00.000Z' }));
    await h.engine.call('settings.update', { runner: { timeZone: 'America/New_York' } });
    expect((await mission('daily')).nextRunAt).toBe('2026-11-20T23:00:00.000Z'); // 18:00 in New York
    expect((await mission('hourly')).nextRunAt).toBe('2026-11-20T09:30:00.000Z');
  });

  it('pausing the whole runner skips ticks and is recorded', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1', due());
    await h.engine.call('runner.setPaused', { paused: true });
    expect(await h.engine.call('runner.tick', {})).toMatchObject({ due: 0, skipped: { paused: 1 } });
    expect(h.llm.requests).toHaveLength(0);
  });
});

describe('concurrency', () => {
  it('bounds LLM calls by the concurrency setting (default 2) and reports phases', async () => {
    h = await startHarness();
    h.llm.setDefault({ ...planReply([]), delayMs: 1 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) await putMission(h.engine, id, due());
    const calling = new Set<string>();
    let maxCalling = 0;
    const phases = new Set<string>();
    h.engine.on((event, payload: any) => {
      if (event !== 'runner.phase') return;
      phases.add(payload.phase);
      if (payload.phase === 'calling-llm') calling.add(payload.missionId);
      else calling.delete(payload.missionId);
      maxCalling = Math.max(maxCalling, calling.size);
    });
    const tick = h.engine.call('runner.tick', {});
    await h.llm.waitForRequests(2);
    const phaseOf = async () => (await h.engine.call('runner.status', {})).running.map((r) => r.phase).sort();
    expect(await phaseOf()).toEqual(['calling-llm', 'calling-llm', 'queued', 'queued', 'queued']);
    h.llmTimers.advance(1); // the first two answer; two queued runs take their slots
    await h.llm.waitForRequests(4);
    expect(await phaseOf()).toEqual(['calling-llm', 'calling-llm', 'queued']);
    h.llm.setDefault(planReply([])); // the last one answers at once
    h.llmTimers.advance(1);
    expect(await tick).toMatchObject({ due: 5, planned: 5 });
    expect(h.llm.requests).toHaveLength(5);
    expect(maxCalling).toBe(2);
    expect([...phases]).toEqual(expect.arrayContaining(['queued', 'resolving-inputs', 'calling-llm', 'validating', 'writing']));
  });

  it('shows a running iteration with its phase and how long it has been in it', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ ...planReply([]), delayMs: 1 });
    const pending = h.engine.call('missions.runNow', { missionId: 'm1' });
    await h.llm.waitForRequests(1);
    h.clock.advance(1234);
    const { running } = await h.engine.call('runner.status', {});
    expect(running).toEqual([expect.objectContaining({ missionId: 'm1', phase: 'calling-llm', round: 1, phaseElapsedMs: 1234, agentId: 'agent:default' })]);
    h.llmTimers.advance(1);
    await pending;
    expect((await h.engine.call('runner.status', {})).running).toEqual([]);
  });

  it('an agent runs at most maxConcurrentMissions due missions at once; the others queue', async () => {
    h = await startHarness({ runner: { concurrency: 4 } });
    await putRecord(h.engine, 'ai', 'agents', 'solo', { name: 'Solo', maxConcurrentMissions: 1 });
    await putMission(h.engine, 'm1', due({ agentId: 'solo' }));
    await putMission(h.engine, 'm2', due({ agentId: 'solo' }));
    await putMission(h.engine, 'm3', due());
    const isSolo = (r: { body: any }) => String(r.body.messages[0].content).includes('Name: Solo');
    h.llm.setDefault({ ...planReply([]), delayMs: 1 });
    const tick = h.engine.call('runner.tick', {});
    const asking = await h.llm.waitForRequests(2);
    // one solo mission and the other agent's are asking; the second solo mission waits for its agent
    expect(asking.filter(isSolo)).toHaveLength(1);
    const running = (await h.engine.call('runner.status', {})).running;
    expect(running.filter((r) => r.agentId === 'solo').map((r) => r.phase).sort()).toEqual(['calling-llm', 'queued']);
    h.llm.setDefault(planReply([]));
    h.llmTimers.advance(1); // the first solo mission is done: the second asks
    expect(await tick).toMatchObject({ due: 3, planned: 3 });
    expect(h.llm.requests.map(isSolo)).toEqual([...asking.map(isSolo), true]);
  });
});

describe('aborting in-flight runs', () => {
  it('pausing a mission (a synced write) aborts its LLM call; nothing is written', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ hang: true });
    const pending = h.engine.call('missions.runNow', { missionId: 'm1' });
    await h.llm.waitForRequests(1);
    await updateRecord(h.engine, 'ai', 'aiMissions', 'm1', { state: 'paused' });
    await expect(pending).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/aborted/) });
    expect(await listData(h.engine, 'ai', 'aiIterations')).toEqual([]);
  });

  it('deleting a mission aborts its run; missions.pause does too', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1');
    await putMission(h.engine, 'm2');
    h.llm.enqueue({ hang: true }, { hang: true });
    const one = h.engine.call('missions.runNow', { missionId: 'm1' });
    const two = h.engine.call('missions.runNow', { missionId: 'm2' });
    await h.llm.waitForRequests(2);
    await h.engine.call('sync.push', { clientId: 'r', changes: [{ eventId: 'del-m1', app: 'ai', table: 'aiMissions', id: 'm1', op: 'delete' }] });
    await expect(one).rejects.toMatchObject({ code: 'CONFLICT' });
    await h.engine.call('missions.pause', { missionId: 'm2' });
    await expect(two).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await mission('m2')).state).toBe('paused');
  });

  it('closing the engine aborts in-flight calls, and resolves once their runs have let go', async () => {
    h = await startHarness({ llm: { timeoutMs: 60_000 } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue({ hang: true });
    const pending = h.engine.call('missions.runNow', { missionId: 'm1' }).catch((e: unknown) => e);
    await h.llm.waitForRequests(1);
    // The LLM never answers and its timeout is a minute away (past the test's own limit): only
    // the abort can end the run, and close() resolves only once the run has released its claim.
    await h.engine.close();
    expect(await pending).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/aborted/) });
    expect(h.llm.requests).toHaveLength(1);
  });
});

describe('failures, back-off and attention', () => {
  it(`after ${MAX_FAILURES} failures in a row the mission needs attention until resumed`, async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1', due());
    h.llm.setDefault({ status: 400 });
    for (let i = 1; i <= MAX_FAILURES; i++) {
      const m = await mission('m1');
      h.clock.set(m.nextRunAt);
      expect(await h.engine.call('runner.tick', {})).toMatchObject({ due: 1, failed: 1 });
      expect((await mission('m1')).failureStreak).toBe(i);
    }
    expect(await mission('m1')).toMatchObject({ needsAttention: true, nextRunAt: null, failureStreak: MAX_FAILURES });
    expect(h.events.filter((e) => e.event === 'mission.attention')).toEqual([
      { event: 'mission.attention', payload: { missionId: 'm1', missionTitle: 'Mission m1', reason: expect.stringMatching(/answered 400/) } },
    ]);
    h.clock.advance(24 * HOUR);
    expect(await h.engine.call('runner.tick', {})).toMatchObject({ due: 0 });

    const resumed = await h.engine.call('missions.resume', { missionId: 'm1' });
    expect(resumed.nextRunAt).toBe(new Date(h.clock.now() + HOUR).toISOString());
    expect(await mission('m1')).toMatchObject({ needsAttention: false, failureStreak: 0, state: 'active', nextRunAt: resumed.nextRunAt });
    h.llm.setDefault(planReply([]));
    h.clock.advance(HOUR);
    expect(await h.engine.call('runner.tick', {})).toMatchObject({ due: 1, planned: 1 });
  });

  it('resume of a paused daily mission schedules from the cadence in the user time zone', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1', { state: 'paused', cadence: { kind: 'daily', atHour: 18, atMinute: 30 } });
    expect(await h.engine.call('missions.resume', { missionId: 'm1' })).toEqual({ nextRunAt: '2026-11-20T17:30:00.000Z' });
  });

  it('a mission record that cannot be used needs attention at once, without an LLM call', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1', due({ cadence: { kind: 'sometimes' } }));
    const tick = await h.engine.call('runner.tick', {});
    expect(tick).toMatchObject({ due: 1, skipped: { 'invalid-mission': 1 } });
    expect(h.llm.requests).toHaveLength(0);
    expect(await mission('m1')).toMatchObject({ needsAttention: true, nextRunAt: null });
    expect((await listData(h.engine, 'ai', 'aiIterations'))[0]).toMatchObject({ status: 'skipped', error: expect.stringMatching(/cadence/) });
  });
});

describe('agents and budgets', () => {
  it('an agent over its daily token budget is skipped (fail-closed), recorded, and retried after local midnight', async () => {
    h = await startHarness();
    await putRecord(h.engine, 'ai', 'agents', 'frugal', { name: 'Frugal', maxTokensPerDay: 100 });
    await putMission(h.engine, 'm1', due({ agentId: 'frugal' }));
    h.llm.enqueue({ ...planReply([]), usage: { prompt_tokens: 90, completion_tokens: 30, total_tokens: 120 } });
    expect(await h.engine.call('runner.tick', {})).toMatchObject({ planned: 1, tokens: 120 });
    expect(await h.engine.call('agents.usage', {})).toEqual({ day: '2026-11-20', usage: { frugal: 120 } });

    h.clock.set((await mission('m1')).nextRunAt);
    expect(await h.engine.call('runner.tick', {})).toMatchObject({ due: 1, planned: 0, skipped: { 'over-budget': 1 } });
    expect(h.llm.requests).toHaveLength(1);
    const skipped = (await listData(h.engine, 'ai', 'aiIterations')).find((i) => i.status === 'skipped');
    expect(skipped?.summary).toBe('Skipped: agent "Frugal" used 120 of its 100 tokens today.');
    expect((await mission('m1')).nextRunAt).toBe('2026-11-20T23:00:00.000Z'); // midnight in Berlin
    await expect(h.engine.call('missions.runNow', { missionId: 'm1' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/used \d+ of its 100 tokens today/) });

    h.clock.set('2026-11-20T23:00:00.000Z');
    expect(await h.engine.call('runner.tick', {})).toMatchObject({ planned: 1 });
  });

  it('a paused, deleted or invalid agent skips its missions (fail-closed), recorded; token use is per agent', async () => {
    h = await startHarness();
    await putRecord(h.engine, 'ai', 'agents', 'resting', { name: 'Resting', state: 'paused' });
    await putMission(h.engine, 'm1', due({ agentId: 'resting' }));
    await putMission(h.engine, 'm2', due({ agentId: 'gone' }));
    await putMission(h.engine, 'm3', due());
    await putRecord(h.engine, 'ai', 'agents', 'nameless', { role: 'no name', maxConcurrentMissions: 0 });
    await putMission(h.engine, 'm4', due({ agentId: 'nameless' }));
    const tick = await h.engine.call('runner.tick', {});
    expect(tick).toMatchObject({ due: 4, planned: 1, skipped: { 'agent-paused': 1, 'agent-missing': 1, 'agent-invalid': 1 } });
    const its = await listData(h.engine, 'ai', 'aiIterations');
    expect(its.map((i) => i.summary).sort()).toEqual(
      expect.arrayContaining(['Skipped: agent "Resting" is paused.', 'The mission\'s agent "gone" no longer exists; pick another agent for it.']),
    );
    expect(Object.keys((await h.engine.call('agents.usage', {})).usage)).toEqual(['agent:default']);
  });

  it("the agent's name, role and instructions go into the prompt", async () => {
    h = await startHarness();
    await putRecord(h.engine, 'ai', 'agents', 'writer', { name: 'Scribe', role: 'Keeps notes tidy', systemPrompt: 'Always answer in German.' });
    await putMission(h.engine, 'm1', { agentId: 'writer' });
    await h.engine.call('missions.runNow', { missionId: 'm1' });
    const system = h.llm.requests[0]!.body.messages[0].content as string;
    expect(system).toContain('Name: Scribe');
    expect(system).toContain('Role: Keeps notes tidy');
    expect(system).toContain('Always answer in German.');
  });
});
