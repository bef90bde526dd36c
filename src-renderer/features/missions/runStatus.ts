/**
 * A run's status in words, from the one derivation the engine uses too (src-shared/domain/
 * run-status.ts): "Awaiting review (1 of 3 waiting)", "Reviewed: 2 approved, 1 rejected"; and a
 * mission's wait for review.
 */
import { useMemo } from 'react';
import type { Iteration, Mission, Proposal } from '../../../src-shared/domain/ai';
import { type ReviewCounts, type RunStatus, type RunView, runStatus, waitingForReviewText } from '../../../src-shared/domain/run-status';
import { type PendingCounts, useProposals } from '../inbox/data';

export const RUN_STATUS_TEXT: Record<RunStatus, string> = {
  running: 'Running',
  'awaiting-review': 'Awaiting review',
  reviewed: 'Reviewed',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};

const COUNT_WORDS: [keyof ReviewCounts, string][] = [
  ['approved', 'approved'],
  ['edited', 'edited and approved'],
  ['rejected', 'rejected'],
  ['reverted', 'undone'],
  ['failed', 'could not be applied'],
  ['expired', 'expired'],
];

/** What happened to the run's proposals: "2 approved, 1 rejected" (waiting ones said apart). */
export function reviewDetail(view: RunView): string | null {
  if (view.status !== 'reviewed' && view.status !== 'awaiting-review') return null;
  const decided = COUNT_WORDS.filter(([k]) => view.counts[k] > 0).map(([k, w]) => `${view.counts[k]} ${w}`);
  if (view.status === 'reviewed') return decided.join(', ');
  if (!decided.length) return `${view.counts.pending} waiting`;
  return `${view.counts.pending} of ${view.proposals} waiting; ${decided.join(', ')}`;
}

/** "Reviewed: 2 approved, 1 rejected", "Awaiting review (2 waiting)", "Awaiting review (1 of 3 waiting; 2 approved)", "Done". */
export function runStatusLine(view: RunView): string {
  const detail = reviewDetail(view);
  if (!detail) return RUN_STATUS_TEXT[view.status];
  return view.status === 'reviewed' ? `${RUN_STATUS_TEXT.reviewed}: ${detail}` : `${RUN_STATUS_TEXT[view.status]} (${detail})`;
}

/** Every proposal by id, to derive runs' statuses from. */
export function useProposalsById(): Map<string, Proposal> | undefined {
  const proposals = useProposals();
  return useMemo(() => proposals && new Map(proposals.map((p) => [p.id, p])), [proposals]);
}

export function viewOf(iteration: Pick<Iteration, 'status' | 'steps'>, proposals: ReadonlyMap<string, Proposal> | undefined): RunView {
  return runStatus(iteration, (id) => proposals?.get(id));
}

/**
 * What waits for the user: "Waiting for review (3 proposals, oldest 2 h)" for a mission that does
 * not plan again until they are decided, "3 to review" for one set to plan anyway; null when none wait.
 */
export function reviewState(mission: Mission, counts: PendingCounts, now: number): { text: string; holds: boolean } | null {
  const count = counts.byMission[mission.id] ?? 0;
  if (count === 0) return null;
  const holds = mission.state === 'active' && !mission.planWhileWaiting;
  return { text: holds ? waitingForReviewText({ count, oldestAt: counts.oldestByMission[mission.id]! }, now) : `${count} to review`, holds };
}


/** The next run of a mission that waits for review: its due time has passed and holds until then. */
export const AFTER_REVIEW = 'Once you have decided its proposals';
