/**
 * The history keeper on a year of use (src-main/testing/year-of-use.ts) seeded with its arrival
 * times, at the year's end, on a real engine with a manual clock: what it archives, compacts and
 * drops, and what it keeps (the next prompt's view of every mission, Activity's inputs, the
 * records people see); its daily schedule; the sync client's floor; stopping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AI_APP, type Iteration, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import { createEngine, type Engine } from '../index';
import { pastIterations } from '../runner/history';
import { MemorySecretStore } from '../settings';
import { TestClock } from '../testing/test-clock';
import { tempDataDir } from '../testing/temp-db';
import { seedYearOfUse, YEAR_OF_USE_END, YEAR_OF_USE_PLACES, type YearOfUseSummary } from '../../testing/year-of-use';
import { CHECK_EVERY_MS, DAY_MS, FIRST_CHECK_MS } from './keeper';

const YEAR = { changes: 3_000, iterations: 100, decidedProposals: 240, pendingProposals: 6, seed: 7 };

let engine: Engine;
let clock: TestClock;
let summary: YearOfUseSummary;
let cleanup: () => void;

beforeEach(() => {
  const tmp = tempDataDir();
  clock = new TestClock('2025-11-29T12:00:00.000Z');
  engine = createEngine({ dataDir: tmp.dir, secrets: new MemorySecretStore(), now: () => clock.date(), timers: clock, autoStart: false });
  // Each batch arrives at its own instant of the year (compaction goes by arrival).
  summary = seedYearOfUse(engine.store, YEAR, (at) => clock.set(at > clock.date().toISOString() ? at : clock.date().toISOString()));
  clock.set(YEAR_OF_USE_END);
  cleanup = tmp.cleanup;
});
afterEach(async () => {
  await engine.close();
  cleanup();
});

const cutoff = () => new Date(clock.now() - engine.settings.get().history.horizonDays * DAY_MS).toISOString();
const all = <T>(place: { app: string; table: string }) => engine.store.listData<T>(place.app, place.table);

/** Everything the app shows of the year but runs and proposals (those are archived). */
function userRecords() {
  return [YEAR_OF_USE_PLACES.tasks, YEAR_OF_USE_PLACES.notes, YEAR_OF_USE_PLACES.missions].map((p) => engine.store.list(p.app, p.table, { includeDeleted: true }));
}

/** What Activity's approval rates count: decided proposals by tool and status. */
function decisions() {
  const counts = new Map<string, number>();
  for (const p of all<Proposal>(YEAR_OF_USE_PLACES.proposals)) counts.set(`${p.toolName} ${p.status}`, (counts.get(`${p.toolName} ${p.status}`) ?? 0) + 1);
  return counts;
}

/** Every entry of the audit timeline, newest first, as (seq, record, op, who). */
async function timeline() {
  const entries: [number, string, string, string | null][] = [];
  for (let before: number | null | undefined; before !== null; ) {
    const page = await engine.call('activity.list', { limit: 500, ...(before ? { before } : {}) });
    entries.push(...page.entries.map((e): [number, string, string, string | null] => [e.seq, e.id, e.op, e.actor?.principalId ?? null]));
    before = page.nextBefore;
  }
  return entries;
}

describe('the history keeper on a year of use', () => {
  it('compacts and archives what is older than the horizon, and keeps what people, Activity and the next prompt read', async () => {
    const missions = all<{ id: string }>(YEAR_OF_USE_PLACES.missions).map((m) => m.id);
    const promptBefore = missions.map((id) => pastIterations(engine.store, id));
    const recordsBefore = userRecords();
    const decisionsBefore = decisions();
    const timelineBefore = await timeline();
    expect(timelineBefore).toHaveLength(summary.changes);

    const run = await engine.call('history.compact', {});
    expect(run).toMatchObject({ reason: 'asked', horizonDays: 90, error: null, keepFrom: null });
    expect(run.compactedChanges).toBeGreaterThan(summary.changes / 2);
    expect(run.archivedRuns).toBeGreaterThan(0);
    expect(run.archivedProposals).toBeGreaterThan(0);

    // the log keeps only what arrived within the horizon (and the archiving itself)
    const pulled = await engine.call('sync.pull', { since: engine.store.compactedThrough(), limit: 10_000 });
    expect(pulled.changes.every((c) => c.createdAt! >= cutoff())).toBe(true);
    expect((await engine.call('sync.pull', { since: 0 })).cursorTooOld).toBe(true);

    // archived: runs and decided proposals older than the horizon, details dropped
    const runs = all<Iteration & { archivedAt?: string }>(YEAR_OF_USE_PLACES.iterations);
    const archivedRuns = runs.filter((r) => r.archivedAt);
    expect(archivedRuns).toHaveLength(run.archivedRuns);
    expect(archivedRuns.every((r) => r.startedAt < cutoff() && r.steps.every((s) => s.rationale === '' && Object.keys(s.params).length === 0))).toBe(true);
    const proposals = all<Proposal & { archivedAt?: string }>(YEAR_OF_USE_PLACES.proposals);
    expect(proposals.filter((p) => p.archivedAt).every((p) => p.status !== 'pending' && p.rationale === '')).toBe(true);
    expect(proposals.filter((p) => p.status === 'pending').every((p) => !p.archivedAt)).toBe(true);

    // kept: the next prompt's view of every mission, Activity's inputs, the records people see
    expect(missions.map((id) => pastIterations(engine.store, id))).toEqual(promptBefore);
    expect(decisions()).toEqual(decisionsBefore);
    expect(userRecords()).toEqual(recordsBefore);
    // the audit timeline still has every change (the keeper's own archiving is not listed)
    expect(await timeline()).toEqual(timelineBefore);

    // a rebuild from the compacted history gives the same projection
    const projection = [TABLES.iterations, TABLES.proposals].map((t) => engine.store.list(AI_APP, t, { includeDeleted: true }));
    engine.store.rebuildProjection();
    expect([TABLES.iterations, TABLES.proposals].map((t) => engine.store.list(AI_APP, t, { includeDeleted: true }))).toEqual(projection);

    // a second run at the same moment has nothing left to do
    expect(await engine.call('history.compact', {})).toMatchObject({ archivedRuns: 0, archivedProposals: 0, compactedChanges: 0 });

    // with the shortest horizon, each mission's newest runs are older than it, and stay whole
    engine.settings.update({ history: { horizonDays: 14 } });
    expect((await engine.call('history.compact', {})).archivedRuns).toBeGreaterThan(0);
    const kept = all<Iteration & { archivedAt?: string }>(YEAR_OF_USE_PLACES.iterations).filter((r) => !r.archivedAt && r.startedAt < cutoff());
    expect(kept.length).toBeGreaterThan(0);
    expect(missions.map((id) => pastIterations(engine.store, id))).toEqual(promptBefore);
    expect(decisions()).toEqual(decisionsBefore);
    expect(await timeline()).toEqual(timelineBefore);
  });

  it('never compacts at or past the floor a sync client sets', async () => {
    const floor = 500;
    const remove = engine.history.addFloor(() => floor);
    const run = await engine.history.runNow();
    expect(run.keepFrom).toBe(floor);
    expect(engine.store.compactedThrough()).toBeLessThan(floor);
    expect((await engine.call('sync.pull', { since: floor - 1, limit: 1 })).changes[0]?.seq).toBe(floor);
    remove();
    expect((await engine.history.runNow()).keepFrom).toBeNull();
    expect(engine.store.compactedThrough()).toBeGreaterThan(floor);
  });

  it('drops compact audit entries older than activityDays, and runs in steps the api can answer between', async () => {
    engine.settings.update({ history: { activityDays: 100 } });
    const running = engine.history.runNow();
    // the run is under way and the engine still answers (the steps leave the event loop free)
    await expect(engine.call('runner.status', {})).resolves.toBeDefined();
    expect(engine.history.status().running).toBe(true);
    const run = await running;
    expect(run.prunedActivity).toBeGreaterThan(0);
    expect(run.steps).toBeGreaterThan(3);
    const oldest = (await timeline()).at(-1)!;
    const entry = (await engine.call('activity.list', { limit: 1, before: oldest[0] + 1 })).entries[0]!;
    expect(entry.createdAt >= new Date(clock.now() - 100 * DAY_MS).toISOString()).toBe(true);
  });

  it('stops between steps when the engine closes, and records no run of the day then', async () => {
    const running = engine.history.runNow();
    await engine.history.stop();
    const run = await running;
    expect(run.error).toMatch(/shutting down/);
    expect(engine.history.lastRun()).toBeNull();
  });
});

describe('the daily schedule', () => {
  it('looks FIRST_CHECK_MS after start, runs when the last run is a day old, and at most once a day', async () => {
    const runs = () => engine.history.lastRun()?.startedAt ?? null;
    const settled = async () => {
      while (engine.history.status().running) await new Promise((resolve) => setImmediate(resolve));
    };
    engine.history.start();
    expect(engine.history.status().nextCheckAt).toBe(new Date(clock.now() + FIRST_CHECK_MS).toISOString());
    clock.advance(FIRST_CHECK_MS);
    await settled();
    const first = runs();
    expect(first).toBe(clock.date().toISOString());
    clock.advance(CHECK_EVERY_MS);
    await settled();
    expect(runs()).toBe(first);
    clock.advance(DAY_MS - CHECK_EVERY_MS);
    await settled();
    expect(runs()).toBe(clock.date().toISOString());
  });
});
