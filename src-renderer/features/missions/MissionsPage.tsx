import { describeCadence } from '../../../src-shared/cadence';
import type { Mission } from '../../../src-shared/domain/ai';
import { formatDateTime } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { useNow } from '../../ui/useNow';
import { usePendingCounts } from '../inbox/data';
import { STATE_TEXT, useIterations, useMissions } from './data';
import { AFTER_REVIEW, reviewState, runStatusLine, useProposalsById, viewOf } from './runStatus';
import { TemplateCards } from './TemplateCards';

function MissionRow({ mission, review, last }: { mission: Mission; review: { text: string; holds: boolean } | null; last: string | undefined }) {
  return (
    <tr>
      <td>
        <a href={hrefFor({ page: 'mission', missionId: mission.id })}>{mission.title}</a>
        {mission.needsAttention && <span className="badge status-failed">Needs attention</span>}
      </td>
      <td>
        <span className={`badge state-${mission.state}`}>{STATE_TEXT[mission.state]}</span>
      </td>
      <td>{describeCadence(mission.cadence)}</td>
      <td>{mission.state !== 'active' ? '—' : review?.holds ? AFTER_REVIEW : formatDateTime(mission.nextRunAt)}</td>
      <td>{last ?? '—'}</td>
      <td>{review ? review.holds ? <span className="waiting-for-review">{review.text}</span> : <span className="badge status-pending">{review.text}</span> : '—'}</td>
    </tr>
  );
}

function MissionTable({ missions }: { missions: Mission[] }) {
  const counts = usePendingCounts();
  const iterations = useIterations();
  const proposals = useProposalsById();
  const now = useNow(60_000);
  // iterations come newest first: the first of each mission is its last run, its status derived from its proposals
  const lastStatus = new Map<string, string>();
  for (const it of iterations ?? []) if (!lastStatus.has(it.missionId)) lastStatus.set(it.missionId, runStatusLine(viewOf(it, proposals)));
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col">State</th>
          <th scope="col">Cadence</th>
          <th scope="col">Next run</th>
          <th scope="col">Last run</th>
          <th scope="col">Review</th>
        </tr>
      </thead>
      <tbody>
        {missions.map((m) => (
          <MissionRow key={m.id} mission={m} review={reviewState(m, counts, now)} last={lastStatus.get(m.id)} />
        ))}
      </tbody>
    </table>
  );
}

export function MissionsPage() {
  const missions = useMissions();
  const open = missions?.filter((m) => m.state !== 'archived') ?? [];
  const archived = missions?.filter((m) => m.state === 'archived') ?? [];
  return (
    <>
      <div className="title-row">
        <h1>Missions</h1>
        <a className="button primary" href={hrefFor({ page: 'mission-new' })}>
          New mission
        </a>
      </div>
      <p className="lede">Long-lived objectives your agents plan on a cadence. Every change they want to make comes to your inbox first.</p>
      {!missions ? (
        <p className="muted">Loading…</p>
      ) : missions.length === 0 ? (
        <div className="empty-state">
          <p className="empty-title">No missions yet.</p>
          <p className="empty-body">Pick a template below to get going in a minute, or start from a blank mission.</p>
        </div>
      ) : (
        <MissionTable missions={open} />
      )}
      {archived.length > 0 && (
        <details className="archived">
          <summary>Archived ({archived.length})</summary>
          <MissionTable missions={archived} />
        </details>
      )}
      <TemplateCards />
    </>
  );
}
