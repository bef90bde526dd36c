import type { MethodInput } from '../../../src-shared/api';
import type { Proposal } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { decidedByEngine } from '../../db/proposals';
import { requestSync } from '../../db/sync';
import { useAction } from '../../lib/useAction';

export type Decision = 'approved' | 'rejected' | 'reverted';

/** Approve (optionally with edited params), reject (optionally with a reason) or revert one proposal. */
export async function decideProposal(proposalId: string, decision: Decision, extra: { params?: Record<string, unknown>; feedback?: string } = {}): Promise<Decision> {
  let answer: { proposal: Proposal };
  if (decision === 'approved') {
    const input: MethodInput<'proposals.approve'> = { proposalId, ...(extra.params ? { params: extra.params } : {}) };
    answer = await api().call('proposals.approve', input);
  } else if (decision === 'rejected') {
    const feedback = extra.feedback?.trim();
    answer = await api().call('proposals.reject', { proposalId, ...(feedback ? { feedback } : {}) });
  } else {
    answer = await api().call('proposals.revert', { proposalId });
  }
  // The engine has written the new status: the card goes now, and the record comes with the pull,
  // started now rather than at the engine's event.
  if (answer.proposal.status !== 'pending') decidedByEngine([answer.proposal.id]);
  requestSync().catch(() => {});
  return decision;
}

/** decideProposal with busy / error / result state for a card's buttons. */
export function useDecision(proposalId: string) {
  return useAction((decision: Decision, extra: { params?: Record<string, unknown>; feedback?: string } = {}) => decideProposal(proposalId, decision, extra));
}
