import type { Proposal } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { requestSync } from '../../db/sync';
import { formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { describeProposal } from './describe';

const STATUS_TEXT: Record<Proposal['status'], string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  failed: 'Failed',
  reverted: 'Reverted',
};

function DecidedItem({ proposal }: { proposal: Proposal }) {
  const line = describeProposal(proposal);
  const revert = useAction(async () => {
    await api().call('proposals.revert', { proposalId: proposal.id });
    requestSync().catch(() => {});
  });
  const executionError = proposal.execution?.error;
  return (
    <li className="decided" aria-label={`${STATUS_TEXT[proposal.status]}: ${line}`}>
      <div className="decided-main">
        <span className={`badge status-${proposal.status}`}>{STATUS_TEXT[proposal.status]}</span>
        <span className="plain-words">{line}</span>
        <span className="muted">{formatDateTime(proposal.revertedAt ?? proposal.decidedAt)}</span>
        {proposal.status === 'approved' && (
          <button type="button" onClick={() => void revert.run()} disabled={revert.busy}>
            Revert
          </button>
        )}
      </div>
      {proposal.feedback && <p className="muted">Reason: {proposal.feedback}</p>}
      {executionError && <p className="error">{executionError}</p>}
      {revert.error && (
        <p className="error" role="alert">
          {revert.error}
        </p>
      )}
    </li>
  );
}

export function DecidedList({ proposals }: { proposals: Proposal[] }) {
  if (proposals.length === 0) return <p className="muted">Nothing decided yet.</p>;
  return (
    <ul className="decided-list">
      {proposals.map((p) => (
        <DecidedItem key={p.id} proposal={p} />
      ))}
    </ul>
  );
}
