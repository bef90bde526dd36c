import type { Proposal } from '../../../src-shared/domain/ai';
import { useRecord } from '../../db/hooks';
import { formatDateTime } from '../../lib/format';
import { ErrorText } from '../../ui/ErrorText';
import { recordTitle } from '../modules/catalog';
import { STATUS_TEXT } from './data';
import { describeProposal, targetOf } from './describe';
import { useDecision } from './useDecision';

function DecidedItem({ proposal, missionTitle }: { proposal: Proposal; missionTitle: string }) {
  const target = targetOf(proposal);
  const record = useRecord(target?.app ?? '', target?.table ?? '', target?.id);
  // An approved update may have renamed its record: name it as it was when the user decided.
  const before = proposal.execution?.before?.find((b) => b.id === target?.id)?.fields;
  const title = typeof before?.title === 'string' ? before.title : record ? recordTitle(record.data, record.id) : null;
  const line = describeProposal(proposal, title);
  const revert = useDecision(proposal.id);
  const executionError = proposal.execution?.error;
  return (
    <li className={`decided decided-${proposal.status}`} aria-label={`${STATUS_TEXT[proposal.status]}: ${line}`} tabIndex={0} data-review-item="">
      <div className="decided-main">
        <span className={`badge status-${proposal.status}`}>{STATUS_TEXT[proposal.status]}</span>
        <span className="plain-words">{line}</span>
        {proposal.originalParams && <span className="badge">edited</span>}
        <span className="muted small">
          {missionTitle} · {formatDateTime(proposal.revertedAt ?? proposal.decidedAt)}
        </span>
        {proposal.status === 'approved' && (
          <button type="button" className="small" data-shortcut="u" aria-keyshortcuts="u" onClick={() => void revert.run('reverted')} disabled={revert.busy || !!revert.result}>
            Revert
            <kbd className="shortcut" aria-hidden="true">
              u
            </kbd>
          </button>
        )}
      </div>
      {proposal.feedback && <p className="muted">Reason: {proposal.feedback}</p>}
      {executionError && <p className="error">{executionError}</p>}
      <ErrorText error={revert.error} />
    </li>
  );
}

export function DecidedList({ proposals, missionTitle }: { proposals: Proposal[]; missionTitle: (p: Proposal) => string }) {
  if (proposals.length === 0) return <p className="muted">Nothing decided yet. Approved changes can be reverted from here.</p>;
  return (
    <ul className="decided-list">
      {proposals.map((p) => (
        <DecidedItem key={p.id} proposal={p} missionTitle={missionTitle(p)} />
      ))}
    </ul>
  );
}
