/**
 * The numbers behind the Activity charts, computed from the replica's iterations and proposals
 * (pure, so they are unit-tested): per day by outcome, tokens per day per agent, approval rate per tool.
 */
import type { Iteration, Proposal } from '../../../src-shared/domain/ai';
import { type ProposalOutcome, runStatus } from '../../../src-shared/domain/run-status';
import { localDay } from '../../lib/format';

export const DAYS_SHOWN = 14;

/** The last `n` local days, oldest first, ending today. */
export function lastDays(n: number, today = new Date()): string[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (n - 1 - i));
    return localDay(d);
  });
}

export type DayRow = { day: string } & Record<string, number | string>;

function emptyRows(days: string[], keys: readonly string[]): Map<string, DayRow> {
  return new Map(days.map((day) => [day, Object.fromEntries([['day', day], ...keys.map((k) => [k, 0])]) as DayRow]));
}

function bump(row: DayRow | undefined, key: string, by = 1): void {
  if (row) row[key] = Number(row[key] ?? 0) + by;
}

export const ITERATION_OUTCOMES = ['done', 'reviewed', 'awaiting-review', 'failed', 'skipped'] as const;
export const PROPOSAL_OUTCOMES = ['approved', 'rejected', 'reverted', 'failed', 'pending', 'expired'] as const;

/** Runs by the day they started, in their status as derived from their proposals (awaiting review, then reviewed). */
export function iterationsPerDay(iterations: readonly Iteration[], days: string[], proposal: (id: string) => ProposalOutcome | undefined): DayRow[] {
  const rows = emptyRows(days, ITERATION_OUTCOMES);
  for (const it of iterations) {
    if (it.status === 'running') continue;
    const row = rows.get(localDay(it.startedAt));
    if (row) bump(row, runStatus(it, proposal).status);
  }
  return [...rows.values()];
}

/** Proposals by the day they were made, in their current outcome. */
export function proposalsPerDay(proposals: readonly Proposal[], days: string[]): DayRow[] {
  const rows = emptyRows(days, PROPOSAL_OUTCOMES);
  for (const p of proposals) bump(rows.get(localDay(p.createdAt)), p.status);
  return [...rows.values()];
}

export function tokensPerDayPerAgent(iterations: readonly Iteration[], days: string[], agentName: (id: string) => string): { rows: DayRow[]; agents: string[] } {
  const agents = [...new Set(iterations.filter((it) => it.usage?.totalTokens).map((it) => agentName(it.agentId)))].sort();
  const rows = emptyRows(days, agents);
  for (const it of iterations) if (it.usage?.totalTokens) bump(rows.get(localDay(it.startedAt)), agentName(it.agentId), it.usage.totalTokens);
  return { rows: [...rows.values()], agents };
}

export interface ToolRate {
  tool: string;
  /** approved and kept (a failed approval counts: the user said yes, the tool then failed) */
  approved: number;
  /** approved, then undone by the user: a change they did not want after all */
  reverted: number;
  rejected: number;
  decided: number;
  /** shares of `decided`, 0..100, rounded */
  rate: number;
  revertedRate: number;
  rejectedRate: number;
}

/** Whole percentages of `counts` that add up to exactly 100 (largest remainders get the rounding), so stacked bars end at 100 %. */
export function percentages(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return counts.map(() => 0);
  const exact = counts.map((c) => (c / total) * 100);
  const whole = exact.map(Math.floor);
  let left = 100 - whole.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((e, i) => ({ i, r: e - whole[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    whole[i]!++;
  }
  return whole;
}

function rates(approved: number, reverted: number, rejected: number): { rate: number; revertedRate: number; rejectedRate: number } {
  const [rate, revertedRate, rejectedRate] = percentages([approved, reverted, rejected]) as [number, number, number];
  return { rate, revertedRate, rejectedRate };
}

/** Of the proposals a user decided, per tool: the share approved and kept, reverted, and rejected. */
export function approvalRateByTool(proposals: readonly Proposal[]): ToolRate[] {
  const byTool = new Map<string, { approved: number; reverted: number; rejected: number }>();
  for (const p of proposals) {
    const key = p.status === 'approved' || p.status === 'failed' ? 'approved' : p.status === 'reverted' || p.status === 'rejected' ? p.status : null;
    if (!key) continue;
    const entry = byTool.get(p.toolName) ?? { approved: 0, reverted: 0, rejected: 0 };
    entry[key]++;
    byTool.set(p.toolName, entry);
  }
  return [...byTool]
    .map(([tool, c]) => {
      return { tool, ...c, decided: c.approved + c.reverted + c.rejected, ...rates(c.approved, c.reverted, c.rejected) };
    })
    .sort((a, b) => b.decided - a.decided || a.tool.localeCompare(b.tool));
}

/** All tools together: the same three shares over every decision. */
export function overallRates(list: readonly ToolRate[]): { decided: number; rate: number; revertedRate: number; rejectedRate: number } {
  const sum = (k: 'approved' | 'reverted' | 'rejected') => list.reduce((n, r) => n + r[k], 0);
  return { decided: list.reduce((n, r) => n + r.decided, 0), ...rates(sum('approved'), sum('reverted'), sum('rejected')) };
}
