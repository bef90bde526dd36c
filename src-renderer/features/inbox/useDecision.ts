import type { MethodInput } from '../../../src-shared/api';
import { api } from '../../api/client';
import { requestSync } from '../../db/sync';
import { useAction } from '../../lib/useAction';

export type Decision = 'approved' | 'rejected' | 'reverted';

/** Approve (optionally with edited params), reject (optionally with a reason) or revert one proposal. */
export async function decideProposal(proposalId: string, decision: Decision, extra: { params?: Record<string, unknown>; feedback?: string } = {}): Promise<Decision> {
  if (decision === 'approved') {
    const input: MethodInput<'proposals.approve'> = { proposalId, ...(extra.params ? { params: extra.params } : {}) };
    await api().call('proposals.approve', input);
  } else if (decision === 'rejected') {
    const feedback = extra.feedback?.trim();
    await api().call('proposals.reject', { proposalId, ...(feedback ? { feedback } : {}) });
  } else {
    await api().call('proposals.revert', { proposalId });
  }
  // The engine has written the new status; pull it now rather than waiting for the event.
  requestSync().catch(() => {});
  return decision;
}

/** decideProposal with busy / error / result state for a card's buttons. */
export function useDecision(proposalId: string) {
  return useAction((decision: Decision, extra: { params?: Record<string, unknown>; feedback?: string } = {}) => decideProposal(proposalId, decision, extra));
}
