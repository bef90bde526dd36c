import { describeCadence } from '../../../src-shared/cadence';
import { formatDateTime } from '../../lib/format';
import { hrefFor } from '../../lib/router';
import { useMissions } from './data';
import { NewMissionForm } from './NewMissionForm';

function MissionTable() {
  const missions = useMissions();
  if (!missions) return <p className="muted">Loading…</p>;
  if (missions.length === 0) return <p className="muted">No missions yet. Create one to get started.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Title</th>
          <th scope="col">Cadence</th>
          <th scope="col">State</th>
          <th scope="col">Next run</th>
        </tr>
      </thead>
      <tbody>
        {missions.map((m) => (
          <tr key={m.id}>
            <td>
              <a href={hrefFor({ page: 'mission', missionId: m.id })}>{m.title}</a>
              {m.needsAttention && <span className="badge status-failed">Needs attention</span>}
            </td>
            <td>{describeCadence(m.cadence)}</td>
            <td>{m.state}</td>
            <td>{m.state === 'active' ? formatDateTime(m.nextRunAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function MissionsPage() {
  return (
    <>
      <h1>Missions</h1>
      <div className="two-columns">
        <section aria-labelledby="missions-list-heading">
          <h2 id="missions-list-heading">Your missions</h2>
          <MissionTable />
        </section>
        <section aria-labelledby="new-mission-heading" className="panel">
          <h2 id="new-mission-heading">New mission</h2>
          <NewMissionForm />
        </section>
      </div>
    </>
  );
}
