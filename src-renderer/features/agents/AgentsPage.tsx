import { AI_APP, DEFAULT_AGENT_ID, TABLES } from '../../../src-shared/domain/ai';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { hrefFor, navigate } from '../../lib/router';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { useMissions } from '../missions/data';
import { AGENT_STATE_TEXT, NEW_AGENT_DEFAULTS, useAgents } from './data';
import { UsageMeter } from './UsageMeter';
import { useAgentUsage } from './usage';

export function AgentsPage() {
  const agents = useAgents();
  const missions = useMissions();
  const usage = useAgentUsage();
  const create = useAction(async () => {
    const id = `agent-${newId()}`;
    await writeRecord(AI_APP, TABLES.agents, id, { ...NEW_AGENT_DEFAULTS, name: 'New agent' }, 'insert');
    navigate({ page: 'agent', agentId: id });
  });
  return (
    <>
      <div className="title-row">
        <h1>Agents</h1>
        <button type="button" className="primary" onClick={() => void create.run()} disabled={create.busy}>
          New agent
        </button>
      </div>
      <p className="lede">Who plans your missions: a role, a system prompt, what each may do without asking, and how many tokens a day it may spend.</p>
      <ErrorText error={create.error} />
      {!agents ? (
        <p className="muted">Loading…</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Role</th>
              <th scope="col">State</th>
              <th scope="col">Missions</th>
              <th scope="col">Today</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id}>
                <td>
                  <a href={hrefFor({ page: 'agent', agentId: a.id })}>{a.name}</a>
                </td>
                <td className="muted">{a.role || '—'}</td>
                <td>
                  <span className={`badge state-${a.state}`}>{AGENT_STATE_TEXT[a.state]}</span>
                </td>
                <td>{missions?.filter((m) => (m.agentId ?? DEFAULT_AGENT_ID) === a.id && m.state === 'active').length ?? '—'}</td>
                <td>
                  <UsageMeter agent={a} used={usage?.usage[a.id] ?? 0} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
