import { useMemo } from 'react';
import { Agent, AI_APP, DEFAULT_AGENT, DEFAULT_AGENT_ID, TABLES } from '../../../src-shared/domain/ai';
import { useRecords } from '../../db/hooks';
import type { StoredRecord } from '../../db/schema';

export const AGENT_STATE_TEXT: Record<Agent['state'], string> = { active: 'Active', paused: 'Paused', archived: 'Archived' };

/** Defaults for an agent the user creates (the default agent has its own, more generous ones). */
export const NEW_AGENT_DEFAULTS: Omit<Agent, 'id' | 'name'> = {
  role: '',
  systemPrompt: '',
  policy: { tools: {}, modules: {}, fallback: null },
  maxTokensPerDay: null,
  maxConcurrentMissions: 1,
  state: 'active',
};

/**
 * An agent record as the engine reads it: stored fields over the defaults, a cleared (null) field
 * falling back to its default (src-main/engine/runner/agents.ts does the same).
 */
function readAgent(r: StoredRecord): Agent | null {
  const base = r.id === DEFAULT_AGENT_ID ? DEFAULT_AGENT : { ...NEW_AGENT_DEFAULTS, name: r.id };
  const stored = Object.fromEntries(Object.entries(r.data).filter(([k, v]) => v !== null || k === 'maxTokensPerDay'));
  const parsed = Agent.safeParse({ ...base, ...stored, id: r.id });
  return parsed.success ? parsed.data : null;
}

/** All agents, the default one first (it exists even without a record). */
export function useAgents(): Agent[] | undefined {
  const records = useRecords(AI_APP, TABLES.agents);
  return useMemo(() => {
    if (!records) return undefined;
    const agents = records.map(readAgent).filter((a): a is Agent => a !== null);
    const hasDefault = agents.some((a) => a.id === DEFAULT_AGENT_ID);
    const others = agents.filter((a) => a.id !== DEFAULT_AGENT_ID).sort((a, b) => a.name.localeCompare(b.name));
    return [hasDefault ? agents.find((a) => a.id === DEFAULT_AGENT_ID)! : DEFAULT_AGENT, ...others];
  }, [records]);
}

export function useAgent(id: string): Agent | null | undefined {
  const agents = useAgents();
  return agents && (agents.find((a) => a.id === id) ?? null);
}
