/**
 * Approve or reject every pending proposal of one iteration ("approve all" in the inbox). Each
 * proposal goes through the same path as a single decision (params and policy re-validated per
 * proposal), so one that fails does not stop the others; the caller sees each outcome.
 */
import { ApiError, type MethodOutput } from '../../../src-shared/api';
import type { Proposal } from '../../../src-shared/domain/ai';
import type { Store } from '../store/store';
import type { Proposals } from './service';

type BatchResult = MethodOutput<'proposals.decideAll'>;

function stepIndex(p: Proposal): number {
  const n = Number(p.id.slice(p.id.lastIndexOf('.') + 1));
  return Number.isFinite(n) ? n : 0;
}

export function decideAll(
  store: Store,
  proposals: Proposals,
  input: { iterationId: string; decision: 'approve' | 'reject'; feedback?: string },
): BatchResult {
  const pending = store.iterations
    .pendingProposalsOf(input.iterationId)
    // in plan order: a later step may build on an earlier one
    .sort((a, b) => stepIndex(a) - stepIndex(b));
  const results: BatchResult['results'] = pending.map((p) => {
    try {
      const decided = input.decision === 'approve' ? proposals.approve(p.id) : proposals.reject(p.id, input.feedback);
      return { proposalId: p.id, status: decided.status, error: decided.execution?.error ?? null };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { proposalId: p.id, status: null, error: error.message };
    }
  });
  return { results };
}
