import { useState } from 'react';
import type { Proposal } from '../../../src-shared/domain/ai';
import { getTool } from '../../../src-shared/tools/catalog';
import { useRecord } from '../../db/hooks';
import { fieldLabel } from '../../lib/fieldLabels';
import { formatDateTime } from '../../lib/format';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { moduleByLocation, recordTitle } from '../modules/catalog';
import { STATUS_TEXT } from './data';
import { describeProposal, targetOf } from './describe';
import { decideProposal } from './useDecision';

/** What reverting will do, in words: delete what the change created, or restore what it changed. */
function revertEffect(proposal: Proposal): string {
  const tool = getTool(proposal.toolName);
  const noun = (tool && moduleByLocation(tool.app, tool.table)?.noun) ?? 'record';
  const before = proposal.execution?.before ?? [];
  if (before.length > 0 && before.every((b) => b.fields === null)) return `The ${noun} it created will be deleted.`;
  const fields = [...new Set(before.flatMap((b) => Object.keys(b.fields ?? {})))].filter((f) => f !== 'updatedAt' && f !== 'completedAt');
  const which = fields.length ? ` (${fields.map((f) => fieldLabel(f).toLowerCase()).join(', ')})` : '';
  return `The ${noun} gets back what it had before this change${which}; edits made to those fields since are overwritten.`;
}

function DecidedItem({ proposal, missionTitle }: { proposal: Proposal; missionTitle: string }) {
  const target = targetOf(proposal);
  const record = useRecord(target?.app ?? '', target?.table ?? '', target?.id);
  // An approved update may have renamed its record: name it as it was when the user decided.
  const before = proposal.execution?.before?.find((b) => b.id === target?.id)?.fields;
  const title = typeof before?.title === 'string' ? before.title : record ? recordTitle(record.data, record.id) : record;
  const line = describeProposal(proposal, title);
  const [reverted, setReverted] = useState(false);
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
        {proposal.status === 'approved' &&
          (reverted ? (
            <span className="muted small" role="status">
              Reverted — updating…
            </span>
          ) : (
            // Revert undoes a change the user already accepted: the `u` key and the button both ask first.
            <ConfirmButton
              label="Revert"
              className="small"
              shortcut="u"
              title="Revert this change?"
              confirmLabel="Revert change"
              onConfirm={async () => {
                await decideProposal(proposal.id, 'reverted');
                setReverted(true);
              }}
            >
              <p className="plain-words">{line}</p>
              <p>{revertEffect(proposal)}</p>
            </ConfirmButton>
          ))}
      </div>
      {proposal.feedback && <p className="muted">Reason: {proposal.feedback}</p>}
      {executionError && <p className="error">{executionError}</p>}
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
