/**
 * Tool-calling mode: native OpenAI tool calls, up to MAX_ROUNDS rounds. Read tools run at once and
 * their results go back to the model; write tools become plan steps; the loop ends when the model
 * stops calling tools. Invalid calls get ONE repair round (answered as tool errors).
 *
 * A first answer with no tool call must still be a plan: a JSON plan in the text, or exactly
 * "Nothing to do". Anything else (a weak model's free text) is not a plan: in auto mode that
 * means tool calling does not work with this endpoint (ToolsUnusable), otherwise a failed run.
 */
import { parsePlan, parseTextToolCalls, validateCall } from '../../../src-shared/planner/parser';
import { MAX_STEPS, NOTHING_TO_DO, NOTHING_TO_DO_PATTERN, type PlannerContext, systemPrompt, userPrompt } from '../../../src-shared/planner/prompt';
import { functionSchema } from '../../../src-shared/tools/catalog';
import type { ChatMessage, ToolCall } from '../llm/client';
import type { LlmError } from '../llm/errors';
import { saysUnsupported } from '../llm/unsupported';
import { cutText } from './bounded-record';
import { withKind } from './plan-json';
import { type PlanOutcome, type PlanStepOut, PlanError, type PlannerDeps, type Session } from './plan-session';

export const MAX_ROUNDS = 5;
const READ_RESULT_CHARS = 8_000;
const RATIONALE_CHARS = 500;
/** A final summary after tool calls is cut to this. */
const SUMMARY_CHARS = 300;

/** Tool calling does not work with this endpoint (auto mode plans in JSON instead); `why` in plain words. */
export class ToolsUnusable extends Error {
  constructor(readonly why: string) {
    super(why);
    this.name = 'ToolsUnusable';
  }
}

/** A server that could not read its own model's output (llama.cpp's chat-output parser). */
function serverCouldNotReadModel(error: LlmError): boolean {
  return error.status === 500 && /does not match the expected .*format|failed to parse (the )?(model|tool|output|input)/i.test(error.detail);
}

interface CallReply {
  message: Record<string, unknown>;
  /** a validation problem the model must fix (counts toward the one repair round) */
  problem?: string;
}

export async function planWithTools(ctx: PlannerContext, session: Session, auto: boolean): Promise<PlanOutcome> {
  const { deps } = session;
  const tools = [...deps.allowed.values()].map(functionSchema);
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(ctx) },
    { role: 'user', content: userPrompt(ctx) },
  ];
  const conv = session.conversation('tools', messages, tools);
  const steps: PlanStepOut[] = [];
  let repaired = false;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    deps.onPhase?.('calling-llm', round);
    let answer;
    try {
      answer = await session.call(conv, messages, { tools });
    } catch (error) {
      const llm = error instanceof PlanError ? error.llmError : undefined;
      if (auto && round === 1 && llm && (saysUnsupported(llm) || serverCouldNotReadModel(llm))) {
        throw new ToolsUnusable(
          saysUnsupported(llm)
            ? `the endpoint refused tool calling (it answered ${llm.status}: "${llm.detail.slice(0, 120)}")`
            : `the server could not read the model's answer as tool calls (it answered ${llm.status}: "${llm.detail.slice(0, 120)}")`,
        );
      }
      throw error;
    }
    deps.onPhase?.('validating', round);
    if (answer.finishReason === 'length') throw session.cutOff();
    let calls = answer.toolCalls;
    if (!calls.length && answer.content) calls = parseTextToolCalls(answer.content).map((c, i) => ({ id: `text_call_${round}_${i}`, ...c }));
    if (!calls.length) {
      if (round > 1) {
        // The model worked through tool calls and is done: its closing words are the summary.
        session.debug.stopReason = 'model-stopped';
        return session.outcome('tools', firstLine(answer.content) || `${steps.length} step(s) planned`, steps);
      }
      return firstAnswerAsPlan(answer.content, session, auto);
    }
    // Calls printed as text do not prove the endpoint's tool calling works; native ones do.
    if (answer.toolCalls.length && session.capabilities.tools?.ok !== true) session.learn('tools', true, 'The model called tools.');
    messages.push({
      role: 'assistant',
      content: answer.content || null,
      tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } })),
    });
    const problems: string[] = [];
    for (const c of calls) {
      const reply = handleCall(c, deps, steps);
      if (reply.problem) problems.push(reply.problem);
      messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify(reply.message) });
    }
    if (steps.length > MAX_STEPS) throw session.fail('invalid-plan', `The model planned more than ${MAX_STEPS} steps.`);
    if (problems.length) {
      if (repaired) throw session.fail('invalid-plan', `The model's tool calls were invalid after a repair round: ${problems.join('; ')}`);
      repaired = true;
    }
  }
  session.debug.stopReason = 'max-rounds';
  return session.outcome('tools', `Stopped after ${MAX_ROUNDS} rounds of tool calls; ${steps.length} step(s) planned.`, steps);
}

/** The first answer had no tool call: a JSON plan in the text, "Nothing to do", or not a plan at all. */
function firstAnswerAsPlan(content: string, session: Session, auto: boolean): PlanOutcome {
  const { allowed } = session.deps;
  if (NOTHING_TO_DO_PATTERN.test(content)) return session.outcome('tools', NOTHING_TO_DO, []);
  const asPlan = parsePlan(content, allowed);
  if (asPlan.ok) return session.outcome('tools', asPlan.plan.summary, asPlan.plan.steps.map((s) => withKind(s, allowed)));
  if (auto) throw new ToolsUnusable('the model answered in plain text instead of calling a tool or returning a plan');
  throw session.fail('invalid-plan', 'The model answered in plain text instead of calling a tool or returning a plan (its answer is in the debug view).');
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0]!.trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

function sameCall(a: { toolName: string; params: unknown }, b: { toolName: string; params: unknown }): boolean {
  return a.toolName === b.toolName && JSON.stringify(a.params) === JSON.stringify(b.params);
}

/** Validates and answers one tool call; reads run now, writes are recorded as steps, anything else is refused. */
function handleCall(c: ToolCall, deps: PlannerDeps, steps: PlanStepOut[]): CallReply {
  if (typeof c.arguments === 'string' || Array.isArray(c.arguments)) {
    const problem = `the arguments of ${c.name} are not a JSON object`;
    return { problem, message: { ok: false, error: `${problem}; call it again with a JSON object.` } };
  }
  const args = { ...((c.arguments as Record<string, unknown> | null) ?? {}) };
  // as long as a JSON plan's rationale may be (tools/params.ts), shown with the proposal
  const rationale = typeof args.rationale === 'string' ? cutText(args.rationale.trim(), RATIONALE_CHARS) : '';
  delete args.rationale;
  if (!deps.allowed.has(c.name)) {
    // Policy is enforced here, not only in the offered list: a denied or invented tool never runs.
    const known = deps.catalog.get(c.name);
    steps.push({ summary: '', toolName: c.name, params: args, rationale, kind: known?.kind ?? 'write', refused: known ? 'denied' : 'unknown-tool' });
    return { message: { ok: false, error: `Tool "${c.name}" is not available. Use only the tools you were given.` } };
  }
  const v = validateCall(c.name, args, deps.allowed, c.name);
  const kind = deps.allowed.get(c.name)!.kind;
  if (!v.ok) {
    // Kept as a refused step unless the repair round brings a good call of this tool (refusals.ts).
    steps.push({ summary: '', toolName: c.name, params: args, rationale, kind, refused: 'invalid-params' });
    return { problem: v.problems.join('; '), message: { ok: false, error: v.problems.join('; ') } };
  }
  if (v.tool.kind === 'read') {
    let result: unknown;
    try {
      result = truncateResult(deps.runRead(v.tool.name, v.params));
    } catch (error) {
      return { message: { ok: false, error: (error as Error).message } };
    }
    steps.push({ summary: '', toolName: v.tool.name, params: v.params, rationale, kind: 'read', result });
    return { message: { ok: true, result } };
  }
  if (!rationale) {
    steps.push({ summary: '', toolName: v.tool.name, params: v.params, rationale, kind: 'write', refused: 'no-reason' });
    const problem = `${c.name} needs a "rationale" argument: why this step helps the mission`;
    return { problem, message: { ok: false, error: `${problem}. Call it again with one.` } };
  }
  const step: PlanStepOut = { summary: '', toolName: v.tool.name, params: v.params, rationale, kind: 'write' };
  if (steps.some((s) => s.kind === 'write' && !s.refused && sameCall(s, step))) return { message: { ok: true, status: 'already recorded; do not call it again' } };
  steps.push(step);
  const status = deps.decision(v.tool) === 'auto' ? 'recorded; it is applied when this plan is saved' : 'recorded; it will be shown to the user for review';
  return { message: { ok: true, status } };
}

function truncateResult(result: unknown): unknown {
  const text = JSON.stringify(result ?? null);
  return text.length <= READ_RESULT_CHARS ? result : { truncated: true, note: `showing ${READ_RESULT_CHARS} of ${text.length} characters`, preview: text.slice(0, READ_RESULT_CHARS) };
}
