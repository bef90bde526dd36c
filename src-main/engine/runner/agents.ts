/**
 * Agents as the runner and the approval path see them: the stored ai/agents record over the
 * defaults (the default agent needs no record), and each agent's token use per local day.
 */
import { wallClock } from '../../../src-shared/cadence';
import { AI_APP, Agent, DEFAULT_AGENT, DEFAULT_AGENT_ID, TABLES, type Usage } from '../../../src-shared/domain/ai';
import type { Store } from '../store/store';
import type { TokenUsage } from '../store/token-usage';

export type AgentLookup = { ok: true; agent: Agent } | { ok: false; reason: 'agent-missing' | 'agent-invalid'; message: string };

/** The agent with this id (default agent when null), or why it cannot be used. */
export function loadAgent(store: Store, agentId: string | null | undefined): AgentLookup {
  const id = agentId || DEFAULT_AGENT_ID;
  const stored = store.getData<Record<string, unknown>>(AI_APP, TABLES.agents, id);
  if (!stored) {
    if (id === DEFAULT_AGENT_ID) return { ok: true, agent: DEFAULT_AGENT };
    return { ok: false, reason: 'agent-missing', message: `The mission's agent "${id}" no longer exists; pick another agent for it.` };
  }
  // The default agent's record only overrides what the user changed; other agents get the schema's defaults.
  const base = id === DEFAULT_AGENT_ID ? DEFAULT_AGENT : {};
  const parsed = Agent.safeParse({ ...base, ...stripNulls(stored), id });
  if (!parsed.success) {
    return { ok: false, reason: 'agent-invalid', message: `The agent "${id}" has invalid settings (${parsed.error.issues[0]?.message ?? 'unknown'}); fix it in Agents.` };
  }
  return { ok: true, agent: parsed.data };
}

/** LWW records carry explicit nulls for cleared fields; a cleared field falls back to the default. */
function stripNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k, v]) => v !== null || k === 'maxTokensPerDay'));
}

export class TokenLedger {
  constructor(
    private readonly usage: TokenUsage,
    private readonly timeZone: () => string,
    private readonly now: () => Date,
  ) {}

  /** YYYY-MM-DD on the user's wall clock: budgets reset at local midnight. */
  day(at: Date = this.now()): string {
    const w = wallClock(at, this.timeZone());
    return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  }

  tokensToday(agentId: string): number {
    return this.usage.tokens(this.day(), agentId);
  }

  usageToday(): { day: string; usage: Record<string, number> } {
    const day = this.day();
    return { day, usage: this.usage.byAgent(day) };
  }

  /** A reason to skip when the agent has used its daily tokens (fail-closed), else null. */
  overBudget(agent: Agent): string | null {
    if (agent.maxTokensPerDay === null || agent.maxTokensPerDay === undefined) return null;
    const used = this.tokensToday(agent.id);
    return used >= agent.maxTokensPerDay ? `Skipped: agent "${agent.name}" used ${used} of its ${agent.maxTokensPerDay} tokens today.` : null;
  }

  record(agentId: string, usage: Usage | null): void {
    if (!usage?.totalTokens) return;
    this.usage.add(this.day(), agentId, usage.totalTokens);
  }
}
