/**
 * Drives the LLM to a validated plan, or to a failure whose reason names the real cause. Modes:
 * - tools (plan-tools.ts): native tool calling over several rounds;
 * - json (plan-json.ts): a JSON plan, constrained by the strongest form the endpoint takes;
 * - auto: tool calling unless it is known not to work with this endpoint; when the endpoint refuses
 *   it (any answer saying so, whatever the status) or the model answers in free text instead, the
 *   same run is planned in JSON, the finding is remembered per endpoint (persisted, shown and
 *   resettable in Settings) so the next run goes straight there, and the run's note says why.
 * Honest outcomes: an answer cut off at max tokens is its own failure; an answer that is not a plan
 * is a failed run, never "done"; an empty plan counts only when it says "Nothing to do". Every
 * attempt is counted (plan-session.ts) and the run's LLM time is bounded (RUN_TIME_FACTOR × timeout).
 */
import type { PlannerMode } from '../../../src-shared/domain/settings';
import type { PlannerContext } from '../../../src-shared/planner/prompt';
import { planJson } from './plan-json';
import { type PlanOutcome, type PlannerDeps, Session } from './plan-session';
import { ToolsUnusable, planWithTools } from './plan-tools';

export { MAX_ROUNDS } from './plan-tools';
export { type CapabilityStore, type DebugCapture, type PlanErrorKind, type PlanOutcome, type PlanPhase, type PlanStepOut, type PlannerDeps, PlanError } from './plan-session';

export async function plan(ctx: Omit<PlannerContext, 'mode'>, mode: PlannerMode, deps: PlannerDeps): Promise<PlanOutcome> {
  const session = new Session(deps);
  if (mode === 'json') return planJson({ ...ctx, mode: 'json' }, session);
  if (mode === 'tools') return planWithTools({ ...ctx, mode: 'tools' }, session, false);
  const tools = session.capabilities.tools;
  if (tools?.ok === false) {
    session.note(`Planned with a JSON plan: tool calling does not work with this endpoint (${lowerFirst(tools.note)}). Reset what was detected in Settings to try tools again.`);
    return planJson({ ...ctx, mode: 'json' }, session);
  }
  try {
    return await planWithTools({ ...ctx, mode: 'tools' }, session, true);
  } catch (error) {
    if (!(error instanceof ToolsUnusable)) throw error;
    session.learn('tools', false, `${upperFirst(error.why)}.`);
    session.note(`Tool calling did not work: ${error.why}. Planned with a JSON plan instead, as from now on for this endpoint.`);
    return planJson({ ...ctx, mode: 'json' }, session);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1).replace(/\.$/, '');
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
