import type { ReactNode } from 'react';
import { describeCadence, nextRunAfter } from '../../../src-shared/cadence';
import { AI_APP, TABLES, type Mission } from '../../../src-shared/domain/ai';
import { api } from '../../api/client';
import { flushOutbox, requestSync } from '../../db/sync';
import { writeRecord } from '../../db/write';
import { formatDateTime } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { runnerTimeZone } from '../settings/timeZone';
import { useRunnerStatus } from '../status/runnerStatus';
import { useMission } from './data';
import { IterationList } from './IterationList';

function RunNow({ missionId, children }: { missionId: string; children?: ReactNode }) {
  const { status } = useRunnerStatus();
  const live = status?.running.find((r) => r.missionId === missionId);
  const run = useAction(async () => {
    // The engine can only run a mission it has: push a just-created one first.
    await flushOutbox();
    const result = await api().call('missions.runNow', { missionId });
    requestSync().catch(() => {});
    return result;
  });
  const result = run.result;
  return (
    <div className="run-now">
      <div className="actions">
        <button type="button" className="primary" onClick={() => void run.run()} disabled={run.busy} aria-busy={run.busy}>
          Run now
        </button>
        {children}
        {(run.busy || live) && (
          <span className="muted" role="status">
            Running{live ? ` (${live.phase.replace(/-/g, ' ')})` : ''}…
          </span>
        )}
      </div>
      {run.error && (
        <p className="error" role="alert">
          Run failed: {run.error}
        </p>
      )}
      {result && !run.busy && (
        <p className={result.error ? 'error' : 'muted'} role={result.error ? 'alert' : 'status'}>
          {result.error ? `Run ${result.status}: ${result.error}` : `Run finished: ${result.status}`}
        </p>
      )}
    </div>
  );
}

function PauseResume({ mission }: { mission: Mission }) {
  const toggle = useAction(async () => {
    if (mission.state === 'active') {
      await writeRecord(AI_APP, TABLES.missions, mission.id, { state: 'paused' });
    } else {
      const next = nextRunAfter(mission.cadence, new Date(), await runnerTimeZone());
      await writeRecord(AI_APP, TABLES.missions, mission.id, { state: 'active', nextRunAt: next?.toISOString() ?? null });
    }
  });
  if (mission.state !== 'active' && mission.state !== 'paused') return null;
  return (
    <>
      <button type="button" onClick={() => void toggle.run()} disabled={toggle.busy}>
        {mission.state === 'active' ? 'Pause mission' : 'Resume mission'}
      </button>
      {toggle.error && (
        <span className="error" role="alert">
          {toggle.error}
        </span>
      )}
    </>
  );
}

function MissionFacts({ mission }: { mission: Mission }) {
  return (
    <dl className="facts">
      <div>
        <dt>Objective</dt>
        <dd>{mission.objective || '—'}</dd>
      </div>
      <div>
        <dt>Cadence</dt>
        <dd>{describeCadence(mission.cadence)}</dd>
      </div>
      <div>
        <dt>State</dt>
        <dd>
          {mission.state}
          {mission.failureStreak > 0 && ` (${mission.failureStreak} failed in a row)`}
        </dd>
      </div>
      <div>
        <dt>Next run</dt>
        <dd>{mission.state === 'active' ? formatDateTime(mission.nextRunAt) : '—'}</dd>
      </div>
      <div>
        <dt>Last run</dt>
        <dd>{formatDateTime(mission.lastRunAt)}</dd>
      </div>
      {mission.conceptMarkdown && (
        <div className="wide">
          <dt>Concept</dt>
          <dd className="prewrap">{mission.conceptMarkdown}</dd>
        </div>
      )}
    </dl>
  );
}

export function MissionDetail({ missionId }: { missionId: string }) {
  const mission = useMission(missionId);
  const back = (
    <p>
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
      <h1>{mission.title}</h1>
      {mission.needsAttention && <p className="error">This mission needs attention: its recent runs failed.</p>}
      <RunNow missionId={mission.id}>
        <PauseResume mission={mission} />
      </RunNow>
      <MissionFacts mission={mission} />
      <section aria-labelledby="iterations-heading">
        <h2 id="iterations-heading">Iterations</h2>
        <IterationList missionId={mission.id} />
      </section>
    </>
  );
}
