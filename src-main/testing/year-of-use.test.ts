import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { methods } from '../../src-shared/api';
import { ChangeIn } from '../../src-shared/domain/change';
import { LOCAL_USER, MISSION_RUNNER } from '../../src-shared/domain/actor';
import { AI_APP, DEFAULT_AGENT_ID, Iteration, Mission, Proposal, TABLES } from '../../src-shared/domain/ai';
import { stampMillis } from '../../src-shared/hlc';
import { PROMPT_VERSION } from '../../src-shared/planner/prompt';
import { getTool } from '../../src-shared/tools/catalog';
import { NOTES, TASKS } from '../../src-shared/tools/modules';
import { ENGINE_CLIENT_ID } from '../engine/store/store';
import { tempEngine } from '../engine/testing/temp-db';
import { seedYearOfUse, YEAR_OF_USE_ACTORS, YEAR_OF_USE_CLIENTS, YEAR_OF_USE_PLACES, yearOfUse, type YearOfUseBatch, type YearOfUseOptions, type YearOfUseSummary } from './year-of-use';

function generate(options: YearOfUseOptions): { batches: YearOfUseBatch[]; summary: YearOfUseSummary } {
  const batches: YearOfUseBatch[] = [];
  const it = yearOfUse(options);
  for (;;) {
    const next = it.next();
    if (next.done) return { batches, summary: next.value };
    batches.push(next.value);
  }
}

const digest = (batches: YearOfUseBatch[]) => createHash('sha256').update(JSON.stringify(batches)).digest('hex');

/** Small enough to seed in a unit test, with every kind of record. */
const SMALL: YearOfUseOptions = { changes: 3_000, iterations: 100, decidedProposals: 240, pendingProposals: 6, seed: 7 };

describe('year of use', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await cleanup?.();
    cleanup = undefined;
  });

  it('writes where the engine reads, as the engine names its writers', () => {
    expect(YEAR_OF_USE_PLACES.missions).toEqual({ app: AI_APP, table: TABLES.missions });
    expect(YEAR_OF_USE_PLACES.iterations).toEqual({ app: AI_APP, table: TABLES.iterations });
    expect(YEAR_OF_USE_PLACES.proposals).toEqual({ app: AI_APP, table: TABLES.proposals });
    expect(YEAR_OF_USE_PLACES.tasks).toEqual({ app: TASKS.app, table: TASKS.table });
    expect(YEAR_OF_USE_PLACES.notes).toEqual({ app: NOTES.app, table: NOTES.table });
    expect(YEAR_OF_USE_ACTORS.user).toEqual(LOCAL_USER);
    expect(YEAR_OF_USE_ACTORS.runner).toEqual(MISSION_RUNNER);
    expect(YEAR_OF_USE_CLIENTS.engine).toBe(ENGINE_CLIENT_ID);
  });

  it("holds issue 15's mix at 10,000 changes, the user's batches valid sync.push input, the engine's valid for its Store, in the order it happened", () => {
    const { batches, summary } = generate({ changes: 10_000 });
    expect(summary).toMatchObject({ changes: 10_000, missions: 12, iterations: 2_000, decidedProposals: 5_000, pendingProposals: 50 });
    expect(summary.tasks + summary.notes).toBeGreaterThan(200);
    expect(batches.reduce((n, b) => n + b.changes.length, 0)).toBe(10_000);
    const start = Date.parse(summary.start);
    const end = Date.parse(summary.end);
    expect(end - start).toBe(365 * 86_400_000);
    let previous = 0;
    for (const batch of batches) {
      const parsed = methods['sync.push'].input.safeParse(batch);
      if (batch.clientId === YEAR_OF_USE_CLIENTS.engine) {
        // the runner's writes: what the engine's Store takes, and what no client may push as its own
        const stored = z.array(ChangeIn).safeParse(batch.changes);
        expect(stored.success, stored.success ? '' : stored.error.message).toBe(true);
        expect(parsed.success).toBe(false);
      } else expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
      for (const change of batch.changes) {
        const first = Object.values(change.fields!)[0]!;
        const at = stampMillis('at' in first ? first.at : first.updatedAt);
        expect(at).toBeGreaterThanOrEqual(previous);
        expect(at).toBeLessThanOrEqual(end);
        previous = at;
      }
    }
    expect(previous).toBeGreaterThan(end - 86_400_000);
  });

  it('is the same log for the same options, and another for another seed', () => {
    const a = generate(SMALL).batches;
    expect(digest(generate(SMALL).batches)).toBe(digest(a));
    expect(digest(generate({ ...SMALL, seed: 8 }).batches)).not.toBe(digest(a));
  });

  it('seeded through the Store, reads back as records the app accepts, and a pending proposal can be approved', async () => {
    const t = tempEngine();
    cleanup = t.cleanup;
    const { engine } = t;
    const summary = seedYearOfUse(engine.store, SMALL);
    expect(engine.store.maxSeq()).toBe(SMALL.changes);
    expect(summary.changes).toBe(SMALL.changes);

    const all = (place: { app: string; table: string }) => engine.store.list(place.app, place.table, { limit: 1_000_000 }).map((r) => ({ id: r.id, ...r.data }));
    const missions = all(YEAR_OF_USE_PLACES.missions).map((m) => Mission.parse(m));
    expect(missions).toHaveLength(12);
    expect(new Set(missions.map((m) => m.cadence.kind))).toEqual(new Set(['manual', 'interval', 'daily', 'weekly', 'cron']));
    expect(new Set(missions.map((m) => m.state))).toEqual(new Set(['active', 'paused', 'done', 'archived']));
    expect(missions.every((m) => m.agentId === DEFAULT_AGENT_ID)).toBe(true);

    const iterations = all(YEAR_OF_USE_PLACES.iterations).map((i) => Iteration.parse(i));
    expect(iterations).toHaveLength(100);
    expect(iterations.every((i) => i.promptVersion === PROMPT_VERSION)).toBe(true);
    expect(new Set(iterations.map((i) => i.status))).toEqual(new Set(['done', 'failed', 'awaiting-review']));

    const proposals = all(YEAR_OF_USE_PLACES.proposals).map((p) => Proposal.parse(p));
    const pending = proposals.filter((p) => p.status === 'pending');
    expect(proposals).toHaveLength(246);
    expect(pending).toHaveLength(6);
    expect(new Set(proposals.map((p) => p.status))).toEqual(new Set(['pending', 'approved', 'rejected', 'reverted', 'expired', 'failed']));
    const iterationsById = new Map(iterations.map((i) => [i.id, i]));
    for (const p of proposals) {
      expect(getTool(p.toolName)?.params.safeParse(p.params).success, `${p.id}: ${p.toolName}`).toBe(true);
      expect(iterationsById.get(p.iterationId)?.steps.some((s) => s.proposalId === p.id)).toBe(true);
    }

    const tasks = all(YEAR_OF_USE_PLACES.tasks);
    const notes = all(YEAR_OF_USE_PLACES.notes);
    expect(tasks.length + notes.length).toBe(summary.tasks + summary.notes - summary.deleted);
    expect(summary.deleted).toBeGreaterThan(0);

    const approved = await engine.call('proposals.approve', { proposalId: pending[0]!.id });
    expect(approved.proposal.status).toBe('approved');
  });

  it('refuses a size too small for its mix, saying what it needs', () => {
    expect(() => generate({ changes: 5_000 })).toThrow(/needs at least 7174 changes \(got 5000\)/);
    expect(() => generate({ ...SMALL, recordShare: 0 })).toThrow(/recordShare/);
  });
});
