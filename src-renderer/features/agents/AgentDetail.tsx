import { useState } from 'react';
import { AI_APP, DEFAULT_AGENT_ID, TABLES, type Agent } from '../../../src-shared/domain/ai';
import { deleteRecord, writeRecord } from '../../db/write';
import { hrefFor, navigate } from '../../lib/router';
import { submitTo, useAction } from '../../lib/useAction';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { ErrorText } from '../../ui/ErrorText';
import { Field } from '../../ui/Field';
import { showToast } from '../../ui/toasts';
import { useMissions } from '../missions/data';
import { useAgent } from './data';
import { PolicyTable } from './PolicyTable';
import { UsageMeter } from './UsageMeter';
import { useAgentUsage } from './usage';

interface Draft {
  name: string;
  role: string;
  systemPrompt: string;
  policy: Agent['policy'];
  maxTokensPerDay: string;
  maxConcurrentMissions: string;
  state: Agent['state'];
}

function draftOf(a: Agent): Draft {
  return {
    name: a.name,
    role: a.role,
    systemPrompt: a.systemPrompt,
    policy: a.policy,
    maxTokensPerDay: a.maxTokensPerDay == null ? '' : String(a.maxTokensPerDay),
    maxConcurrentMissions: String(a.maxConcurrentMissions),
    state: a.state,
  };
}

function AgentForm({ agent }: { agent: Agent }) {
  const [draft, setDraft] = useState(() => draftOf(agent));
  const usage = useAgentUsage();
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };
  const save = useAction(async () => {
    const budget = draft.maxTokensPerDay.trim() === '' ? null : Number(draft.maxTokensPerDay);
    if (budget !== null && !(Number.isInteger(budget) && budget >= 0)) throw new Error('The daily token budget must be a whole number (or empty for no limit).');
    const concurrency = Number(draft.maxConcurrentMissions);
    if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 100)) throw new Error('Max concurrent missions must be a whole number from 1 to 100.');
    // The whole agent is written: the default agent has no record until its first save.
    await writeRecord(AI_APP, TABLES.agents, agent.id, {
      name: draft.name.trim(),
      role: draft.role,
      systemPrompt: draft.systemPrompt,
      policy: draft.policy,
      maxTokensPerDay: budget,
      maxConcurrentMissions: concurrency,
      state: draft.state,
    });
    return true;
  });
  return (
    <form className="agent-form" onSubmit={submitTo(save)} aria-label="Agent">
      <div className="two-columns">
        <div className="stack">
          <label>
            Name
            <input value={draft.name} onChange={(e) => set({ name: e.target.value })} required maxLength={200} />
          </label>
          <label>
            Role
            <input value={draft.role} onChange={(e) => set({ role: e.target.value })} maxLength={2000} placeholder="e.g. Plans my week from my notes" />
          </label>
          <label>
            System prompt
            <textarea value={draft.systemPrompt} onChange={(e) => set({ systemPrompt: e.target.value })} rows={5} maxLength={20_000} placeholder="Extra instructions added to every plan this agent makes." />
          </label>
        </div>
        <div className="stack panel">
          <h2>Limits</h2>
          <p className="muted small">
            <UsageMeter agent={{ ...agent, maxTokensPerDay: draft.maxTokensPerDay.trim() === '' ? null : Number(draft.maxTokensPerDay) }} used={usage?.usage[agent.id] ?? 0} />
          </p>
          <Field label="Daily token budget" hint="When reached, this agent’s missions are skipped until midnight (runner time zone).">
            {(control) => (
              <input {...control} type="number" min={0} step={1000} value={draft.maxTokensPerDay} onChange={(e) => set({ maxTokensPerDay: e.target.value })} placeholder="No limit" />
            )}
          </Field>
          <label>
            Max concurrent missions
            <input type="number" min={1} max={100} step={1} value={draft.maxConcurrentMissions} onChange={(e) => set({ maxConcurrentMissions: e.target.value })} required />
          </label>
          <label>
            State
            <select value={draft.state} onChange={(e) => set({ state: e.target.value as Agent['state'] })}>
              <option value="active">Active</option>
              <option value="paused">Paused — its missions are skipped</option>
              <option value="archived">Archived</option>
            </select>
          </label>
        </div>
      </div>
      <section aria-labelledby="policy-heading">
        <h2 id="policy-heading">Policy</h2>
        <PolicyTable policy={draft.policy} onChange={(policy) => set({ policy })} />
      </section>
      <div className="actions form-footer">
        <button type="submit" className="primary" disabled={save.busy || !draft.name.trim()}>
          Save agent
        </button>
        {save.result && !save.busy && (
          <span className="ok" role="status">
            Saved.
          </span>
        )}
        <ErrorText error={save.error} />
      </div>
    </form>
  );
}

export function AgentDetail({ agentId }: { agentId: string }) {
  const agent = useAgent(agentId);
  const missions = useMissions();
  if (agent === undefined) return <p className="muted">Loading…</p>;
  if (agent === null) return <h1>Agent not found</h1>;
  const using = missions?.filter((m) => (m.agentId ?? DEFAULT_AGENT_ID) === agent.id && m.state !== 'archived') ?? [];
  return (
    <>
      <p className="back">
        <a href={hrefFor({ page: 'agents' })}>← Back</a>
      </p>
      <div className="title-row">
        <h1>{agent.name}</h1>
        {agent.id !== DEFAULT_AGENT_ID && (
          <ConfirmButton
            label="Delete agent"
            className="danger-outline"
            title={`Delete “${agent.name}”?`}
            confirmLabel="Delete agent"
            onConfirm={async () => {
              await deleteRecord(AI_APP, TABLES.agents, agent.id);
              showToast({ kind: 'info', title: `Deleted agent “${agent.name}”.` });
              navigate({ page: 'agents' });
            }}
          >
            <p>{using.length > 0 ? `${using.length} mission(s) use this agent; they will be skipped until you pick another agent for them.` : 'No mission uses this agent.'}</p>
          </ConfirmButton>
        )}
      </div>
      {using.length > 0 && (
        <p className="muted">
          Plans:{' '}
          {using.map((m, i) => (
            <span key={m.id}>
              {i > 0 && ', '}
              <a href={hrefFor({ page: 'mission', missionId: m.id })}>{m.title}</a>
            </span>
          ))}
        </p>
      )}
      <AgentForm key={agent.id} agent={agent} />
    </>
  );
}
