/**
 * The numbers behind the Activity charts, computed from the replica's iterations and proposals
 * (pure, so they are unit-tested): per day by outcome, tokens per day per agent, approval rate per tool.
 */
import type { Iteration, Proposal } from '../../../src-shared/domain/ai';
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

export const ITERATION_OUTCOMES = ['done', 'awaiting-review', 'failed', 'skipped'] as const;
export const PROPOSAL_OUTCOMES = ['approved', 'rejected', 'reverted', 'failed', 'pending', 'expired'] as const;

export function iterationsPerDay(iterations: readonly Iteration[], days: string[]): DayRow[] {
  const rows = emptyRows(days, ITERATION_OUTCOMES);
  for (const it of iterations) if (it.status !== 'running') bump(rows.get(localDay(it.startedAt)), it.status);
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
  approved: number;
  rejected: number;
  /** 0..100 */
  rate: number;
}

/** Of the proposals a user decided, the share approved (reverted and failed ones were approved too). */
export function approvalRateByTool(proposals: readonly Proposal[]): ToolRate[] {
  const byTool = new Map<string, { approved: number; rejected: number }>();
  for (const p of proposals) {
    const approved = p.status === 'approved' || p.status === 'reverted' || p.status === 'failed';
    if (!approved && p.status !== 'rejected') continue;
    const entry = byTool.get(p.toolName) ?? { approved: 0, rejected: 0 };
    if (approved) entry.approved++;
    else entry.rejected++;
    byTool.set(p.toolName, entry);
  }
  return [...byTool]
    .map(([tool, c]) => ({ tool, ...c, rate: Math.round((c.approved / (c.approved + c.rejected)) * 100) }))
    .sort((a, b) => b.approved + b.rejected - (a.approved + a.rejected) || a.tool.localeCompare(b.tool));
}
