/**
 * Gates: checks a run passes after its mission and agent are loaded and before it queues for the
 * LLM. A gate that says no is recorded as a skipped iteration with its reason (counted by reason
 * in the tick). Fail-closed: a gate that cannot tell says no. Add a check by adding a gate here.
 */
import type { TokenLedger } from './agents';
import type { WriteContext } from './writer';

export interface GateRefusal {
  /** counted in the tick's `skipped` */
  reason: string;
  /** the skipped iteration's summary, shown to the user */
  message: string;
}

/** Why this run may not call the LLM, or null to let it through. */
export type Gate = (run: WriteContext) => GateRefusal | null;

/** The agent must be active. */
export const agentActive: Gate = ({ agent }) =>
  agent.state === 'active' ? null : { reason: `agent-${agent.state}`, message: `Skipped: agent "${agent.name}" is ${agent.state}.` };

/** The agent must be under its daily token budget. */
export function underBudget(ledger: TokenLedger): Gate {
  return ({ agent }) => {
    const overBudget = ledger.overBudget(agent);
    return overBudget ? { reason: 'over-budget', message: overBudget } : null;
  };
}

/** The gates of every run, in order (the first refusal is recorded). */
export function defaultGates(ledger: TokenLedger): Gate[] {
  return [agentActive, underBudget(ledger)];
}

export function firstRefusal(gates: readonly Gate[], run: WriteContext): GateRefusal | null {
  for (const gate of gates) {
    const refusal = gate(run);
    if (refusal) return refusal;
  }
  return null;
}
