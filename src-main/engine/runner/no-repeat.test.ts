/**
 * No repeated work (issue 12): a mission waiting for review is not planned again and does not
 * busy-loop the timer or write a record per skipped tick; when it plans anyway (Run now, or its
 * setting), the prompt lists what waits and the writer refuses a step identical to a waiting
 * proposal or to a recent change of the mission, keeping it on the iteration; an Auto tool never
 * applies the same change twice because the model repeated itself. Real database, real scripted
 * LLM server, the harness's manual clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../testing/llm-server';
import { type Harness, getData, listData, planReply, putMission, putRecord, sentMessages, startHarness, toolCalls, updateRecord } from '../testing/harness';
import { REPEAT_HORIZON_MIN_MS } from './repeats';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const task = (title: string, extra: Record<string, unknown> = {}) => ({ toolName: 'create_task', params: { title, ...extra }, rationale: 'needed' });
const everyMinute = (extra: Record<string, unknown> = {}) => ({ cadence: { kind: 'interval', everyMinutes: 1 }, nextRunAt: '2026-11-20T09:00:00.000Z', ...extra });
const iterations = async () => (await listData(h.engine, 'ai', 'aiIterations')).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
const pending = async () => (await listData(h.engine, 'ai', 'aiProposals')).filter((p) => p.status === 'pending');
const logSeq = async () => (await h.engine.call('sync.pull', { since: 0, limit: 1 })).seq;

/** Lets the runner's timer fire what is due now and waits for that tick. */
async function fireTick(ms = 0) {
  const ticked = h.nextEvent('runner.tick');
  h.clock.advance(ms);
  return ticked;
}

describe('a mission waiting for review', () => {
  it('is not planned again by its cadence, does not keep the timer busy and writes nothing while it waits; it runs once after the review', async () => {
    h = await startHarness({ runner: { tickIntervalMs: HOUR } });
    h.llm.setDefault((r: RecordedRequest) => planReply([task(`Task ${r.seq}a`), task(`Task ${r.seq}b`)]));
    await putMission(h.engine, 'm1', everyMinute());
    h.engine.runner.start();
    expect(await fireTick()).toMatchObject({ due: 1, planned: 1, proposals: 2 });

    // Its next run is a minute away, but it waits for review: the timer is the safety net's, not a minute.
    const status = await h.engine.call('runner.status', {});
    expect(status.nextDueAt).toBeNull();
    expect(status.nextTickAt).toBe(new Date(h.clock.now() + HOUR).toISOString());
    const seq = await logSeq();
    for (let i = 0; i < 48; i++) expect(await fireTick(HOUR)).toMatchObject({ due: 1, planned: 0, skipped: { 'waiting-for-review': 1 } });
    // two days later: one LLM call, one iteration, not a record per skipped tick
    expect(h.llm.requests).toHaveLength(1);
    expect(await logSeq()).toBe(seq);
    expect(await iterations()).toHaveLength(1);
    expect((await getData(h.engine, 'ai', 'aiMissions', 'm1'))!.nextRunAt).toBe('2026-11-20T09:01:00.000Z');

    // Deciding the first card is not enough; deciding the last one re-arms the timer at once.
    const [a, b] = (await pending()).sort((x, y) => x.id.localeCompare(y.id));
    await h.engine.call('proposals.approve', { proposalId: a!.id });
    expect((await h.engine.call('runner.status', {})).nextDueAt).toBeNull();
    await h.engine.call('proposals.reject', { proposalId: b!.id, feedback: 'not now' });
    expect((await h.engine.call('runner.status', {})).nextDueAt).toBe('2026-11-20T09:01:00.000Z');
    expect(await fireTick()).toMatchObject({ due: 1, planned: 1, proposals: 2 });
    expect(h.llm.requests).toHaveLength(2);
    expect(await iterations()).toHaveLength(2);
  });

  it('a decision synced from another device ends the wait too', async () => {
    h = await startHarness({ runner: { tickIntervalMs: HOUR } });
    await putMission(h.engine, 'm1', everyMinute());
    h.llm.setDefault(planReply([task('Once')]));
    h.engine.runner.start();
    await fireTick();
    const [p] = await pending();
    h.clock.advance(5 * MINUTE);
    await updateRecord(h.engine, 'ai', 'aiProposals', p!.id, { status: 'rejected', decidedAt: h.clock.date().toISOString() });
    expect((await h.engine.call('runner.status', {})).nextTickAt).toBe(h.clock.date().toISOString());
  });

  it('Run now still plans it: the prompt lists what waits, and a step identical to a waiting proposal is refused and kept', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1', everyMinute());
    h.llm.enqueue(planReply([task('Call Anna', { dueDate: '2026-11-27', description: 'Ask about Friday' })]));
    await h.engine.call('missions.runNow', { missionId: 'm1' });
    // the model repeats itself, written differently: other key order, spaces, plus one new step
    h.llm.enqueue(planReply([{ toolName: 'create_task', params: { description: ' Ask about Friday  ', dueDate: '2026-11-27', title: 'Call Anna' }, rationale: 'again' }, task('Book room')]));
    const run = await h.engine.call('missions.runNow', { missionId: 'm1' });

    const prompt = sentMessages(h.llm, 1)[1]!.content!;
    expect(prompt).toContain("## Already proposed, awaiting the user's review");
    expect(prompt).toMatch(/create_task: Create task 'Call Anna' due .*\n {4}Params: \{"title":"Call Anna","dueDate":"2026-11-27","description":"Ask about Friday"\}/);
    expect(run.status).toBe('awaiting-review');
    const it = (await getData(h.engine, 'ai', 'aiIterations', run.iterationId!))!;
    expect(it.steps.map((s: any) => [s.params.title, s.refused ?? null, s.proposalId ?? null])).toEqual([
      ['Call Anna', 'already-proposed', null],
      ['Book room', null, `${run.iterationId}.1`],
    ]);
    expect(it.steps[0].error).toBe('The same change is already waiting for your review.');
    expect((await pending()).map((p) => p.params.title).sort()).toEqual(['Book room', 'Call Anna']);
  });

  it('with "plan while waiting" on, its cadence plans it, and never stages a second card for one change', async () => {
    h = await startHarness({ runner: { tickIntervalMs: HOUR } });
    await putMission(h.engine, 'm1', everyMinute({ planWhileWaiting: true }));
    h.llm.setDefault(planReply([task('Water plants')]));
    h.engine.runner.start();
    expect(await fireTick()).toMatchObject({ planned: 1, proposals: 1 });
    expect((await h.engine.call('runner.status', {})).nextDueAt).toBe('2026-11-20T09:01:00.000Z');
    // A repeated plan every minute: a failed run that says why, but no back-off (nothing is broken).
    for (let i = 0; i < 5; i++) expect(await fireTick(MINUTE)).toMatchObject({ due: 1, failed: 1, proposals: 0 });
    expect(await pending()).toHaveLength(1);
    const last = (await iterations()).at(-1)!;
    expect(last).toMatchObject({ status: 'failed', error: 'The model proposed 1 change; it could not be used: it was already proposed.' });
    expect(await getData(h.engine, 'ai', 'aiMissions', 'm1')).toMatchObject({ failureStreak: 0, needsAttention: false, nextRunAt: new Date(h.clock.now() + MINUTE).toISOString() });
  });
});

describe('changes the mission made recently', () => {
  it('an Auto tool never applies a repeated change twice within the horizon; after it, the change is new again', async () => {
    h = await startHarness();
    await putRecord(h.engine, 'ai', 'agents', 'agent:default', { name: 'Companion', policy: { tools: { create_task: 'auto' }, modules: {} } });
    await putMission(h.engine, 'm1', { cadence: { kind: 'interval', everyMinutes: 60 } });
    const plan = planReply([task('Pay rent', { dueDate: '2026-12-01' })]);
    h.llm.enqueue(plan, plan, plan);
    expect(await h.engine.call('missions.runNow', { missionId: 'm1' })).toMatchObject({ status: 'done' });
    h.clock.advance(REPEAT_HORIZON_MIN_MS - HOUR);
    const again = await h.engine.call('missions.runNow', { missionId: 'm1' });
    expect(again).toMatchObject({ status: 'failed', error: 'The model proposed 1 change; it could not be used: it was already done.' });
    expect((await getData(h.engine, 'ai', 'aiIterations', again.iterationId!))!.steps[0]).toMatchObject({ refused: 'already-done', policy: 'auto' });
    expect(await listData(h.engine, 'todo', 'tasks')).toHaveLength(1);
    // an hourly mission's horizon is a day (two periods, at least a day): past it, the same task is a new chore
    h.clock.advance(2 * HOUR);
    expect(await h.engine.call('missions.runNow', { missionId: 'm1' })).toMatchObject({ status: 'done' });
    expect(await listData(h.engine, 'todo', 'tasks')).toHaveLength(2);
  });

  it('an approved edit counts as done (its params and the model\'s original); rejected and undone changes as declined; failed ones not at all', async () => {
    h = await startHarness();
    await putRecord(h.engine, 'todo', 'tasks', 't1', { title: 'Report', done: false });
    await putMission(h.engine, 'm1', { cadence: { kind: 'daily', atHour: 8 } });
    h.llm.enqueue(planReply([task('Draft'), task('Review'), task('Ship'), { toolName: 'complete_task', params: { taskId: 'gone' }, rationale: 'done' }]));
    const first = await h.engine.call('missions.runNow', { missionId: 'm1' });
    const id = (i: number) => `${first.iterationId}.${i}`;
    await h.engine.call('proposals.approve', { proposalId: id(0), params: { title: 'Draft v2' } });
    await h.engine.call('proposals.approve', { proposalId: id(1) });
    await h.engine.call('proposals.revert', { proposalId: id(1) });
    await h.engine.call('proposals.reject', { proposalId: id(2), feedback: 'not this week' });
    expect((await h.engine.call('proposals.approve', { proposalId: id(3) })).proposal.status).toBe('failed');

    h.llm.enqueue(planReply([task('Draft'), task('Draft v2'), task('Review'), task('Ship'), { toolName: 'complete_task', params: { taskId: 'gone' }, rationale: 'again' }]));
    const second = await h.engine.call('missions.runNow', { missionId: 'm1' });
    const it = (await getData(h.engine, 'ai', 'aiIterations', second.iterationId!))!;
    expect(it.steps.map((s: any) => s.refused ?? s.proposalId)).toEqual(['already-done', 'already-done', 'already-declined', 'already-declined', `${second.iterationId}.4`]);
    // the next prompt says what the user approved (their edit) and why they rejected
    const prompt = sentMessages(h.llm, 1)[1]!.content!;
    expect(prompt).toMatch(/\(reviewed: 1 approved after editing, 1 rejected, 1 undone, 1 failed when applied\)/);
    expect(prompt).toContain('[approved after the user edited it (the params shown are the user\'s)] create_task: Create task \'Draft v2\'\n    Params: {"title":"Draft v2"}');
    expect(prompt).toContain("[rejected] create_task: Create task 'Ship'\n    Params: {\"title\":\"Ship\"}\n    User feedback: not this week");
  });

  it('dates are compared as the times they stand for', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1');
    const event = (startTime: string, endTime: string) => ({ toolName: 'create_event', params: { title: 'Dentist', startTime, endTime }, rationale: 'r' });
    h.llm.enqueue(planReply([event('2026-11-23T10:00', '2026-11-23T11:00')]));
    await h.engine.call('missions.runNow', { missionId: 'm1' });
    // the same hour in Berlin, written as a zoned instant and with a space and seconds
    h.llm.enqueue(planReply([event('2026-11-23T09:00:00Z', '2026-11-23 11:00:00'), event('2026-11-23T10:30', '2026-11-23T11:00')]));
    const run = await h.engine.call('missions.runNow', { missionId: 'm1' });
    const it = (await getData(h.engine, 'ai', 'aiIterations', run.iterationId!))!;
    expect(it.steps.map((s: any) => s.refused ?? 'new')).toEqual(['already-proposed', 'new']);
  });

  it('a repeat within one plan is refused as well', async () => {
    h = await startHarness();
    await putMission(h.engine, 'm1');
    h.llm.enqueue(planReply([task('Same'), task('Same ')]));
    const run = await h.engine.call('missions.runNow', { missionId: 'm1' });
    const it = (await getData(h.engine, 'ai', 'aiIterations', run.iterationId!))!;
    expect(it.steps.map((s: any) => s.refused ?? 'new')).toEqual(['new', 'already-proposed']);
    expect(run.status).toBe('awaiting-review');
  });
});

describe('no step dropped unseen', () => {
  it('write calls without a reason that the repair round does not bring back: a failed run listing them, not "Done"', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(
      toolCalls({ name: 'create_task', arguments: { title: 'A' } }, { name: 'create_task', arguments: { title: 'B' } }, { name: 'create_note', arguments: { title: 'x', content: '' } }),
      { content: 'Plan complete.' },
    );
    const run = await h.engine.call('missions.runNow', { missionId: 'm1' });
    expect(run).toMatchObject({ status: 'failed', error: 'The model proposed 3 changes; none could be used: 2 had no reason, 1 had details that were not valid.' });
    const it = (await getData(h.engine, 'ai', 'aiIterations', run.iterationId!))!;
    expect(it.steps.map((s: any) => [s.params.title, s.refused])).toEqual([
      ['A', 'no-reason'],
      ['B', 'no-reason'],
      ['x', 'invalid-params'],
    ]);
    expect(it.steps[2].issues).toEqual([expect.objectContaining({ path: ['content'] })]);
    expect(await listData(h.engine, 'ai', 'aiProposals')).toEqual([]);
  });

  it('a call repaired in the repair round is not listed as refused', async () => {
    h = await startHarness({ llm: { plannerMode: 'tools' } });
    await putMission(h.engine, 'm1');
    h.llm.enqueue(
      toolCalls({ name: 'create_task', arguments: { title: 'A' } }, { name: 'create_task', arguments: { title: 'B' } }),
      toolCalls({ name: 'create_task', arguments: { title: 'A', rationale: 'fixed' } }),
      { content: 'Plan complete.' },
    );
    const run = await h.engine.call('missions.runNow', { missionId: 'm1' });
    expect(run.status).toBe('awaiting-review');
    const it = (await getData(h.engine, 'ai', 'aiIterations', run.iterationId!))!;
    // one of the two was repaired; the other is still listed
    expect(it.steps.map((s: any) => [s.params.title, s.refused ?? null])).toEqual([
      ['B', 'no-reason'],
      ['A', null],
    ]);
  });
});
