/**
 * Replies that carry a plan in the JSON form the planner asks models for (json planner mode).
 * Only erasable TypeScript syntax (see ./index.ts).
 */
import type { ContentReply } from './types.ts';

/** A plan as assistant text, fenced like many models answer it. */
export function planText(steps: unknown[], summary = 'plan', fenced = true): string {
  const text = JSON.stringify({ summary, steps });
  return fenced ? '```json\n' + text + '\n```' : text;
}

/** The reply of a model that answers with this plan. */
export function jsonPlanReply(plan: { summary: string; steps: unknown[] }, fenced = true): ContentReply {
  return { content: planText(plan.steps, plan.summary, fenced) };
}

/** What the server answers when nothing is queued: a plan with nothing to do. */
export const DEFAULT_EMPTY_PLAN = planText([], 'nothing to do');
