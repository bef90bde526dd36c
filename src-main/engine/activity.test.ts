import { afterEach, describe, expect, it } from 'vitest';
import { jsonPlanReply } from '../testing/llm-server';
import { startHarness, type Harness } from './testing/harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function missionWithPlan(harness: Harness, steps: unknown[]): Promise<string> {
  await harness.engine.call('sync.push', {
    clientId: 'test',
    changes: [{ eventId: 'm1', app: 'ai', table: 'aiMissions', id: 'm1', op: 'insert', data: { title: 'Plan', cadence: { kind: 'manual' }, state: 'active' } }],
  });
  harness.llm.enqueue(jsonPlanReply({ summary: 'plan', steps }));
  const run = await harness.engine.call('missions.runNow', { missionId: 'm1' });
  return run.iterationId!;
}

const step = (title: string) => ({ summary: title, toolName: 'create_task', params: { title }, rationale: `because ${title}` });

describe('activity.list', () => {
  it('reads the log newest first with actors, filtered and paged', async () => {
    h = await startHarness();
    await missionWithPlan(h, [step('A')]);
    const all = await h.engine.call('activity.list', { limit: 500 });
    expect(all.entries.map((e) => e.seq)).toEqual([...all.entries.map((e) => e.seq)].sort((a, b) => b - a));
    expect(all.entries.at(-1)).toMatchObject({ app: 'ai', table: 'aiMissions', op: 'insert', origin: 'user' });
    expect(all.entries.some((e) => e.actor?.kind === 'system' && e.table === 'aiIterations')).toBe(true);

    const proposals = await h.engine.call('activity.list', { app: 'ai', table: 'aiProposals', limit: 10 });
    expect(proposals.entries).toHaveLength(1);
    expect(proposals.entries[0]!.fields).toMatchObject({ toolName: 'create_task', status: 'pending' });

    const first = await h.engine.call('activity.list', { limit: 2 });
    expect(first.entries).toHaveLength(2);
    const next = await h.engine.call('activity.list', { limit: 2, before: first.nextBefore! });
    expect(next.entries[0]!.seq).toBeLessThan(first.entries[1]!.seq);

    const system = await h.engine.call('activity.list', { origin: 'system', limit: 100 });
    expect(system.entries.every((e) => e.origin === 'system')).toBe(true);
  });

  it('previews long values instead of sending whole documents', async () => {
    h = await startHarness();
    await h.engine.call('sync.push', {
      clientId: 'test',
      changes: [{ eventId: 'n1', app: 'notes', table: 'notes', id: 'n1', op: 'insert', data: { content: 'x'.repeat(5000) } }],
    });
    const [entry] = (await h.engine.call('activity.list', { app: 'notes', limit: 1 })).entries;
    expect(String(entry!.fields.content).length).toBeLessThan(300);
    expect(String(entry!.fields.content).endsWith('…')).toBe(true);
  });
});

describe('proposals.decideAll', () => {
  it('approves every pending proposal of an iteration in step order', async () => {
    h = await startHarness();
    const iterationId = await missionWithPlan(h, [step('A'), step('B'), step('C')]);
    await h.engine.call('proposals.reject', { proposalId: `${iterationId}.1` });
    const { results } = await h.engine.call('proposals.decideAll', { iterationId, decision: 'approve' });
    expect(results).toEqual([
      { proposalId: `${iterationId}.0`, status: 'approved', error: null },
      { proposalId: `${iterationId}.2`, status: 'approved', error: null },
    ]);
    const titles = (await h.engine.call('records.list', { app: 'todo', table: 'tasks' })).records.map((r) => r.data.title).sort();
    expect(titles).toEqual(['A', 'C']);
  });

  it('rejects them all with one reason, and reports a proposal that cannot be decided', async () => {
    h = await startHarness();
    const iterationId = await missionWithPlan(h, [step('A'), step('B')]);
    const { results } = await h.engine.call('proposals.decideAll', { iterationId, decision: 'reject', feedback: 'not now' });
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    const proposal = (await h.engine.call('records.get', { app: 'ai', table: 'aiProposals', id: `${iterationId}.0` })).record!;
    expect(proposal.data.feedback).toBe('not now');
    expect((await h.engine.call('proposals.decideAll', { iterationId, decision: 'approve' })).results).toEqual([]);
  });
});
