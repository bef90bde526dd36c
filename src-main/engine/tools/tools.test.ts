import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MISSION_RUNNER } from '../../../src-shared/domain/actor';
import type { Proposal } from '../../../src-shared/domain/ai';
import { TOOLS, getTool } from '../../../src-shared/tools/catalog';
import { EVENTS, GOALS, NOTES, TASKS } from '../../../src-shared/tools/modules';
import { runTool } from '../proposals/executor';
import { type Harness, putRecord, startHarness } from '../testing/harness';
import { missingImplementations } from './index';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

let seeded = 0;
/** Fresh ids per test: the database is shared by the tests of this file. */
const fresh = (id: string) => `${id}-${seeded}`;

beforeEach(async () => {
  seeded++;
  const e = h.engine;
  await putRecord(e, TASKS.app, TASKS.table, fresh('t-open'), { title: 'Write report', dueDate: '2026-11-19', priority: 'high', done: false });
  await putRecord(e, TASKS.app, TASKS.table, fresh('t-today'), { title: 'Call Anna', dueDate: '2026-11-20', done: false });
  await putRecord(e, TASKS.app, TASKS.table, fresh('t-done'), { title: 'Pay rent', done: true, completedAt: '2026-11-01T10:00:00Z' });
  await putRecord(e, NOTES.app, NOTES.table, fresh('n-1'), { title: 'Meeting', content: 'Anna wants a call', tags: ['work'], updatedAt: '2026-11-19T10:00:00Z' });
  await putRecord(e, NOTES.app, NOTES.table, fresh('n-2'), { title: 'Groceries', content: 'milk', tags: [], updatedAt: '2026-11-18T10:00:00Z' });
  await putRecord(e, EVENTS.app, EVENTS.table, fresh('e-1'), { title: 'Dentist', startTime: '2026-11-21T09:00:00.000Z', endTime: '2026-11-21T10:00:00.000Z' });
  await putRecord(e, EVENTS.app, EVENTS.table, fresh('e-far'), { title: 'Trip', startTime: '2027-01-10T09:00:00.000Z', endTime: '2027-01-12T10:00:00.000Z' });
  await putRecord(e, GOALS.app, GOALS.table, fresh('g-1'), { title: 'Run', targetValue: 3, currentValue: 1, period: 'week' });
});

const run = (name: string, params: Record<string, unknown>) =>
  runTool(h.engine.store, name, params, { actor: MISSION_RUNNER, now: new Date(h.clock.now()), timeZone: 'Europe/Berlin' }).result as any;

describe('every catalog tool has an implementation', () => {
  it('none missing', () => expect(missingImplementations()).toEqual([]));
});

describe('read tools', () => {
  it('list_tasks filters open, overdue, today, completed, all, with a limit', () => {
    const ids = (filter?: string, limit?: number) => (run('list_tasks', { filter, limit }) as { id: string }[]).map((t) => t.id).filter((id) => id.endsWith(`-${seeded}`));
    expect(ids()).toEqual([fresh('t-open'), fresh('t-today')]);
    expect(ids('overdue')).toEqual([fresh('t-open')]);
    expect(ids('today')).toEqual([fresh('t-today')]);
    expect(ids('completed')).toEqual([fresh('t-done')]);
    expect(ids('all')).toHaveLength(3);
    expect(run('list_tasks', { filter: 'all', limit: 1 })).toHaveLength(1);
  });

  it('list_notes searches title, content and tags, newest first; get_note reads one in full', () => {
    const found = (run('list_notes', { query: 'ANNA' }) as { id: string }[]).map((n) => n.id);
    expect(found).toContain(fresh('n-1'));
    expect(found).not.toContain(fresh('n-2'));
    expect((run('list_notes', { query: 'work' }) as { id: string }[]).map((n) => n.id)).toContain(fresh('n-1'));
    expect(run('get_note', { noteId: fresh('n-1') })).toMatchObject({ title: 'Meeting', content: 'Anna wants a call', tags: ['work'] });
    expect(() => run('get_note', { noteId: 'nope' })).toThrow(/No note with id "nope"/);
  });

  it('list_events returns events overlapping the range (default: today + 7 days)', () => {
    const ids = (p: Record<string, unknown>) => (run('list_events', p) as { id: string }[]).map((e) => e.id);
    expect(ids({})).toContain(fresh('e-1'));
    expect(ids({})).not.toContain(fresh('e-far'));
    expect(ids({ from: '2027-01-11', to: '2027-01-11' })).toEqual(expect.arrayContaining([fresh('e-far')]));
    expect(ids({ from: '2026-11-21T11:00', to: '2026-11-21T12:00' })).not.toContain(fresh('e-1'));
  });

  it('list_goals shows progress against the target', () => {
    expect(run('list_goals', {})).toEqual(expect.arrayContaining([{ id: fresh('g-1'), title: 'Run', currentValue: 1, targetValue: 3, period: 'week' }]));
  });
});

/** Parameters for each write tool against the seeded records; a write tool missing here fails the test below. */
const WRITE_CASES: Record<string, () => { params: Record<string, unknown>; expect: (data: Record<string, any>[]) => void }> = {
  create_task: () => ({ params: { title: 'Book flights', dueDate: '2026-11-25', priority: 'low' }, expect: (d) => expect(d).toContainEqual(expect.objectContaining({ title: 'Book flights', done: false })) }),
  complete_task: () => ({ params: { taskId: fresh('t-open') }, expect: (d) => expect(d.find((t) => t.id === fresh('t-open'))).toMatchObject({ done: true }) }),
  update_task: () => ({ params: { taskId: fresh('t-today'), priority: 'high', dueDate: '2026-11-22' }, expect: (d) => expect(d.find((t) => t.id === fresh('t-today'))).toMatchObject({ priority: 'high', dueDate: '2026-11-22', title: 'Call Anna' }) }),
  create_note: () => ({ params: { title: 'Ideas', content: 'a, b' }, expect: (d) => expect(d).toContainEqual(expect.objectContaining({ title: 'Ideas', content: 'a, b', tags: [] })) }),
  append_to_note: () => ({ params: { noteId: fresh('n-1'), content: 'Call on Monday' }, expect: (d) => expect(d.find((n) => n.id === fresh('n-1'))?.content).toBe('Anna wants a call\n\nCall on Monday') }),
  add_tag_to_note: () => ({ params: { noteId: fresh('n-1'), tag: 'anna' }, expect: (d) => expect(d.find((n) => n.id === fresh('n-1'))?.tags).toEqual(['work', 'anna']) }),
  create_event: () => ({
    params: { title: 'Lunch', startTime: '2026-11-23T12:00', endTime: '2026-11-23T13:00', location: 'Café' },
    // zone-less times are the user's wall clock (Europe/Berlin, UTC+1 in November)
    expect: (d) => expect(d).toContainEqual(expect.objectContaining({ title: 'Lunch', startTime: '2026-11-23T11:00:00.000Z', endTime: '2026-11-23T12:00:00.000Z' })),
  }),
  create_goal: () => ({ params: { title: 'Read', targetValue: '2', period: 'month' }, expect: (d) => expect(d).toContainEqual(expect.objectContaining({ title: 'Read', targetValue: 2, currentValue: 0 })) }),
  update_goal_progress: () => ({ params: { goalId: fresh('g-1'), value: 1 }, expect: (d) => expect(d.find((g) => g.id === fresh('g-1'))?.currentValue).toBe(2) }),
};

/** A table's live records with null fields dropped (revert writes null for a field that was absent). */
function snapshot(app: string, table: string): Map<string, Record<string, unknown>> {
  const live = h.engine.store.list(app, table).map((r) => [r.id, Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== null))] as const);
  return new Map(live);
}

let proposalCounter = 0;
function stageProposal(toolName: string, params: Record<string, unknown>): string {
  const tool = getTool(toolName)!;
  const id = `it-${++proposalCounter}.0`;
  const proposal: Proposal = {
    id,
    missionId: 'm',
    iterationId: `it-${proposalCounter}`,
    agentId: 'agent:default',
    module: tool.module,
    toolName,
    params,
    rationale: 'test',
    status: 'pending',
    createdAt: new Date(h.clock.now()).toISOString(),
  };
  // staged as the runner stages it: with the run whose step it is (only such a proposal can be approved)
  const step = { index: 0, summary: 'test', toolName, params, rationale: 'test', kind: 'write', policy: 'propose', proposalId: id };
  const run = { missionId: 'm', agentId: 'agent:default', source: 'runner', startedAt: proposal.createdAt, status: 'awaiting-review', summary: 'test', steps: [step], promptVersion: 'test' };
  h.engine.store.appendLocal(
    [
      { app: 'ai', table: 'aiIterations', id: proposal.iterationId, op: 'insert', fields: run },
      { app: 'ai', table: 'aiProposals', id, op: 'insert', fields: proposal },
    ],
    MISSION_RUNNER,
  );
  return id;
}

describe('every write tool has an inverse: approve, then revert, restores each touched record', () => {
  const writes = TOOLS.filter((t) => t.kind === 'write');
  it('has a case for every write tool', () => {
    expect(writes.map((t) => t.name).filter((n) => !WRITE_CASES[n])).toEqual([]);
  });

  for (const tool of writes) {
    it(tool.name, async () => {
      const c = WRITE_CASES[tool.name]!();
      const before = snapshot(tool.app, tool.table);
      const proposalId = stageProposal(tool.name, c.params);
      const approved = await h.engine.call('proposals.approve', { proposalId });
      expect(approved.proposal.status, approved.proposal.execution?.error).toBe('approved');
      c.expect(h.engine.store.list(tool.app, tool.table).map((r) => ({ ...r.data, id: r.id })));
      expect(snapshot(tool.app, tool.table)).not.toEqual(before);

      const reverted = await h.engine.call('proposals.revert', { proposalId });
      expect(reverted.proposal.status).toBe('reverted');
      expect(snapshot(tool.app, tool.table)).toEqual(before);
    });
  }
});
