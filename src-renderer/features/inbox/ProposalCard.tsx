import { memo, useRef, useState } from 'react';
import type { Proposal } from '../../../src-shared/domain/ai';
import { getTool } from '../../../src-shared/tools/catalog';
import { useRecord } from '../../db/hooks';
import { formatSince } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { ErrorText } from '../../ui/ErrorText';
import { moduleByName, recordTitle } from '../modules/catalog';
import { useRunnerTimeZone } from '../settings/timeZone';
import { describeProposal, diffOf, targetOf } from './describe';
import { DiffTable } from './DiffTable';
import { ParamList } from './ParamList';
import { ParamsForm } from './ParamsForm';
import { RejectForm } from './RejectForm';
import { useDecision } from './useDecision';

interface Props {
  proposal: Proposal;
  agentName: string;
  /** null where the mission is obvious (its own page) */
  missionTitle: string | null;
  /** play the arrival animation (a card the runner just wrote) */
  fresh: boolean;
}

function Shortcut({ k }: { k: string }) {
  return (
    <kbd className="shortcut" aria-hidden="true">
      {k}
    </kbd>
  );
}

/** The record an update targets, its title (undefined while loading, null when gone), and the before/after of the change. */
function useTarget(proposal: Proposal) {
  const target = targetOf(proposal);
  const record = useRecord(target?.app ?? '', target?.table ?? '', target?.id);
  const title = record ? recordTitle(record.data, record.id) : record;
  return { target, record, title, diff: target && record !== undefined ? diffOf(proposal, record?.data) : null };
}

/**
 * A pending proposal as a dashed "ghost" of the change it would make. Memoised: the inbox keeps
 * each pending proposal the same object while it does not change (db/proposals.ts), so a decision
 * re-renders the card it removes, not the fifty others.
 */
export const ProposalCard = memo(function ProposalCard({ proposal, agentName, missionTitle, fresh }: Props) {
  const { target, record, title, diff } = useTarget(proposal);
  const line = describeProposal(proposal, title, record?.data);
  const tool = getTool(proposal.toolName);
  const timeZone = useRunnerTimeZone();
  const [mode, setMode] = useState<'view' | 'edit' | 'reject'>('view');
  const decide = useDecision(proposal.id);
  const card = useRef<HTMLElement>(null);
  // Until the pulled status removes this card, it stays visible but can't be decided twice.
  const decided = decide.result;
  const module = moduleByName(proposal.module);

  function back() {
    setMode('view');
    card.current?.focus();
  }

  return (
    <article
      ref={card}
      className={fresh ? 'ghost-card fresh' : 'ghost-card'}
      aria-label={`Proposal: ${line}`}
      aria-busy={decide.busy}
      tabIndex={0}
      data-review-item=""
    >
      <header className="card-meta">
        {module && <span className={`module-tag module-${module.module}`}>{module.label}</span>}
        <span className="agent">{agentName}</span>
        {missionTitle && (
          <>
            <span aria-hidden="true">·</span>
            <a href={hrefFor({ page: 'mission', missionId: proposal.missionId })} className="mission" tabIndex={-1}>
              {missionTitle}
            </a>
          </>
        )}
        <span className="muted when">{formatSince(proposal.createdAt, Date.now())}</span>
      </header>
      <p className="plain-words">{line}</p>
      {mode === 'edit' && tool ? (
        <ParamsForm tool={tool} params={proposal.params} timeZone={timeZone} busy={decide.busy} onApprove={(params) => void decide.run('approved', { params })} onCancel={back} />
      ) : diff ? (
        <DiffTable rows={diff} />
      ) : (
        <ParamList params={proposal.params} />
      )}
      {target && record === null && <p className="warn">This {module?.noun ?? 'record'} no longer exists; approving will fail.</p>}
      {proposal.rationale && (
        <p className="rationale">
          <span className="label">Why: </span>
          {proposal.rationale}
        </p>
      )}
      <ErrorText error={decide.error} />
      {decided ? (
        <p className="muted" role="status">
          {decided === 'approved' ? 'Approved' : 'Rejected'} — updating…
        </p>
      ) : mode === 'reject' ? (
        <RejectForm busy={decide.busy} onReject={(feedback) => void decide.run('rejected', { feedback })} onCancel={back} />
      ) : mode === 'view' ? (
        <div className="actions">
          <button type="button" className="primary" data-shortcut="a" aria-keyshortcuts="a" onClick={() => void decide.run('approved')} disabled={decide.busy}>
            Approve <Shortcut k="a" />
          </button>
          {tool && (
            <button type="button" data-shortcut="e" aria-keyshortcuts="e" onClick={() => setMode('edit')} disabled={decide.busy}>
              Edit <Shortcut k="e" />
            </button>
          )}
          <button type="button" data-shortcut="r" aria-keyshortcuts="r" onClick={() => setMode('reject')} disabled={decide.busy}>
            Reject <Shortcut k="r" />
          </button>
          {decide.busy && <span className="muted">Working…</span>}
        </div>
      ) : null}
    </article>
  );
});
