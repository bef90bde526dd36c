import { useId, useState, type FormEvent } from 'react';
import type { Proposal } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { requestSync } from '../../db/sync';
import { useAction } from '../../lib/useAction';
import { describeProposal } from './describe';
import { ParamList } from './ParamList';

interface Props {
  proposal: Proposal;
  agentName: string;
  missionTitle: string;
}

type Decision = 'approved' | 'rejected';

/** A pending proposal as a dashed "ghost" of the change it would make. */
export function ProposalCard({ proposal, agentName, missionTitle }: Props) {
  const line = describeProposal(proposal);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const reasonId = useId();
  const decide = useAction(async (decision: Decision) => {
    if (decision === 'approved') await api().call('proposals.approve', { proposalId: proposal.id });
    else await api().call('proposals.reject', { proposalId: proposal.id, ...(reason.trim() ? { feedback: reason.trim() } : {}) });
    // The engine has written the new status; pull it now rather than waiting for the event.
    requestSync().catch(() => {});
    return decision;
  });
  // Until the pulled status removes this card, it stays visible but can't be decided twice.
  const decided = decide.result;

  function submitReject(e: FormEvent) {
    e.preventDefault();
    void decide.run('rejected');
  }

  return (
    <article className="ghost-card" aria-label={`Proposal: ${line}`} aria-busy={decide.busy}>
      <header className="card-meta">
        <span className="agent">{agentName}</span>
        <span aria-hidden="true"> · </span>
        <span className="mission">{missionTitle}</span>
      </header>
      <p className="plain-words">{line}</p>
      <ParamList params={proposal.params} />
      {proposal.rationale && (
        <p className="rationale">
          <span className="label">Why: </span>
          {proposal.rationale}
        </p>
      )}
      {decide.error && (
        <p className="error" role="alert">
          {decide.error}
        </p>
      )}
      {decided ? (
        <p className="muted" role="status">
          {decided === 'approved' ? 'Approved' : 'Rejected'} — updating…
        </p>
      ) : rejecting ? (
        <form className="reject-form" onSubmit={submitReject}>
          <label htmlFor={reasonId}>Reason (optional)</label>
          <textarea id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
          <div className="actions">
            <button type="submit" className="danger" disabled={decide.busy}>
              Confirm reject
            </button>
            <button type="button" onClick={() => setRejecting(false)} disabled={decide.busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="actions">
          <button type="button" className="primary" onClick={() => void decide.run('approved')} disabled={decide.busy}>
            Approve
          </button>
          <button type="button" onClick={() => setRejecting(true)} disabled={decide.busy}>
            Reject
          </button>
          {decide.busy && <span className="muted">Working…</span>}
        </div>
      )}
    </article>
  );
}
