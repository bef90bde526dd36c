/**
 * The pending proposals of one iteration (one plan), with "approve all / reject all" for plans
 * whose steps belong together, and the plan's changes that did not become cards (already waiting,
 * already done, no reason, …), so none is dropped unseen.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { AI_APP, IterationStep, TABLES } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { useRecord } from '../../db/hooks';
import { decidedByEngine } from '../../db/proposals';
import { requestSync } from '../../db/sync';
import { formatSince } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { RefusedSteps } from '../missions/RefusedSteps';
import { RejectForm } from './RejectForm';

interface Props {
  iterationId: string;
  missionId: string;
  missionTitle: string;
  agentName: string;
  createdAt: string;
  count: number;
  /** false on the mission's own page, where its title would only repeat the heading */
  showMission: boolean;
  /** the devices that planned this same run while they could not reach each other (its cards merged) */
  plannedOn?: readonly string[] | null;
  /** the device that planned it (shown when there is more than one device) */
  plannedBy?: string | null;
  children: ReactNode;
}

/** The plan's steps, read from its iteration record (empty until it has synced). */
function usePlanSteps(iterationId: string): IterationStep[] {
  const record = useRecord(AI_APP, TABLES.iterations, iterationId);
  return useMemo(() => {
    const steps = record?.data.steps;
    return Array.isArray(steps) ? steps.flatMap((s) => {
      const parsed = IterationStep.safeParse(s);
      return parsed.success ? [parsed.data] : [];
    }) : [];
  }, [record]);
}

export function IterationGroup({ iterationId, missionId, missionTitle, agentName, createdAt, count, showMission, plannedOn, plannedBy, children }: Props) {
  const [rejecting, setRejecting] = useState(false);
  const steps = usePlanSteps(iterationId);
  const batch = useAction(async (decision: 'approve' | 'reject', feedback?: string) => {
    const { results } = await api().call('proposals.decideAll', { iterationId, decision, ...(feedback?.trim() ? { feedback: feedback.trim() } : {}) });
    // Cards the engine decided go now; their records come with the pull.
    decidedByEngine(results.filter((r) => r.status !== null && r.status !== 'pending').map((r) => r.proposalId));
    requestSync().catch(() => {});
    const failed = results.filter((r) => r.error);
    if (failed.length) throw new Error(`${failed.length} of ${results.length} could not be ${decision === 'approve' ? 'approved' : 'rejected'}: ${failed[0]!.error}`);
    return results.length;
  });
  const label = showMission ? `Plan from ${missionTitle}` : `Plan of ${formatSince(createdAt, Date.now())}`;
  return (
    <section className="iteration-group" aria-label={label}>
      <header className="group-head">
        <div>
          {showMission ? (
            <a href={hrefFor({ page: 'mission', missionId })} className="group-title">
              {missionTitle}
            </a>
          ) : (
            <span className="group-title">Plan</span>
          )}
          <span className="muted small">
            {' '}
            · {agentName} · planned {formatSince(createdAt, Date.now())}
            {plannedBy && !plannedOn ? ` on ${plannedBy}` : ''} · {count} proposal{count === 1 ? '' : 's'}
          </span>
          {plannedOn && (
            <p className="hint also-planned" role="note">
              Planned on {listText(plannedOn)} while they could not reach each other; the plans were merged into these cards.
            </p>
          )}
        </div>
        {count > 1 && !rejecting && (
          <div className="actions">
            <button type="button" className="small" onClick={() => void batch.run('approve')} disabled={batch.busy}>
              Approve all {count}
            </button>
            <button type="button" className="small" onClick={() => setRejecting(true)} disabled={batch.busy}>
              Reject all
            </button>
          </div>
        )}
      </header>
      {rejecting && (
        <RejectForm
          busy={batch.busy}
          confirmLabel={`Reject all ${count}`}
          onReject={(reason) => void batch.run('reject', reason).then(() => setRejecting(false))}
          onCancel={() => setRejecting(false)}
        />
      )}
      <ErrorText error={batch.error} />
      <div className="card-list">{children}</div>
      <RefusedSteps steps={steps} />
    </section>
  );
}

/** "A and B", "A, B and C". */
function listText(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
