/**
 * Steps of a plan that were not used, and how they are kept on the iteration. The planner records
 * every call it refuses (unknown or denied tool, invalid details, no reason); a call the model
 * then made again correctly in the repair round was repaired, not refused, so its failed attempt is
 * not listed. Everything else refused stays on the iteration, in words (never dropped unseen).
 */
import { type IterationStep, type StepRefusal } from '../../../src-shared/domain/ai';
import { REFUSAL_TEXT } from '../../../src-shared/domain/run-status';
import type { ToolDef } from '../../../src-shared/tools/catalog';
import { changeKey } from '../../../src-shared/tools/change-key';
import type { PlanStepOut } from './planner';

/** Refusals the model is asked to repair (tool mode's repair round). */
const REPAIRABLE: ReadonlySet<StepRefusal> = new Set(['invalid-params', 'no-reason']);

/**
 * The plan's steps without the attempts that were repaired: each used call repairs one earlier
 * refused invalid or reason-less call of the same tool, the one with the same details if there is
 * one (a reason added), else the latest before it.
 */
export function withoutRepaired(steps: readonly PlanStepOut[]): PlanStepOut[] {
  const repaired = new Set<number>();
  steps.forEach((used, i) => {
    if (used.refused) return;
    const attempts = steps
      .map((s, j) => ({ s, j }))
      .filter(({ s, j }) => j < i && s.refused && REPAIRABLE.has(s.refused) && s.toolName === used.toolName && !repaired.has(j));
    if (!attempts.length) return;
    const key = changeKey(used.toolName, used.params, 'UTC');
    const same = attempts.find(({ s }) => changeKey(s.toolName, s.params, 'UTC') === key);
    repaired.add((same ?? attempts.at(-1)!).j);
  });
  return steps.filter((_, i) => !repaired.has(i));
}

/** A step as recorded when it was not used: the reason as a kind and in words; invalid details with what was wrong. */
export function refusedStep(step: IterationStep, kind: StepRefusal, tool: ToolDef | undefined): IterationStep {
  const policy = kind === 'unknown-tool' || kind === 'denied' ? 'deny' : step.policy;
  const refused: IterationStep = { ...step, ...(policy ? { policy } : {}), refused: kind, error: REFUSAL_TEXT[kind].why };
  if (kind !== 'invalid-params' || !tool) return refused;
  const parsed = tool.params.safeParse(step.params);
  if (parsed.success) return refused;
  return { ...refused, issues: parsed.error.issues.map((i) => ({ path: i.path.filter((p) => typeof p !== 'symbol') as (string | number)[], message: i.message })) };
}
