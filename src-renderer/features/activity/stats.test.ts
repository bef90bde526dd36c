import { describe, expect, it } from 'vitest';
import type { Iteration, Proposal } from '../../../src-shared/domain/ai';
import { approvalRateByTool, iterationsPerDay, overallRates, percentages, lastDays, proposalsPerDay, tokensPerDayPerAgent } from './stats';

const today = new Date(2026, 10, 27, 15, 0);
const at = (daysAgo: number) => new Date(2026, 10, 27 - daysAgo, 10, 0).toISOString();

function iteration(daysAgo: number, status: Iteration['status'], tokens?: number, agentId = 'agent:default'): Iteration {
  return {
    id: `i${daysAgo}${status}`,
    missionId: 'm',
    agentId,
    source: 'runner',
    startedAt: at(daysAgo),
    status,
    summary: '',
    steps: [],
    promptVersion: 'v',
    usage: tokens ? { promptTokens: tokens, completionTokens: 0, totalTokens: tokens } : null,
  };
}

function proposal(daysAgo: number, status: Proposal['status'], toolName = 'create_task'): Proposal {
  return { id: `p${daysAgo}${status}${toolName}`, missionId: 'm', iterationId: 'i', agentId: 'a', module: 'todo', toolName, params: {}, rationale: '', status, createdAt: at(daysAgo) };
}

describe('activity numbers', () => {
  it('lists the last days oldest first, ending today', () => {
    expect(lastDays(3, today)).toEqual(['2026-11-25', '2026-11-26', '2026-11-27']);
  });

  it('counts iterations and proposals per day by outcome, ignoring days outside the window', () => {
    const days = lastDays(3, today);
    const its = iterationsPerDay([iteration(0, 'done'), iteration(0, 'failed'), iteration(2, 'done'), iteration(9, 'done')], days, () => undefined);
    expect(its.map((r) => [r.day, r.done, r.failed])).toEqual([
      ['2026-11-25', 1, 0],
      ['2026-11-26', 0, 0],
      ['2026-11-27', 1, 1],
    ]);
    const ps = proposalsPerDay([proposal(0, 'approved'), proposal(0, 'rejected'), proposal(1, 'pending')], days);
    expect(ps.map((r) => [r.approved, r.rejected, r.pending])).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [1, 1, 0],
    ]);
  });

  it('counts a run as awaiting review while one of its proposals waits, then as reviewed', () => {
    const withCards = { ...iteration(0, 'awaiting-review'), steps: [0, 1].map((index) => ({ index, summary: '', toolName: 'create_task', params: {}, rationale: 'r', kind: 'write' as const, proposalId: `i.${index}` })) };
    const statuses: Record<string, Proposal['status']> = { 'i.0': 'approved', 'i.1': 'pending' };
    const day = () => iterationsPerDay([withCards], lastDays(1, today), (id) => ({ status: statuses[id]! }))[0]!;
    expect([day()['awaiting-review'], day().reviewed]).toEqual([1, 0]);
    statuses['i.1'] = 'rejected';
    expect([day()['awaiting-review'], day().reviewed]).toEqual([0, 1]);
  });

  it('sums tokens per day per agent name', () => {
    const { rows, agents } = tokensPerDayPerAgent([iteration(0, 'done', 100), iteration(0, 'done', 50), iteration(0, 'done', 30, 'b')], lastDays(1, today), (id) =>
      id === 'b' ? 'Bee' : 'Companion',
    );
    expect(agents).toEqual(['Bee', 'Companion']);
    expect(rows[0]).toMatchObject({ Companion: 150, Bee: 30 });
  });

  it('rates approvals per tool: a reverted approval is not an approval, it is counted apart', () => {
    const rates = approvalRateByTool([
      proposal(0, 'approved'),
      proposal(0, 'failed'),
      proposal(1, 'reverted'),
      proposal(2, 'rejected'),
      proposal(3, 'pending'),
      proposal(0, 'rejected', 'create_note'),
    ]);
    expect(rates).toEqual([
      { tool: 'create_task', approved: 2, reverted: 1, rejected: 1, decided: 4, rate: 50, revertedRate: 25, rejectedRate: 25 },
      { tool: 'create_note', approved: 0, reverted: 0, rejected: 1, decided: 1, rate: 0, revertedRate: 0, rejectedRate: 100 },
    ]);
    expect(overallRates(rates)).toEqual({ decided: 5, rate: 40, revertedRate: 20, rejectedRate: 40 });
  });

  it('shares add up to exactly 100 %, so a stacked bar never runs past its end', () => {
    expect(percentages([5, 3, 0])).toEqual([63, 37, 0]);
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([0, 0, 0])).toEqual([0, 0, 0]);
    for (const counts of [[7, 2, 4], [1, 6, 0], [13, 13, 13], [19, 5, 7]]) expect(percentages(counts).reduce((a, b) => a + b, 0)).toBe(100);
  });
});
