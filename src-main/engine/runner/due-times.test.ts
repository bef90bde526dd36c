/**
 * The runner role and the claim, with real parts (engines, a sync server or the upstream-style
 * stub, the scripted LLM): who plans a due time, who stands by, what a skip records, and that a
 * skipped due time does not make the runner wake up again and again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import type { RunnerRole } from '../../../src-shared/domain/settings';
import { startScriptedLlm, type ScriptedLlm } from '../../testing/llm-server';
import { type UpstreamStub, startUpstreamStub } from '../../server/testing/upstream-stub';
import { missionInsert } from '../testing/changes';
import { planReply } from '../testing/harness';
import { householdPerTest } from '../testing/household';
import { type Device, startDevice } from '../testing/sync-devices';
import { TestClock } from '../testing/test-clock';
import { PUSH_DEBOUNCE_MS } from '../sync/client';
import { dueIterationId } from './plan-ids';

const START = '2026-11-20T09:00:00.000Z';
const DUE = '2026-11-20T09:01:00.000Z';

let llm: ScriptedLlm;
let clock: TestClock;

beforeEach(async () => {
  llm = await startScriptedLlm({ defaultReply: () => planReply([{ toolName: 'create_task', params: { title: 'Water the plants' }, rationale: 'dry' }]) });
  clock = new TestClock(START);
});

afterEach(async () => {
  await llm.close();
});

// After the LLM's hooks: its devices close before the LLM does.
const household = householdPerTest();

/** A device with this runner role, on the household's server unless another one is named. */
function device(name: string, role: RunnerRole, server?: { url: string; token: string }): Device {
  return household.device(name, { clock, llmUrl: llm.url, runner: { role, tickIntervalMs: 60_000 }, ...(server ? { serverUrl: server.url, token: server.token } : {}) });
}

async function addMission(d: Device): Promise<void> {
  await d.engine.call('sync.push', { clientId: 'renderer', changes: [missionInsert('m1', { cadence: { kind: 'cron', expression: '* * * * *' }, nextRunAt: DUE })] });
}

const planned = (d: Device) => d.engine.store.get(AI_APP, TABLES.iterations, dueIterationId('m1', DUE)) !== null;

describe('runner role and claims', () => {
  it('the loser of a claim skips, writes nothing, says why, and does not wake up for it again', async () => {
    const a = device('laptop', 'always');
    const b = device('home-server', 'always');
    await addMission(a);
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    clock.set(DUE);
    const won = await a.engine.runner.tick();
    expect(won).toMatchObject({ planned: 1 });
    const lost = await b.engine.runner.tick();
    expect(lost).toMatchObject({ planned: 0, skipped: { 'planned-elsewhere': 1 } });
    expect(planned(b)).toBe(false);
    expect(llm.requests).toHaveLength(1);
    // B's mission still shows the old due time until A's plan arrives; its timer does not wake up
    // for it (only the safety-net tick looks again).
    expect(b.engine.store.getData(AI_APP, TABLES.missions, 'm1')?.nextRunAt).toBe(DUE);
    expect(b.engine.runner.status().nextDueAt).toBeNull();
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    expect(planned(b)).toBe(true);
    expect(b.engine.store.getData(AI_APP, TABLES.missions, 'm1')?.nextRunAt).toBe('2026-11-20T09:02:00.000Z');
  });

  it('a device that was away exchanges with the server before its runner plans what it missed', async () => {
    const a = device('laptop', 'always');
    await addMission(a);
    await a.engine.sync.syncNow();
    // not the household's: killed here, and its data dir lives on in `back`
    const b = startDevice({ name: 'home-server', serverUrl: household.server.url, token: household.token, clock, llmUrl: llm.url, runner: { role: 'always' } });
    await b.engine.sync.syncNow();
    await b.kill(); // away while the due time passes
    clock.set(DUE);
    expect(await a.engine.runner.tick()).toMatchObject({ planned: 1 });
    await a.engine.sync.syncNow();
    // back: its runner starts, but ticks only after the first exchange brought A's plan
    const back = household.device('home-server', { clock, llmUrl: llm.url, runner: { role: 'always' }, dataDir: b.dir, autoStart: true });
    await expect.poll(() => back.engine.runner.status().nextTickAt).not.toBeNull();
    expect(back.engine.store.getData(AI_APP, TABLES.missions, 'm1')?.nextRunAt).toBe('2026-11-20T09:02:00.000Z');
    expect(back.requests.filter((r) => r.url.includes('/claims'))).toEqual([]);
    expect(llm.requests).toHaveLength(1);
  });

  it('"only when the server is unreachable": stands by while it answers, plans when it does not', async () => {
    const standBy = device('laptop', 'when-offline');
    await addMission(standBy);
    await standBy.engine.sync.syncNow();
    clock.set(DUE);
    expect(await standBy.engine.runner.tick()).toMatchObject({ planned: 0, skipped: { 'standing-by': 1 } });
    expect(planned(standBy)).toBe(false);
    expect(llm.requests).toHaveLength(0);
    standBy.offline = true;
    await standBy.engine.sync.syncNow();
    expect(await standBy.engine.runner.tick()).toMatchObject({ planned: 1 });
    expect(planned(standBy)).toBe(true);
  });

  it('"never": no scheduled run on this device; Run now still plans', async () => {
    const never = device('phone', 'never');
    await addMission(never);
    clock.set(DUE);
    expect(await never.engine.runner.tick()).toMatchObject({ planned: 0, skipped: { 'runner-role-never': 1 } });
    expect(llm.requests).toHaveLength(0);
    expect(await never.engine.call('missions.runNow', { missionId: 'm1' })).toMatchObject({ status: 'awaiting-review' });
  });

  it('a server without claims (upstream): "always" plans, "only when unreachable" stands by', async () => {
    const stub: UpstreamStub = await startUpstreamStub({ token: 'stub-token', now: () => clock.now() });
    const always = device('home-server', 'always', { url: stub.url, token: 'stub-token' });
    const standBy = device('laptop', 'when-offline', { url: stub.url, token: 'stub-token' });
    try {
      await addMission(always);
      await always.engine.sync.syncNow();
      await standBy.engine.sync.syncNow();
      clock.set(DUE);
      expect(await standBy.engine.runner.tick()).toMatchObject({ planned: 0, skipped: { 'standing-by': 1 } });
      expect(await always.engine.runner.tick()).toMatchObject({ planned: 1 });
      expect(always.engine.sync.status().claims).toBe('unsupported');
    } finally {
      // before the stub: a device syncing with a closed server would retry until closed
      for (const d of [always, standBy]) await d.close().catch(() => undefined);
      await stub.close();
    }
  });

  it('a plan of the due time that arrived before the claim could tell: not planned again', async () => {
    const a = device('laptop', 'always');
    const b = device('home-server', 'always');
    await addMission(a);
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    // B's network goes (its live channel with it)
    b.offline = true;
    await b.engine.sync.syncNow();
    clock.set(DUE);
    await a.engine.runner.tick();
    await a.engine.sync.syncNow();
    // B gets A's iteration but not yet the mission's new due time (a page of another collection),
    // and cannot reach the server to claim.
    const { changes } = await household.server.client(household.token, 'observer').pullAll(AI_APP, TABLES.iterations);
    b.engine.store.applyRemote(
      changes.map((c) => ({ eventId: c.eventId, app: AI_APP, table: c.table, id: c.id, op: c.op, writes: c.fields, actor: c.actor, origin: c.origin, spaceId: c.spaceId, clientId: c.clientId })),
    );
    expect(b.engine.store.getData(AI_APP, TABLES.missions, 'm1')?.nextRunAt).toBe(DUE);
    expect(await b.engine.runner.tick()).toMatchObject({ planned: 0, skipped: { 'already-planned': 1 } });
    expect(llm.requests).toHaveLength(1);
  });

  it('two plans of one due time made apart: one set of cards; a card decided on one device stays decided; the other plan’s extra step stays a card', async () => {
    const a = device('laptop', 'always');
    const b = device('home-server', 'always');
    await addMission(a);
    await a.engine.sync.syncNow();
    await b.engine.sync.syncNow();
    for (const d of [a, b]) {
      d.offline = true;
      await d.engine.sync.syncNow();
    }
    const task = (title: string) => ({ toolName: 'create_task', params: { title }, rationale: `${title} is due` });
    llm.enqueue(planReply([task('Water the plants'), task('Call the plumber')]), planReply([task('Book the dentist'), task('Call the plumber'), task('Pay the rent')]));
    clock.set(DUE);
    expect(await a.engine.runner.tick()).toMatchObject({ planned: 1, proposals: 2 });
    expect(await b.engine.runner.tick()).toMatchObject({ planned: 1, proposals: 3 });
    const iterationId = dueIterationId('m1', DUE);
    // decided on the laptop while apart
    clock.advance(60_000);
    expect((await a.engine.call('proposals.approve', { proposalId: `${iterationId}.0` })).proposal.status).toBe('approved');
    for (const d of [a, b]) d.offline = false;
    await a.engine.sync.syncNow();
    clock.advance(PUSH_DEBOUNCE_MS); // pushes the decision's debounced push would make: nothing left
    await expect.poll(() => a.engine.sync.status().live).toBe(true);
    await b.engine.sync.syncNow();
    // A hears of B's plan on the live channel and notes that both planned: a change of its own,
    // pushed shortly after without being asked
    await expect.poll(() => a.engine.store.getData(AI_APP, TABLES.iterations, iterationId)?.plannedOn).toEqual(['home-server', 'laptop']);
    expect(a.engine.sync.status().waiting).toBeGreaterThan(0);
    clock.advance(PUSH_DEBOUNCE_MS);
    await expect.poll(() => a.engine.sync.status().waiting).toBe(0);
    for (const d of [a, b, a, b]) await d.engine.sync.syncNow();

    for (const d of [a, b]) {
      const cards = d.engine.store.list(AI_APP, TABLES.proposals).map((r) => ({ id: r.id, ...r.data }) as Record<string, any>);
      expect(cards.map((c) => c.iterationId)).toEqual([iterationId, iterationId, iterationId]);
      const byId = Object.fromEntries(cards.map((c) => [c.id, c]));
      expect(byId[`${iterationId}.0`]).toMatchObject({ status: 'approved', params: { title: 'Water the plants' } });
      expect(byId[`${iterationId}.1`]).toMatchObject({ status: 'pending', params: { title: 'Call the plumber' } });
      expect(byId[`${iterationId}.2`]).toMatchObject({ status: 'pending', params: { title: 'Pay the rent' } });
      for (const id of ['.1', '.2']) expect(byId[`${iterationId}${id}`].plannedOn).toEqual(['home-server', 'laptop']);
      expect(d.engine.store.getData(AI_APP, TABLES.iterations, iterationId)?.plannedOn).toEqual(['home-server', 'laptop']);
      expect(d.engine.store.listData('todo', 'tasks').map((t) => t.title)).toEqual(['Water the plants']);
    }
    const same = (d: Device) => d.engine.store.list(AI_APP, TABLES.proposals).map(({ seq: _local, ...r }) => r);
    expect(same(a)).toEqual(same(b));
  });
});
