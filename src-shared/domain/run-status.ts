/**
 * A run's status as people and the next prompt see it, DERIVED from its proposals at read time.
 *
 * Why derived and not written: proposals are separate records, decided on any device, and each
 * decision is its own field-level LWW write. A status or counts field on the iteration would be
 * rewritten by whichever device decided last and could lose the other's count (two devices
 * deciding two cards of one plan at once); reading the proposals gives every replica the same
 * answer. The engine (the next prompt) and the renderer (Missions list, mission page, Activity)
 * all call `runStatus`, so they cannot disagree.
 *
 * The stored `status` stays what the run produced: `awaiting-review` means "made proposals".
 */
import type { Iteration, IterationStep, Proposal, StepRefusal } from './ai';

export type RunStatus = 'running' | 'awaiting-review' | 'reviewed' | 'done' | 'failed' | 'skipped';

/** What happened to a run's proposals. `approved` are kept as proposed, `edited` kept after the user changed them. */
export interface ReviewCounts {
  pending: number;
  approved: number;
  edited: number;
  rejected: number;
  reverted: number;
  /** approved, but the change could not be applied */
  failed: number;
  expired: number;
}

export interface RunView {
  status: RunStatus;
  /** proposals the run made */
  proposals: number;
  counts: ReviewCounts;
}

export type ProposalOutcome = Pick<Proposal, 'status'> & Partial<Pick<Proposal, 'originalParams'>>;

export const NO_COUNTS: ReviewCounts = Object.freeze({ pending: 0, approved: 0, edited: 0, rejected: 0, reverted: 0, failed: 0, expired: 0 });

/**
 * The run's status from its stored outcome and its proposals (looked up by id). A proposal not
 * found (not synced to this replica yet) counts as pending: a run is "reviewed" only when every
 * one of its proposals is known to be decided.
 */
export function runStatus(iteration: Pick<Iteration, 'status' | 'steps'>, proposal: (id: string) => ProposalOutcome | null | undefined): RunView {
  const counts: ReviewCounts = { ...NO_COUNTS };
  let proposals = 0;
  for (const step of iteration.steps ?? []) {
    if (!step.proposalId) continue;
    proposals++;
    const p = proposal(step.proposalId);
    if (!p) counts.pending++;
    else if (p.status === 'approved') counts[p.originalParams ? 'edited' : 'approved']++;
    else counts[p.status]++;
  }
  const stored = iteration.status;
  const status: RunStatus =
    stored === 'running' || stored === 'failed' || stored === 'skipped' ? stored : proposals === 0 ? 'done' : counts.pending > 0 ? 'awaiting-review' : 'reviewed';
  return { status, proposals, counts };
}

// ---------------------------------------------------------------------------------------------
// Refused steps in words (the iteration's error line, the mission page, the inbox group)

/** Why a step was not used, as a phrase after "it …" / a count ("2 had no reason"). */
const REFUSAL_PHRASE: Record<StepRefusal, { one: string; many: string }> = {
  'unknown-tool': { one: 'was not an action this app has', many: 'were not actions this app has' },
  denied: { one: 'was an action this agent may not take', many: 'were actions this agent may not take' },
  'invalid-params': { one: 'had details that were not valid', many: 'had details that were not valid' },
  'no-reason': { one: 'had no reason', many: 'had no reason' },
  'already-proposed': { one: 'was already proposed', many: 'were already proposed' },
  'already-done': { one: 'was already done', many: 'were already done' },
  'already-declined': { one: 'was already rejected or undone by you', many: 'were already rejected or undone by you' },
};

/** One refused step, in a short line for its badge and its explanation. */
export const REFUSAL_TEXT: Record<StepRefusal, { badge: string; why: string }> = {
  'unknown-tool': { badge: 'Not used', why: 'The model asked for an action this app does not have.' },
  denied: { badge: 'Not allowed', why: 'This agent is not allowed to take this action (see its policy).' },
  'invalid-params': { badge: 'Not used', why: 'The details the model gave for it were not valid.' },
  'no-reason': { badge: 'Not used', why: 'The model gave no reason for it, so it was not shown to you.' },
  'already-proposed': { badge: 'Already proposed', why: 'The same change is already waiting for your review.' },
  'already-done': { badge: 'Already done', why: 'This mission made the same change recently.' },
  'already-declined': { badge: 'Already declined', why: 'You rejected or undid the same change recently.' },
};

/** Refusals that only repeat earlier work: nothing is wrong with the model's answer or the endpoint. */
export const REPEAT_REFUSALS: ReadonlySet<StepRefusal> = new Set(['already-proposed', 'already-done', 'already-declined']);

/**
 * The error of a run whose every write step was refused, e.g. "The model proposed 3 changes;
 * none could be used: 2 had no reason, 1 was already proposed."
 */
export function refusedRunText(steps: readonly Pick<IterationStep, 'kind' | 'refused'>[]): string {
  const writes = steps.filter((s) => s.kind === 'write' && s.refused);
  if (writes.length === 1) return `The model proposed 1 change; it could not be used: it ${REFUSAL_PHRASE[writes[0]!.refused!].one}.`;
  const byKind = new Map<StepRefusal, number>();
  for (const s of writes) byKind.set(s.refused!, (byKind.get(s.refused!) ?? 0) + 1);
  const parts = [...byKind].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${n} ${n === 1 ? REFUSAL_PHRASE[kind].one : REFUSAL_PHRASE[kind].many}`);
  return `The model proposed ${writes.length} changes; none could be used: ${parts.join(', ')}.`;
}

// ---------------------------------------------------------------------------------------------
// A mission waiting for review

/** How long ago, in a few words: "5 min", "2 h", "3 days" (at least "1 min"). */
export function ageText(sinceIso: string, now: number): string {
  const ms = Math.max(0, now - Date.parse(sinceIso));
  if (!Number.isFinite(ms)) return '—';
  if (ms < 3_600_000) return `${Math.max(1, Math.round(ms / 60_000))} min`;
  if (ms < 2 * 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/** "Waiting for review (3 proposals, oldest 2 h)": why a mission is not planned again yet. */
export function waitingForReviewText(wait: { count: number; oldestAt: string }, now: number): string {
  return `Waiting for review (${wait.count} proposal${wait.count === 1 ? '' : 's'}, oldest ${ageText(wait.oldestAt, now)})`;
}
