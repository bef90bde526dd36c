import { useMemo } from 'react';
import type { Iteration, IterationStep, Proposal } from '../../../src-shared/domain/ai';
import { formatDateTime } from '../../lib/format';
import { useProposals } from '../inbox/data';
import { ParamList } from '../inbox/ParamList';
import { useIterations } from './data';

function Step({ step, proposal }: { step: IterationStep; proposal: Proposal | undefined }) {
  return (
    <li className="step">
      <div className="step-head">
        <code>{step.toolName}</code>
        <span className="muted">{step.kind}</span>
        {step.proposalId && (
          <span className={`badge status-${proposal?.status ?? 'pending'}`}>Proposal: {proposal?.status ?? 'not synced yet'}</span>
        )}
      </div>
      {step.summary && <p>{step.summary}</p>}
      <ParamList params={step.params} />
      {step.rationale && (
        <p className="rationale">
          <span className="label">Why: </span>
          {step.rationale}
        </p>
      )}
      {step.error && <p className="error">{step.error}</p>}
    </li>
  );
}

function IterationItem({ iteration, proposals }: { iteration: Iteration; proposals: Map<string, Proposal> }) {
  const tokens = iteration.usage?.totalTokens;
  return (
    <li className="iteration" aria-label={`Iteration started ${formatDateTime(iteration.startedAt)}: ${iteration.status}`}>
      <div className="iteration-head">
        <span className={`badge status-${iteration.status}`}>{iteration.status}</span>
        <span>{formatDateTime(iteration.startedAt)}</span>
        {iteration.model && <span className="muted">{iteration.model}</span>}
        {iteration.latencyMs != null && <span className="muted">{Math.round(iteration.latencyMs)} ms</span>}
        {tokens != null && <span className="muted">{tokens} tokens</span>}
      </div>
      {iteration.summary && <p>{iteration.summary}</p>}
      {iteration.error && <p className="error">{iteration.error}</p>}
      {iteration.steps.length > 0 && (
        <ol className="steps">
          {iteration.steps.map((s) => (
            <Step key={s.index} step={s} proposal={s.proposalId ? proposals.get(s.proposalId) : undefined} />
          ))}
        </ol>
      )}
    </li>
  );
}

export function IterationList({ missionId }: { missionId: string }) {
  const iterations = useIterations(missionId);
  const proposals = useProposals();
  const byId = useMemo(() => new Map((proposals ?? []).map((p) => [p.id, p])), [proposals]);
  if (!iterations) return <p className="muted">Loading…</p>;
  if (iterations.length === 0) return <p className="muted">No iterations yet. Use “Run now” or wait for the cadence.</p>;
  return (
    <ol className="iterations">
      {iterations.map((it) => (
        <IterationItem key={it.id} iteration={it} proposals={byId} />
      ))}
    </ol>
  );
}
