/**
 * What the prompt shows of a mission's past and present: its last iterations with each step's
 * fate (approved as the user edited it, rejected with the user's reason, refused and why, …), each
 * run's status as derived from its proposals (src-shared/domain/run-status.ts, the one the UI
 * shows), and the proposals still waiting for review, so the model neither repeats them nor
 * contradicts a decision.
 */
import { AI_APP, type Iteration, type IterationStep, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import { type ReviewCounts, type RunView, runStatus } from '../../../src-shared/domain/run-status';
import { type AwaitingStep, type PastIteration, type PastStep, RECENT_ITERATIONS } from '../../../src-shared/planner/prompt';
import { getTool } from '../../../src-shared/tools/catalog';
import type { Store } from '../store/store';

/** Waiting proposals listed in the prompt (the newest are left out beyond this). */
export const AWAITING_IN_PROMPT = 50;

export function pastIterations(store: Store, missionId: string): PastIteration[] {
  return store.iterations.recentIterations(missionId, RECENT_ITERATIONS).map((it) => pastIteration(store, it));
}

function pastIteration(store: Store, it: Iteration): PastIteration {
  const proposals = new Map<string, Proposal>();
  for (const s of it.steps ?? []) {
    const p = s.proposalId ? store.getData<Proposal>(AI_APP, TABLES.proposals, s.proposalId) : null;
    if (p) proposals.set(s.proposalId!, p);
  }
  return {
    startedAt: it.startedAt,
    status: statusWords(runStatus(it, (id) => proposals.get(id))),
    summary: it.summary,
    error: it.error ?? null,
    steps: (it.steps ?? []).map((s) => pastStep(s, s.proposalId ? proposals.get(s.proposalId) : undefined)),
  };
}

function pastStep(s: IterationStep, p: Proposal | undefined): PastStep {
  const describe = (params: Record<string, unknown>) => s.summary && params === s.params ? s.summary : (getTool(s.toolName)?.describe(params) ?? s.toolName);
  if (s.refused) return { toolName: s.toolName, summary: describe(s.params), status: `not used: ${s.error ?? s.refused}`, params: s.kind === 'write' ? s.params : undefined };
  if (!p) {
    const status = s.proposalId ? 'pending' : s.error ? 'failed' : s.kind === 'read' ? 'read' : 'executed';
    return { toolName: s.toolName, summary: describe(s.params), status, params: s.kind === 'write' ? s.params : undefined };
  }
  // What the user approved is what counts: their edit, not the model's original.
  const edited = p.status !== 'pending' && p.status !== 'rejected' && Boolean(p.originalParams);
  return {
    toolName: s.toolName,
    summary: describe(p.params),
    status: edited ? `${p.status} after the user edited it (the params shown are the user's)` : p.status,
    feedback: p.feedback ?? null,
    params: p.params,
  };
}

const COUNT_WORDS: [keyof ReviewCounts, string][] = [
  ['approved', 'approved'],
  ['edited', 'approved after editing'],
  ['rejected', 'rejected'],
  ['reverted', 'undone'],
  ['failed', 'failed when applied'],
  ['expired', 'expired'],
  ['pending', 'waiting'],
];

/** "reviewed: 2 approved, 1 rejected", "awaiting review: 1 approved, 2 waiting", "done". */
export function statusWords(view: RunView): string {
  if (view.status !== 'reviewed' && view.status !== 'awaiting-review') return view.status;
  const parts = COUNT_WORDS.filter(([k]) => view.counts[k] > 0).map(([k, word]) => `${view.counts[k]} ${word}`);
  return `${view.status === 'reviewed' ? 'reviewed' : 'awaiting review'}: ${parts.join(', ')}`;
}

/** The mission's proposals waiting for review, oldest first (at most AWAITING_IN_PROMPT). */
export function awaitingReview(store: Store, missionId: string): AwaitingStep[] {
  return store.iterations
    .pendingProposalsOfMission(missionId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    .slice(0, AWAITING_IN_PROMPT)
    .map((p) => ({ toolName: p.toolName, summary: p.summary || getTool(p.toolName)?.describe(p.params) || p.toolName, params: p.params, proposedAt: p.createdAt }));
}
