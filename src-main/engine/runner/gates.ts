/**
 * Gates: checks a run passes after its mission and agent are loaded and before it queues for the
 * LLM. A gate that says no is recorded as a skipped iteration with its reason (counted by reason
 * in the tick), unless it is `quiet`: then nothing is written and the mission keeps its due time
 * (see `heldForReview`). Fail-closed: a gate that cannot tell says no. Add a check by adding a
 * gate here.
 */
import { waitingForReviewText } from '../../../src-shared/domain/run-status';
import type { ReviewWait } from '../store/iteration-queries';
import type { TokenLedger } from './agents';
import type { WriteContext } from './writer';

/** 'due': found by a tick, held to its agent's limit; 'manual': Run now, which only queues for the LLM. */
export type Trigger = 'due' | 'manual';

export interface GateContext extends WriteContext {
  trigger: Trigger;
}

export interface GateRefusal {
  /** counted in the tick's `skipped` */
  reason: string;
  /** the skipped iteration's summary, shown to the user */
  message: string;
  /**
   * Nothing is written: no skipped iteration, the mission's nextRunAt stays as it is. For a state
   * that ends by itself and would otherwise leave one record per tick (a mission waiting for review).
   */
  quiet?: boolean;
}

/** Why this run may not call the LLM, or null to let it through. */
export type Gate = (run: GateContext) => GateRefusal | null;

/**
 * A mission whose proposals wait for review is not planned by its cadence: it would only propose
 * the same changes again. The scheduler does not wake up for it (scheduler.ts) and a decision
 * re-arms the timer, so it runs once, at its old due time's catch-up, when the last one is decided.
 * Run now, and a mission set to plan while waiting, go through.
 */
export function heldForReview(mission: { planWhileWaiting?: boolean | null }, wait: ReviewWait | undefined): boolean {
  return !!wait && wait.count > 0 && !mission.planWhileWaiting;
}

export function reviewedFirst(waiting: (missionId: string) => ReviewWait | undefined, now: () => Date): Gate {
  return ({ mission, trigger }) => {
    if (trigger !== 'due') return null;
    const wait = waiting(mission.id);
    if (!heldForReview(mission, wait)) return null;
    return { reason: 'waiting-for-review', message: `${waitingForReviewText(wait!, now().getTime())}.`, quiet: true };
  };
}

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

export interface GateDeps {
  ledger: TokenLedger;
  waiting: (missionId: string) => ReviewWait | undefined;
  now: () => Date;
}

/** The gates of every run, in order (the first refusal is recorded). Waiting for review comes first: it writes nothing. */
export function defaultGates({ ledger, waiting, now }: GateDeps): Gate[] {
  return [reviewedFirst(waiting, now), agentActive, underBudget(ledger)];
}

export function firstRefusal(gates: readonly Gate[], run: GateContext): GateRefusal | null {
  for (const gate of gates) {
    const refusal = gate(run);
    if (refusal) return refusal;
  }
  return null;
}
