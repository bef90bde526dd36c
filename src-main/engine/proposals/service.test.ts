/** What decisions answer, and what they do with a proposal record they cannot trust. */
import { afterEach, describe, expect, it } from 'vitest';
import { Proposal } from '../../../src-shared/domain/ai';
import { planReply, putMission, startHarness, type Harness } from '../testing/harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function stagedProposal(): Promise<string> {
  await putMission(h.engine, 'm1');
  h.llm.enqueue(planReply([{ summary: 'add task', toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'Anna asked' }]));
  const run = await h.engine.call('missions.runNow', { missionId: 'm1' });
  return `${run.iterationId}.0`;
}

describe('proposal decisions', () => {
  it('answer the proposal with exactly its declared fields (not the store tombstone field)', async () => {
    h = await startHarness();
    const proposalId = await stagedProposal();
    const record = (await h.engine.call('records.get', { app: 'ai', table: 'aiProposals', id: proposalId })).record!;
    expect(record.data).toHaveProperty('deletedAt', null);
    for (const decided of [await h.engine.call('proposals.approve', { proposalId }), await h.engine.call('proposals.revert', { proposalId })]) {
      expect(decided.proposal).not.toHaveProperty('deletedAt');
      expect(Proposal.strict().safeParse(decided.proposal).success).toBe(true);
    }
  });

  it('refuse to run a tool on a damaged record, and still let the user reject it', async () => {
    h = await startHarness();
    const proposalId = await stagedProposal();
    // another replica wrote params this version cannot read
    await h.engine.call('sync.push', {
      clientId: 'other-device',
      changes: [{ eventId: 'damage', app: 'ai', table: 'aiProposals', id: proposalId, op: 'update', data: { params: 'not an object' } }],
    });
    await expect(h.engine.call('proposals.approve', { proposalId })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/reject it/) });
    expect((await h.engine.call('records.list', { app: 'todo', table: 'tasks' })).records).toEqual([]);
    const rejected = await h.engine.call('proposals.reject', { proposalId, feedback: 'broken' });
    expect(rejected.proposal).toMatchObject({ status: 'rejected', feedback: 'broken' });
  });

  it('refuse to re-approve an approved proposal with other params (409 "already approved"), and answer a plain retry again', async () => {
    h = await startHarness();
    const proposalId = await stagedProposal();
    const approved = await h.engine.call('proposals.approve', { proposalId, params: { title: 'Call Anna today' } });
    expect(approved.proposal).toMatchObject({ status: 'approved', params: { title: 'Call Anna today' } });
    const before = (await h.engine.call('sync.pull', { since: 0, limit: 1000 })).seq;

    await expect(h.engine.call('proposals.approve', { proposalId, params: { title: 'Call Bob' } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already approved/),
    });
    // a retry of the same approval (with or without its params) is answered as before, writing nothing
    expect((await h.engine.call('proposals.approve', { proposalId, params: { title: 'Call Anna today' } })).proposal).toEqual(approved.proposal);
    expect((await h.engine.call('proposals.approve', { proposalId })).proposal).toEqual(approved.proposal);
    expect((await h.engine.call('sync.pull', { since: 0, limit: 1000 })).seq).toBe(before);
    const tasks = (await h.engine.call('records.list', { app: 'todo', table: 'tasks' })).records;
    expect(tasks.map((t) => t.data.title)).toEqual(['Call Anna today']);
  });
});
