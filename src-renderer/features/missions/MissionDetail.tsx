import { useMemo } from 'react';
import { describeCadence, nextRuns } from '../../../src-shared/cadence';
import { DEFAULT_AGENT_ID, type Mission } from '../../../src-shared/domain/ai';
import { formatDateTime } from '../../lib/format';
import { useNow } from '../../ui/useNow';
import { usePendingCounts } from '../inbox/data';
import { hrefFor } from '../../lib/router';
import { EmptyState } from '../../ui/EmptyState';
import { Markdown } from '../../ui/Markdown';
import { useAgent } from '../agents/data';
import { ProposalInbox } from '../inbox/ProposalInbox';
import { useRunnerTimeZone } from '../settings/timeZone';
import { STATE_TEXT, useMission } from './data';
import { IterationTimeline } from './IterationTimeline';
import { RunNow } from './RunNow';
import { AFTER_REVIEW, reviewState } from './runStatus';
import { ResumeButton, StateControls } from './StateControls';
import { usePickableRecords } from './useModuleRecords';

/** Why Run now is off for a mission in this state (the engine refuses to run a mission that is not active). */
const RUN_BLOCKED: Record<Mission['state'], string | null> = {
  active: null,
  paused: 'The mission is paused: resume it to run it.',
  done: 'The mission is completed: reopen it to run it again.',
  archived: 'The mission is archived: reopen it to run it again.',
};

function InputsList({ mission }: { mission: Mission }) {
  const all = usePickableRecords();
  if (mission.inputs.length === 0) return <>None — the agent looks things up with its read tools.</>;
  return (
    <ul className="plain-list">
      {mission.inputs.map((ref) => {
        const r = all?.find((x) => x.module === ref.module && x.id === ref.id);
        return (
          <li key={`${ref.module}/${ref.id}`}>
            <span className="chip-module">{r?.moduleLabel ?? ref.module}</span> {r?.title ?? `${ref.id} (missing)`}
          </li>
        );
      })}
    </ul>
  );
}

function MissionFacts({ mission }: { mission: Mission }) {
  const held = reviewState(mission, usePendingCounts(), 0)?.holds ?? false;
  const agent = useAgent(mission.agentId ?? DEFAULT_AGENT_ID);
  const zone = useRunnerTimeZone();
  const upcoming = useMemo(() => (mission.state === 'active' ? nextRuns(mission.cadence, new Date(), 3, zone) : []), [mission.state, mission.cadence, zone]);
  return (
    <dl className="facts">
      <div>
        <dt>Objective</dt>
        <dd>{mission.objective || '—'}</dd>
      </div>
      <div>
        <dt>Cadence</dt>
        <dd>
          {describeCadence(mission.cadence)}
          {upcoming.length > 1 && <span className="muted small block">then {upcoming.slice(1).map((d) => formatDateTime(d.toISOString())).join(', ')}</span>}
        </dd>
      </div>
      <div>
        <dt>Next run</dt>
        <dd>{mission.state !== 'active' ? '—' : held ? AFTER_REVIEW : formatDateTime(mission.nextRunAt)}</dd>
      </div>
      <div>
        <dt>Last run</dt>
        <dd>{formatDateTime(mission.lastRunAt)}</dd>
      </div>
      <div>
        <dt>While proposals wait</dt>
        <dd>{mission.planWhileWaiting ? 'It keeps planning on its cadence, without proposing a waiting change again' : 'It waits until you have decided them, then runs once'}</dd>
      </div>
      <div>
        <dt>Agent</dt>
        <dd>{agent ? <a href={hrefFor({ page: 'agent', agentId: agent.id })}>{agent.name}</a> : (mission.agentId ?? '—')}</dd>
      </div>
      <div>
        <dt>Inputs</dt>
        <dd>
          <InputsList mission={mission} />
        </dd>
      </div>
    </dl>
  );
}

/** Why the mission is not planning: its proposals wait for the user (it plans again once they are decided). */
function WaitingForReview({ mission }: { mission: Mission }) {
  const counts = usePendingCounts();
  const now = useNow(60_000);
  const review = reviewState(mission, counts, now);
  if (!review?.holds) return null;
  return (
    <p className="callout info" role="status">
      <strong>{review.text}.</strong> It does not plan again until you have decided them, so it never proposes the same change twice; then it runs once.
      To let it plan anyway, edit the mission.
    </p>
  );
}

export function MissionDetail({ missionId }: { missionId: string }) {
  const mission = useMission(missionId);
  const back = (
    <p className="back">
      <a href={hrefFor({ page: 'missions' })}>← Back</a>
    </p>
  );
  if (mission === undefined) return <p className="muted">Loading…</p>;
  if (mission === null)
    return (
      <>
        {back}
        <h1>Mission not found</h1>
        <p>It may have been deleted, or it has not synced to this window yet.</p>
      </>
    );
  return (
    <>
      {back}
      <div className="title-row">
        <h1>{mission.title}</h1>
        <span className={`badge state-${mission.state}`}>{STATE_TEXT[mission.state]}</span>
      </div>
      {mission.needsAttention && (
        <div className="error callout">
          <p>
            This mission needs attention: its recent runs failed{mission.failureStreak > 0 ? ` (${mission.failureStreak} in a row)` : ''}. Check the last run below, then
            Resume or Run now.
          </p>
          <ResumeButton mission={mission} />
        </div>
      )}
      <WaitingForReview mission={mission} />
      <RunNow missionId={mission.id} disabledReason={RUN_BLOCKED[mission.state]}>
        <StateControls mission={mission} />
      </RunNow>
      <div className="detail-columns">
        <div className="detail-main">
          <ProposalInbox
            filter={{ missionId: mission.id }}
            title="Proposals of this mission"
            showMission={false}
            decidedLimit={5}
            empty={<EmptyState title="Nothing to review from this mission.">Its next plan’s write steps will appear here as cards.</EmptyState>}
          />
          <section aria-labelledby="iterations-heading">
            <h2 id="iterations-heading">Runs</h2>
            <IterationTimeline missionId={mission.id} />
          </section>
        </div>
        <aside className="detail-side panel" aria-label="About this mission">
          <MissionFacts mission={mission} />
          {mission.conceptMarkdown.trim() && (
            <section aria-labelledby="concept-heading">
              <h2 id="concept-heading">Concept</h2>
              <Markdown text={mission.conceptMarkdown} />
            </section>
          )}
        </aside>
      </div>
    </>
  );
}
