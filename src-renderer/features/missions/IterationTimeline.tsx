/**
 * The runs of a mission, newest first: outcome (derived from its proposals), summary, each step
 * with its proposal or why it was not used, cost and timing.
 */
import { useMemo, useState } from 'react';
import type { Iteration, IterationStep, Proposal } from '../../../src-shared/domain/ai';
import { REFUSAL_TEXT } from '../../../src-shared/domain/run-status';
import { formatDateTime, formatDuration, formatNumber } from '../../lib/format';
import { EmptyState } from '../../ui/EmptyState';
import { STATUS_TEXT, useProposals } from '../inbox/data';
import { DebugView } from './DebugView';
import { useIterations } from './data';
import { RefusalWhy } from './RefusedSteps';
import { RUN_STATUS_TEXT, reviewDetail, viewOf } from './runStatus';
import { useStepLine } from './stepLine';

/** How the plan was asked for, in words (the iteration records the planner mode's code). */
const PLANNER_MODE_TEXT: Record<string, string> = { tools: 'tool calls', json: 'JSON plan' };

function stepOutcome(step: IterationStep, proposal: Proposal | undefined): { text: string; tone: string } {
  if (step.refused) return { text: REFUSAL_TEXT[step.refused].badge, tone: step.refused.startsWith('already-') ? 'skipped' : 'failed' };
  if (step.error) return { text: step.policy === 'deny' ? 'Denied' : 'Error', tone: 'failed' };
  if (step.proposalId) return proposal ? { text: STATUS_TEXT[proposal.status], tone: proposal.status } : { text: 'Proposal not synced yet', tone: 'pending' };
  if (step.kind === 'read') return { text: 'Read', tone: 'skipped' };
  return { text: 'Done automatically', tone: 'done' };
}

function Step({ step, proposal }: { step: IterationStep; proposal: Proposal | undefined }) {
  const outcome = stepOutcome(step, proposal);
  return (
    <li className="step">
      <div className="step-head">
        <span className={`badge status-${outcome.tone}`}>{outcome.text}</span>
        <span className="plain-words">{useStepLine(step, proposal)}</span>
      </div>
      {step.rationale && (
        <p className="rationale">
          <span className="label">Why: </span>
          {step.rationale}
        </p>
      )}
      {step.refused ? <RefusalWhy step={step} /> : step.error && <p className="error">{step.error}</p>}
    </li>
  );
}

function IterationItem({ iteration, proposals }: { iteration: Iteration; proposals: Map<string, Proposal> }) {
  const [debug, setDebug] = useState(false);
  const view = viewOf(iteration, proposals);
  const status = RUN_STATUS_TEXT[view.status];
  const detail = reviewDetail(view);
  const usage = iteration.usage;
  const duration = iteration.finishedAt ? Date.parse(iteration.finishedAt) - Date.parse(iteration.startedAt) : null;
  return (
    <li className={`iteration iteration-${view.status}`} aria-label={`Run started ${formatDateTime(iteration.startedAt)}: ${status}`}>
      <div className="iteration-head">
        <span className={`badge status-${view.status}`}>{status}</span>
        {detail && <span className="review-detail">{detail}</span>}
        <span>{formatDateTime(iteration.startedAt)}</span>
        <dl className="inline-facts">
          {duration !== null && (
            <div>
              <dt>took</dt>
              <dd>{formatDuration(duration)}</dd>
            </div>
          )}
          {iteration.latencyMs != null && (
            <div>
              <dt>LLM</dt>
              <dd>{formatDuration(iteration.latencyMs)}</dd>
            </div>
          )}
          {usage && (
            <div>
              <dt>tokens</dt>
              <dd title={`${usage.promptTokens} prompt + ${usage.completionTokens} completion`}>{formatNumber(usage.totalTokens)}</dd>
            </div>
          )}
          {iteration.model && (
            <div>
              <dt>model</dt>
              <dd>{iteration.model}</dd>
            </div>
          )}
          {iteration.plannerMode && (
            <div>
              <dt>plan as</dt>
              <dd>{PLANNER_MODE_TEXT[iteration.plannerMode] ?? iteration.plannerMode}</dd>
            </div>
          )}
        </dl>
      </div>
      {iteration.summary && <p className="iteration-summary">{iteration.summary}</p>}
      {iteration.error && <p className="error">{iteration.error}</p>}
      {iteration.plannerNote && <p className="muted small planner-note">{iteration.plannerNote}</p>}
      {iteration.steps.length > 0 && (
        <ol className="steps">
          {iteration.steps.map((s) => (
            <Step key={s.index} step={s} proposal={s.proposalId ? proposals.get(s.proposalId) : undefined} />
          ))}
        </ol>
      )}
      <button type="button" className="link-button" aria-expanded={debug} onClick={() => setDebug(!debug)}>
        {debug ? 'Hide debug view' : 'Show debug view (prompt and raw response)'}
      </button>
      {debug && <DebugView iterationId={iteration.id} />}
    </li>
  );
}

/** Runs listed at first, and added by each "Show older runs": a mission left running for a month has thousands. */
export const RUNS_PER_PAGE = 20;

export function IterationTimeline({ missionId }: { missionId: string }) {
  const iterations = useIterations(missionId);
  const proposals = useProposals({ missionId });
  const [shown, setShown] = useState(RUNS_PER_PAGE);
  const byId = useMemo(() => new Map((proposals ?? []).map((p) => [p.id, p])), [proposals]);
  if (!iterations) return <p className="muted">Loading…</p>;
  if (iterations.length === 0) return <EmptyState title="No runs yet.">Press “Run now” to plan this mission now, or wait for its cadence.</EmptyState>;
  const older = iterations.length - shown;
  return (
    <>
      <ol className="iterations">
        {iterations.slice(0, shown).map((it) => (
          <IterationItem key={it.id} iteration={it} proposals={byId} />
        ))}
      </ol>
      {older > 0 && (
        <button type="button" onClick={() => setShown(shown + RUNS_PER_PAGE)}>
          Show {Math.min(older, RUNS_PER_PAGE)} older runs ({older} more)
        </button>
      )}
    </>
  );
}
