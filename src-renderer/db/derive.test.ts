import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { Proposal } from '../../src-shared/domain/ai';
import { recordKey, type ReplicaRecord } from '../../src-shared/replica';
import { derivedChanges, hotProposals, indexAnswers, newerDecisionFirst, proposalRow, type ProposalRow, type Watermarks } from './derive';

const AT = '2026-01-01T00:00:00.000Z-0000-00000000000000c1';

function record(p: Partial<Proposal> & { id: string }, deleted: 0 | 1 = 0): ReplicaRecord {
  const data: Record<string, unknown> = {
    missionId: 'm1',
    iterationId: 'it1',
    agentId: 'agent:default',
    module: 'todo',
    toolName: 'create_task',
    params: { title: 'x' },
    rationale: 'because',
    status: 'pending',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...p,
  };
  delete data.id;
  const meta = Object.fromEntries(Object.keys(data).map((f) => [f, AT]));
  return { key: recordKey('ai', 'aiProposals', p.id), app: 'ai', table: 'aiProposals', id: p.id, data, meta, deleted, seq: 1 };
}

const day = (n: number) => `2026-01-${String(n).padStart(2, '0')}T10:00:00.000Z`;

describe('proposalRow and derivedChanges', () => {
  it('parse a proposal once, noting when a decided one was decided; deleted, unreadable and other records are not rows', () => {
    expect(proposalRow(record({ id: 'p1' }))).toMatchObject({ id: 'p1', status: 'pending' });
    expect(proposalRow(record({ id: 'p1' }))?.decidedOn).toBeUndefined();
    expect(proposalRow(record({ id: 'p2', status: 'approved', decidedAt: day(2) }))?.decidedOn).toBe(day(2));
    expect(proposalRow(record({ id: 'p3', status: 'reverted', decidedAt: day(2), revertedAt: day(3) }))?.decidedOn).toBe(day(3));
    expect(proposalRow(record({ id: 'p4', status: 'expired', decidedAt: day(2) }))?.decidedOn).toBeUndefined();
    const task: ReplicaRecord = { key: 'todo/tasks/t1', app: 'todo', table: 'tasks', id: 't1', data: { title: 'a' }, meta: { title: AT }, deleted: 0, seq: 1 };
    const broken = record({ id: 'p6' });
    broken.data.status = 'maybe';
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const change = derivedChanges([record({ id: 'p1' }), record({ id: 'p5' }, 1), broken, task]);
    expect(change.puts.map((r) => r.id)).toEqual(['p1']);
    expect(change.deletes).toEqual(['p5', 'p6']);
    // said once, naming the record
    derivedChanges([broken]);
    expect(warn.mock.calls.map((c) => c[0])).toEqual(['Skipping unreadable record ai/aiProposals/p6']);
    warn.mockRestore();
  });
});

describe('hotProposals', () => {
  it('keeps every pending proposal and the latest decisions of each list, with the watermark of each list it cut', () => {
    const records = [
      record({ id: 'pending', status: 'pending' }),
      ...[1, 2, 3, 4].map((n) => record({ id: `a${n}`, status: 'approved', decidedAt: day(n), module: 'todo', missionId: 'm1' })),
      record({ id: 'n1', status: 'rejected', decidedAt: day(1), module: 'notes', missionId: 'm2' }),
      record({ id: 'old', status: 'expired', decidedAt: day(9) }),
      record({ id: 'gone', status: 'pending' }, 1),
    ];
    const { keys, watermarks } = hotProposals(records, 2);
    const ids = [...keys].map((k) => k.split('/').at(-1)).sort();
    // all: a4, a3; todo and m1: a4, a3; notes and m2: n1 (whole)
    expect(ids).toEqual(['a3', 'a4', 'n1', 'pending']);
    expect(watermarks).toEqual({ all: [day(3), 'a3'], byModule: { todo: [day(3), 'a3'] }, byMission: { m1: [day(3), 'a3'] } });
  });
});

// A random year in miniature: proposals decided on a few days, in two modules and three missions;
// a hydration keeps `kept` per list; afterwards some change (decided again, reverted, undecided, deleted).
const proposalArb = fc.record({
  id: fc.constantFrom(...'abcdefghijklmnopqrst'.split('')),
  status: fc.constantFrom<Proposal['status']>('pending', 'approved', 'rejected', 'expired', 'failed', 'reverted'),
  decided: fc.integer({ min: 1, max: 9 }),
  module: fc.constantFrom('todo', 'notes'),
  missionId: fc.constantFrom('m1', 'm2', 'm3'),
});
type Generated = typeof proposalArb extends fc.Arbitrary<infer T> ? T : never;
const toRecord = (g: Generated, deleted: 0 | 1 = 0) => record({ id: g.id, status: g.status, decidedAt: day(g.decided), module: g.module, missionId: g.missionId }, deleted);
const byId = <T extends { id: string }>(list: T[]) => [...new Map(list.map((x) => [x.id, x])).values()];

function answer(rows: readonly ProposalRow[], list: { module?: string; missionId?: string }, since: string, limit: number): ProposalRow[] {
  return rows
    .filter((p) => p.decidedOn !== undefined && p.decidedOn >= since && (!list.module || p.module === list.module) && (!list.missionId || p.missionId === list.missionId))
    .sort(newerDecisionFirst)
    .slice(0, limit);
}

function markOf(w: Watermarks, list: { module?: string; missionId?: string }) {
  return list.missionId ? w.byMission[list.missionId] : list.module ? w.byModule[list.module] : w.all;
}

describe('the index of decisions', () => {
  it('defers to a scan when what it kept of a cut list no longer fills the answer', () => {
    const a = record({ id: 'a', status: 'approved', decidedAt: day(2) });
    const b = record({ id: 'b', status: 'approved', decidedAt: day(1) });
    const { keys, watermarks } = hotProposals([a, b], 1);
    expect([...keys]).toEqual([a.key]);
    expect(watermarks.all).toEqual([day(2), 'a']);
    // the kept one is decided again as pending: the index holds no decision, the list still has b
    const index = derivedChanges([record({ id: 'a', status: 'pending' })]).puts;
    expect(indexAnswers(answer(index, {}, '', 1), watermarks.all, '', 1)).toBe(false);
    // while a decision newer than the watermark fills it
    const newer = derivedChanges([a, record({ id: 'c', status: 'rejected', decidedAt: day(3) })]).puts;
    expect(indexAnswers(answer(newer, {}, '', 1), watermarks.all, '', 1)).toBe(true);
    // and what the index lacks is older than what is asked for
    expect(indexAnswers([], watermarks.all, day(3), 1)).toBe(true);
  });


  it('answers like a scan of every proposal whenever it says it can, and always can when nothing was undecided or deleted', () => {
    const scenario = fc.record({
      before: fc.array(proposalArb, { maxLength: 20 }),
      after: fc.array(fc.tuple(proposalArb, fc.boolean()), { maxLength: 6 }),
      kept: fc.integer({ min: 1, max: 4 }),
      list: fc.constantFrom({}, { module: 'todo' }, { module: 'notes' }, { missionId: 'm1' }, { missionId: 'm3' }, { missionId: 'm2', module: 'todo' }),
      since: fc.constantFrom('', day(3), day(7)),
      limit: fc.integer({ min: 1, max: 4 }),
    });
    let answered = 0;
    fc.assert(
      fc.property(scenario, ({ before, after, kept, list, since, limit }) => {
        fc.pre(limit <= kept);
        const hydrated = byId(before).map((g) => toRecord(g));
        const { keys, watermarks } = hotProposals(hydrated, kept);
        // The overlay: the hot records, then every proposal changed after hydration.
        const overlay = new Map(hydrated.filter((r) => keys.has(r.key)).map((r) => [r.id, r]));
        const now = new Map(hydrated.map((r) => [r.id, r]));
        for (const [g, deleted] of after) {
          const r = toRecord(g, deleted ? 1 : 0);
          overlay.set(r.id, r);
          now.set(r.id, r);
        }
        const index = derivedChanges(overlay.values()).puts;
        const truth = [...now.values()].flatMap((r) => proposalRow(r) ?? []);
        const rows = answer(index, list, since, limit);
        const can = indexAnswers(rows, markOf(watermarks, list), since, limit);
        if (can) {
          answered++;
          expect(rows.map((r) => r.id)).toEqual(answer(truth, list, since, limit).map((r) => r.id));
        }
        const onlyAdded = after.every(([g, deleted]) => !deleted && (g.status === 'approved' || g.status === 'rejected' || g.status === 'failed' || g.status === 'reverted') && g.decided === 9);
        if (onlyAdded) expect(can).toBe(true);
      }),
      { numRuns: 400, seed: 20261130 },
    );
    expect(answered).toBeGreaterThan(100);
  });
});
