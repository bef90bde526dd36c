/**
 * Drives the LLM to a validated plan. Two modes:
 * - tools: native OpenAI tool calling, up to MAX_ROUNDS rounds. Read tools run at once against the
 *   records and their results go back to the model; write tools become plan steps; the loop stops
 *   when the model stops calling tools.
 * - json: a JSON plan in the text (fenced or bare), constrained with `response_format` json_schema
 *   where the endpoint accepts it.
 * Either mode allows ONE repair round that shows the model its validation errors, then fails.
 * `auto` tries tool calling and falls back to JSON for an endpoint that rejects `tools`; what each
 * endpoint rejected is remembered in EndpointCapabilities so the next run goes straight there.
 */
import type { DebugConversation, IterationDebug, PolicyDecision, StepRefusal, Usage } from '../../../src-shared/domain/ai';
import type { PlannerMode } from '../../../src-shared/domain/settings';
import { type PlannedStep, parsePlan, parseTextToolCalls, planResponseFormat, validateCall } from '../../../src-shared/planner/parser';
import { MAX_STEPS, PROMPT_VERSION, type PlannerContext, systemPrompt, userPrompt } from '../../../src-shared/planner/prompt';
import { type ToolDef, functionSchema } from '../../../src-shared/tools/catalog';
import { type ChatMessage, type ChatResult, LlmError, type LlmClient, type ToolCall } from '../llm/client';

export const MAX_ROUNDS = 5;
const READ_RESULT_CHARS = 8_000;
/** Answers to a request the endpoint cannot serve in that form (as opposed to overload or auth). */
const UNSUPPORTED_STATUSES = new Set([400, 404, 422, 501]);

export interface PlanStepOut extends PlannedStep {
  kind: 'read' | 'write';
  /** read steps already executed in tools mode */
  result?: unknown;
  /** set when the call could not be used (unknown or denied tool, invalid details, no reason): recorded, never executed */
  refused?: StepRefusal;
}

export type DebugCapture = Omit<IterationDebug, 'iterationId' | 'capturedAt'>;

export interface PlanOutcome {
  summary: string;
  steps: PlanStepOut[];
  usage: Usage;
  model: string | null;
  latencyMs: number;
  mode: 'json' | 'tools';
  debug: DebugCapture;
}

export type PlanErrorKind = 'llm' | 'invalid-plan' | 'aborted';

export class PlanError extends Error {
  constructor(
    readonly kind: PlanErrorKind,
    message: string,
    readonly usage: Usage,
    readonly debug: DebugCapture,
    /** the HTTP status when the LLM answered with an error */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

export type PlanPhase = 'calling-llm' | 'validating';

export interface PlannerDeps {
  llm: LlmClient;
  /** all tools the agent may use (deny already filtered out) */
  allowed: ReadonlyMap<string, ToolDef>;
  /** every catalog tool, to tell "denied" from "unknown" */
  catalog: ReadonlyMap<string, ToolDef>;
  /** the agent's decision for an allowed tool: tells the model whether a write is applied or reviewed */
  decision(tool: ToolDef): PolicyDecision;
  runRead(toolName: string, params: Record<string, unknown>): unknown;
  capabilities: EndpointCapabilities;
  onPhase?(phase: PlanPhase, round: number): void;
  signal?: AbortSignal;
}

export interface Capabilities {
  /** null = not known yet */
  tools: boolean | null;
  jsonSchema: boolean | null;
}

/** What each endpoint (base URL + model) accepted or rejected, learnt from its answers. */
export class EndpointCapabilities {
  private readonly known = new Map<string, Capabilities>();

  static key(cfg: { baseUrl: string; model: string }): string {
    return `${cfg.baseUrl.replace(/\/+$/, '')}|${cfg.model}`;
  }
  get(key: string): Capabilities {
    return this.known.get(key) ?? { tools: null, jsonSchema: null };
  }
  set(key: string, patch: Partial<Capabilities>): void {
    this.known.set(key, { ...this.get(key), ...patch });
  }
}

const ZERO: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
function addUsage(a: Usage, b: Usage | null): Usage {
  if (!b) return a;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens };
}

/** Usage, latency and model over every call of one plan() run, and its debug capture. */
class Session {
  usage = ZERO;
  latencyMs = 0;
  model: string | null = null;
  readonly debug: DebugCapture;

  constructor(readonly deps: PlannerDeps) {
    const cfg = deps.llm.currentConfig();
    this.debug = { promptVersion: PROMPT_VERSION, endpoint: { baseUrl: cfg.baseUrl, model: cfg.model }, conversations: [] };
  }

  conversation(mode: 'json' | 'tools', messages: ChatMessage[], tools?: unknown[]): DebugConversation {
    const c: DebugConversation = { mode, messages: messages as unknown as DebugConversation['messages'], ...(tools ? { tools } : {}), calls: [] };
    this.debug.conversations.push(c);
    return c;
  }

  /** One chat call, recorded; LLM failures become PlanError carrying what was spent so far. */
  async call(conv: DebugConversation, messages: ChatMessage[], extra: { tools?: unknown[]; responseFormat?: unknown }): Promise<ChatResult> {
    const record = { sentMessages: messages.length, withTools: Boolean(extra.tools), withResponseFormat: Boolean(extra.responseFormat) };
    if (extra.responseFormat) conv.responseFormat = extra.responseFormat;
    try {
      const result = await this.deps.llm.chat({ messages, ...extra, signal: this.deps.signal });
      conv.calls.push({ ...record, latencyMs: result.latencyMs, usage: result.usage, raw: result.raw });
      this.usage = addUsage(this.usage, result.usage);
      this.latencyMs += result.latencyMs;
      this.model = result.model ?? this.model;
      return result;
    } catch (error) {
      const message = (error as Error).message;
      conv.calls.push({ ...record, latencyMs: 0, usage: null, raw: null, error: message });
      const llmError = error instanceof LlmError ? error : null;
      throw new PlanError(llmError?.kind === 'aborted' ? 'aborted' : 'llm', message, this.usage, this.debug, llmError?.status);
    }
  }

  fail(message: string): PlanError {
    return new PlanError('invalid-plan', message, this.usage, this.debug);
  }

  outcome(mode: 'json' | 'tools', summary: string, steps: PlanStepOut[]): PlanOutcome {
    return { summary, steps, usage: this.usage, model: this.model, latencyMs: this.latencyMs, mode, debug: this.debug };
  }
}

function isUnsupported(error: unknown): error is PlanError {
  return error instanceof PlanError && error.kind === 'llm' && error.status !== undefined && UNSUPPORTED_STATUSES.has(error.status);
}

export async function plan(ctx: Omit<PlannerContext, 'mode'>, mode: PlannerMode, deps: PlannerDeps): Promise<PlanOutcome> {
  const session = new Session(deps);
  const key = EndpointCapabilities.key(deps.llm.currentConfig());
  if (mode === 'json' || (mode === 'auto' && deps.capabilities.get(key).tools === false)) return planJson({ ...ctx, mode: 'json' }, session, key);
  try {
    const outcome = await planWithTools({ ...ctx, mode: 'tools' }, session);
    deps.capabilities.set(key, { tools: true });
    return outcome;
  } catch (error) {
    const firstCallFailed = session.debug.conversations[0]?.calls.length === 1;
    if (mode !== 'auto' || !firstCallFailed || !isUnsupported(error) || deps.capabilities.get(key).tools === true) throw error;
    const outcome = await planJson({ ...ctx, mode: 'json' }, session, key);
    // Only now is it clear the endpoint rejected `tools` and not the request as a whole.
    deps.capabilities.set(key, { tools: false });
    return outcome;
  }
}

// ---------------------------------------------------------------------------------------------
// JSON-plan mode

/** A JSON-mode call with response_format when the endpoint may accept it; a rejection is learnt and retried without. */
async function callJson(session: Session, conv: DebugConversation, messages: ChatMessage[], key: string): Promise<ChatResult> {
  const caps = session.deps.capabilities;
  if (caps.get(key).jsonSchema === false) return session.call(conv, messages, {});
  const responseFormat = planResponseFormat([...session.deps.allowed.keys()]);
  try {
    const answer = await session.call(conv, messages, { responseFormat });
    caps.set(key, { jsonSchema: true });
    return answer;
  } catch (error) {
    if (!isUnsupported(error) || caps.get(key).jsonSchema === true) throw error;
    const answer = await session.call(conv, messages, {});
    caps.set(key, { jsonSchema: false });
    return answer;
  }
}

async function planJson(ctx: PlannerContext, session: Session, key: string): Promise<PlanOutcome> {
  const { deps } = session;
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(ctx) },
    { role: 'user', content: userPrompt(ctx) },
  ];
  const conv = session.conversation('json', messages);
  for (let attempt = 1; attempt <= 2; attempt++) {
    deps.onPhase?.('calling-llm', attempt);
    const answer = await callJson(session, conv, messages, key);
    deps.onPhase?.('validating', attempt);
    const parsed = parsePlan(answer.content || toolCallsAsPlanText(answer.toolCalls), deps.allowed);
    if (parsed.ok) return session.outcome('json', parsed.plan.summary, parsed.plan.steps.map((s) => withKind(s, deps)));
    if (attempt === 2) throw session.fail(`The model's plan was invalid after a repair round: ${parsed.reason}`);
    messages.push({ role: 'assistant', content: answer.content }, { role: 'user', content: repairMessage(parsed.problems, 'Reply again with ONLY the corrected plan in one fenced json block.') });
  }
  throw session.fail('unreachable');
}

function repairMessage(problems: string[], ask: string): string {
  return `Your answer could not be used:\n${problems.map((p) => `- ${p}`).join('\n')}\n${ask}`;
}

/** A model in JSON mode that answered with tool calls anyway: read them as the plan's steps. */
function toolCallsAsPlanText(calls: ToolCall[]): string {
  if (!calls.length) return '';
  const steps = calls.map((c) => {
    const { rationale, ...params } = (typeof c.arguments === 'object' && c.arguments ? c.arguments : {}) as Record<string, unknown>;
    return { toolName: c.name, params, rationale, summary: '' };
  });
  return JSON.stringify({ summary: '', steps });
}

function withKind(step: PlannedStep, deps: PlannerDeps): PlanStepOut {
  return { ...step, kind: deps.allowed.get(step.toolName)?.kind ?? 'write' };
}

// ---------------------------------------------------------------------------------------------
// Tool-calling mode

const RATIONALE_PARAM = { type: 'string', description: 'why this step helps the mission, in one sentence; shown to the user' };

/** Function schemas of the allowed tools; write tools also take the `rationale` the user reviews. */
function toolSchemas(allowed: ReadonlyMap<string, ToolDef>): unknown[] {
  return [...allowed.values()].map((tool) => {
    const schema = functionSchema(tool) as { function: { parameters: { properties?: Record<string, unknown>; required?: string[] } } };
    if (tool.kind === 'write') {
      const p = schema.function.parameters;
      p.properties = { ...p.properties, rationale: RATIONALE_PARAM };
      p.required = [...(p.required ?? []), 'rationale'];
    }
    return schema;
  });
}

interface CallReply {
  message: Record<string, unknown>;
  /** a validation problem the model must fix (counts toward the one repair round) */
  problem?: string;
}

async function planWithTools(ctx: PlannerContext, session: Session): Promise<PlanOutcome> {
  const { deps } = session;
  const tools = toolSchemas(deps.allowed);
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(ctx) },
    { role: 'user', content: userPrompt(ctx) },
  ];
  const conv = session.conversation('tools', messages, tools);
  const steps: PlanStepOut[] = [];
  let repaired = false;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    deps.onPhase?.('calling-llm', round);
    const answer = await session.call(conv, messages, { tools });
    deps.onPhase?.('validating', round);
    let calls = answer.toolCalls;
    if (!calls.length && answer.content) {
      // A JSON plan in the text is a complete answer too (models that ignore `tools`).
      const asPlan = parsePlan(answer.content, deps.allowed);
      if (asPlan.ok && asPlan.plan.steps.length) return session.outcome('tools', asPlan.plan.summary, [...steps, ...asPlan.plan.steps.map((s) => withKind(s, deps))]);
      calls = parseTextToolCalls(answer.content).map((c, i) => ({ id: `text_call_${round}_${i}`, ...c }));
    }
    if (!calls.length) {
      session.debug.stopReason = 'model-stopped';
      return session.outcome('tools', answer.content.trim(), steps);
    }
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
    if (steps.length > MAX_STEPS) throw session.fail(`The model planned more than ${MAX_STEPS} steps.`);
    if (problems.length) {
      if (repaired) throw session.fail(`The model's tool calls were invalid after a repair round: ${problems.join('; ')}`);
      repaired = true;
    }
  }
  session.debug.stopReason = 'max-rounds';
  return session.outcome('tools', '', steps);
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
  const rationale = typeof args.rationale === 'string' ? args.rationale.trim() : '';
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
