/**
 * JSON-plan mode: the plan is asked for as JSON, constrained by the strongest form the endpoint
 * takes, tried in order and remembered per endpoint: `response_format` json_schema (OpenAI,
 * vLLM, LM Studio, Ollama's structured outputs, llama.cpp), then llama.cpp's top-level
 * `json_schema`, then its GBNF `grammar` (made from the same schema), then the prompt alone. Any
 * answer saying a form is unsupported moves to the next one. A plan that breaks the schema gets ONE
 * repair round showing the model its errors; an answer cut off at max tokens is its own failure.
 */
import type { DebugConversation } from '../../../src-shared/domain/ai';
import { FEATURE_WORDS } from '../../../src-shared/domain/settings';
import { jsonSchemaToGbnf } from '../../../src-shared/planner/grammar';
import { type ParseResult, parsePlan, planResponseFormat } from '../../../src-shared/planner/parser';
import { planJsonSchema } from '../../../src-shared/planner/plan-schema';
import { type PlannerContext, systemPrompt, userPrompt } from '../../../src-shared/planner/prompt';
import type { ToolDef } from '../../../src-shared/tools/catalog';
import type { ChatMessage, ChatRequest, ChatResult, ToolCall } from '../llm/client';
import { saysUnsupported } from '../llm/unsupported';
import { type PlanOutcome, type PlanStepOut, PlanError, type Session, type StructuredForm } from './plan-session';

const FORMS: readonly StructuredForm[] = ['responseFormat', 'jsonSchema', 'grammar'];
/** Of a failed answer, at most this much goes back to the model in the repair round. */
const REPAIR_ECHO_CHARS = 4_000;

const grammarCache = new Map<string, string>();

function formRequest(form: StructuredForm, tools: readonly ToolDef[]): Pick<ChatRequest, 'responseFormat' | 'jsonSchema' | 'grammar'> {
  if (form === 'responseFormat') return { responseFormat: planResponseFormat(tools) };
  if (form === 'jsonSchema') return { jsonSchema: planJsonSchema(tools) };
  const key = tools.map((t) => t.name).join(',');
  let grammar = grammarCache.get(key);
  if (!grammar) {
    grammar = jsonSchemaToGbnf(planJsonSchema(tools));
    grammarCache.set(key, grammar);
  }
  return { grammar };
}

/** A call constrained by the first form the endpoint has not refused; refusals are learnt on the way. */
async function callStructured(session: Session, conv: DebugConversation, messages: ChatMessage[]): Promise<{ answer: ChatResult; form: StructuredForm | null }> {
  const tools = [...session.deps.allowed.values()];
  for (const form of FORMS) {
    const known = session.capabilities[form];
    if (known?.ok === false) continue;
    try {
      const answer = await session.call(conv, messages, formRequest(form, tools), form);
      if (!known?.ok) session.learn(form, true, `The endpoint accepted ${FEATURE_WORDS[form]}.`);
      return { answer, form };
    } catch (error) {
      if (!(error instanceof PlanError) || !error.llmError || !saysUnsupported(error.llmError)) throw error;
      const why = `The endpoint refused ${FEATURE_WORDS[form]} (it answered ${error.llmError.status}: "${error.llmError.detail.slice(0, 120)}").`;
      session.learn(form, false, why);
      session.note(`${why} Tried the next way of constraining the plan.`);
    }
  }
  if (!session.debug.notes?.some((n) => n.includes('no way of constraining'))) {
    session.note('The endpoint accepts no way of constraining the output to the plan schema: the plan was asked for in the prompt only.');
  }
  return { answer: await session.call(conv, messages, {}), form: null };
}

export async function planJson(ctx: PlannerContext, session: Session): Promise<PlanOutcome> {
  const { deps } = session;
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(ctx) },
    { role: 'user', content: userPrompt(ctx) },
  ];
  const conv = session.conversation('json', messages);
  for (let attempt = 1; attempt <= 2; attempt++) {
    deps.onPhase?.('calling-llm', attempt);
    const { answer, form } = await callStructured(session, conv, messages);
    deps.onPhase?.('validating', attempt);
    const parsed = parsePlan(answer.content || toolCallsAsPlanText(answer.toolCalls), deps.allowed);
    if (parsed.ok) return session.outcome('json', parsed.plan.summary, parsed.plan.steps.map((s) => withKind(s, deps.allowed)));
    if (answer.finishReason === 'length') throw session.cutOff();
    if (attempt === 2) throw session.fail('invalid-plan', notAPlan(parsed));
    messages.push(...repairRound(answer.content, parsed, form !== null));
  }
  throw session.fail('invalid-plan', 'unreachable');
}

/** Why the answer is not a plan, in words for the iteration (never the model's own text). */
function notAPlan(parsed: Exclude<ParseResult, { ok: true }>): string {
  if (parsed.kind === 'invalid') return `The model's plan was invalid after a repair round: ${parsed.reason}`;
  return `The model did not answer with a plan, even when asked again: ${parsed.reason}.`;
}

/**
 * The repair round: a plan that broke the schema goes back with its problems; an answer that is
 * not JSON at all is not echoed (it would only grow the prompt), the model is asked again.
 */
function repairRound(content: string, parsed: Exclude<ParseResult, { ok: true }>, constrained: boolean): ChatMessage[] {
  const ask = constrained ? 'Reply again with only the corrected JSON plan.' : 'Reply again with ONLY the corrected JSON plan: one JSON object, no prose.';
  if (parsed.kind !== 'invalid') {
    return [
      { role: 'assistant', content: '(answer omitted: it was not a JSON plan)' },
      { role: 'user', content: `Your answer could not be used: ${parsed.reason}.\n${ask}` },
    ];
  }
  return [
    { role: 'assistant', content: content.length > REPAIR_ECHO_CHARS ? `${content.slice(0, REPAIR_ECHO_CHARS)}…` : content },
    { role: 'user', content: `Your answer could not be used:\n${parsed.problems.map((p) => `- ${p}`).join('\n')}\n${ask}` },
  ];
}

/** A model in JSON mode that answered with tool calls anyway: read them as the plan's steps. */
function toolCallsAsPlanText(calls: ToolCall[]): string {
  if (!calls.length) return '';
  const steps = calls.map((c) => {
    const { rationale, ...params } = (typeof c.arguments === 'object' && c.arguments ? c.arguments : {}) as Record<string, unknown>;
    return { toolName: c.name, params, rationale };
  });
  return JSON.stringify({ summary: `${steps.length} step(s) planned`, steps });
}

export function withKind(step: PlanStepOut | Omit<PlanStepOut, 'kind'>, allowed: ReadonlyMap<string, ToolDef>): PlanStepOut {
  return { ...step, kind: allowed.get(step.toolName)?.kind ?? 'write' };
}
