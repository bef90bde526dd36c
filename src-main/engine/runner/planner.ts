/**
 * Drives the LLM to a validated plan. Two modes: native tool calling (multi-round; read tools run at
 * once and their results go back to the model, write tools become plan steps) and JSON plans for
 * models without tool calls (one repair round that shows the model its validation errors). `auto`
 * tries tool calling and falls back to JSON for an endpoint that rejects `tools`, remembering that.
 */
import type { PlannerMode } from '../../../src-shared/domain/settings';
import type { Usage } from '../../../src-shared/domain/ai';
import { type PlannedStep, extractJson, parsePlan, validateCall } from '../../../src-shared/planner/parser';
import { MAX_STEPS, type PlannerContext, systemPrompt, userPrompt } from '../../../src-shared/planner/prompt';
import { type ToolDef, functionSchema } from '../../../src-shared/tools/catalog';
import { type ChatMessage, type ChatResult, LlmError, type LlmClient } from '../llm/client';

export const MAX_ROUNDS = 5;
const READ_RESULT_CHARS = 8_000;

export interface PlanStepOut extends PlannedStep {
  kind: 'read' | 'write';
  /** read steps already executed in tools mode */
  result?: unknown;
  /** set when the model named a tool it may not use: recorded, never executed */
  refused?: string;
}

export interface DebugCapture {
  mode: 'json' | 'tools';
  requests: { messages: ChatMessage[]; tools?: unknown[] }[];
  responses: { raw: unknown; latencyMs: number; error?: string }[];
}

export interface PlanOutcome {
  summary: string;
  steps: PlanStepOut[];
  usage: Usage;
  model: string | null;
  latencyMs: number;
  mode: 'json' | 'tools';
  debug: DebugCapture;
}

export class PlanError extends Error {
  constructor(
    readonly kind: 'llm' | 'invalid-plan' | 'aborted',
    message: string,
    readonly usage: Usage,
    readonly debug: DebugCapture,
  ) {
    super(message);
    this.name = 'PlanError';
  }
}

export interface PlannerDeps {
  llm: LlmClient;
  /** all tools the agent may use (deny already filtered out) */
  allowed: ReadonlyMap<string, ToolDef>;
  /** every catalog tool, to tell "denied" from "unknown" */
  catalog: ReadonlyMap<string, ToolDef>;
  runRead(toolName: string, params: Record<string, unknown>): unknown;
  onRound?(round: number): void;
  signal?: AbortSignal;
}

const ZERO: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
function addUsage(a: Usage, b: Usage | null): Usage {
  if (!b) return a;
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens };
}

/** Endpoints (baseUrl + model) that rejected `tools`: planned in JSON mode from then on. */
const noToolEndpoints = new Set<string>();

export async function plan(ctx: Omit<PlannerContext, 'mode'>, mode: PlannerMode, deps: PlannerDeps): Promise<PlanOutcome> {
  const cfg = deps.llm.currentConfig();
  const key = `${cfg.baseUrl}|${cfg.model}`;
  if (mode === 'json' || (mode === 'auto' && noToolEndpoints.has(key))) return planJson({ ...ctx, mode: 'json' }, deps);
  try {
    return await planWithTools({ ...ctx, mode: 'tools' }, deps);
  } catch (error) {
    const cause = error instanceof PlanError ? error : null;
    const http = cause?.kind === 'llm' && /answered (400|404|422|501)/.test(cause.message);
    if (mode === 'auto' && http) {
      noToolEndpoints.add(key);
      return planJson({ ...ctx, mode: 'json' }, deps);
    }
    throw error;
  }
}

async function call(deps: PlannerDeps, debug: DebugCapture, messages: ChatMessage[], tools?: unknown[]): Promise<ChatResult> {
  debug.requests.push({ messages: structuredClone(messages), ...(tools ? { tools } : {}) });
  try {
    const result = await deps.llm.chat({ messages, ...(tools ? { tools } : {}), signal: deps.signal });
    debug.responses.push({ raw: result.raw, latencyMs: result.latencyMs });
    return result;
  } catch (error) {
    const message = (error as Error).message;
    debug.responses.push({ raw: null, latencyMs: 0, error: message });
    const kind = error instanceof LlmError && error.kind === 'aborted' ? 'aborted' : 'llm';
    throw new PlanError(kind, message, ZERO, debug);
  }
}

async function planJson(ctx: PlannerContext, deps: PlannerDeps): Promise<PlanOutcome> {
  const debug: DebugCapture = { mode: 'json', requests: [], responses: [] };
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(ctx) },
    { role: 'user', content: userPrompt(ctx) },
  ];
  let usage = ZERO;
  let latencyMs = 0;
  let model: string | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    deps.onRound?.(attempt + 1);
    let answer: ChatResult;
    try {
      answer = await call(deps, debug, messages);
    } catch (error) {
      throw new PlanError((error as PlanError).kind, (error as Error).message, usage, debug);
    }
    usage = addUsage(usage, answer.usage);
    latencyMs += answer.latencyMs;
    model = answer.model ?? model;
    const text = answer.content || toolCallsAsPlanText(answer);
    const parsed = parsePlan(text, deps.allowed);
    if (parsed.ok) {
      return { summary: parsed.plan.summary, steps: parsed.plan.steps.map((s) => withKind(s, deps)), usage, model, latencyMs, mode: 'json', debug };
    }
    if (attempt === 1) throw new PlanError('invalid-plan', `The model's plan was invalid after a repair round: ${parsed.reason}`, usage, debug);
    messages.push(
      { role: 'assistant', content: answer.content },
      {
        role: 'user',
        content: `Your answer could not be used:\n${parsed.problems.map((p) => `- ${p}`).join('\n')}\nReply again with ONLY the corrected plan in one fenced json block.`,
      },
    );
  }
  throw new PlanError('invalid-plan', 'unreachable', usage, debug);
}

/** A model in JSON mode that answered with tool calls anyway: read them as the plan's steps. */
function toolCallsAsPlanText(answer: ChatResult): string {
  if (!answer.toolCalls.length) return '';
  const steps = answer.toolCalls.map((c) => {
    const args = (typeof c.arguments === 'object' && c.arguments) || {};
    const { rationale, ...params } = args as Record<string, unknown>;
    return { toolName: c.name, params, rationale, summary: '' };
  });
  return JSON.stringify({ summary: '', steps });
}

function withKind(step: PlannedStep, deps: PlannerDeps): PlanStepOut {
  return { ...step, kind: deps.allowed.get(step.toolName)?.kind ?? 'write' };
}

function toolSchemas(deps: PlannerDeps): unknown[] {
  return [...deps.allowed.values()].map((tool) => {
    const schema = functionSchema(tool) as { function: { parameters: { properties?: Record<string, unknown>; required?: string[] } } };
    if (tool.kind === 'write') {
      const p = schema.function.parameters;
      p.properties = { ...p.properties, rationale: { type: 'string', description: 'why this step helps the mission, shown to the user' } };
      p.required = [...(p.required ?? []), 'rationale'];
    }
    return schema;
  });
}

/** Tool calls some models print as text: a fenced JSON object or array of {name, arguments}. */
function toolCallsFromText(content: string): { name: string; arguments: unknown }[] {
  const json = extractJson(content) ?? (content.trim().startsWith('[') ? content.trim() : null);
  if (!json) return [];
  try {
    const value = JSON.parse(json) as unknown;
    const list = Array.isArray(value) ? value : [value];
    return list.flatMap((v) => {
      const o = v as { name?: unknown; arguments?: unknown; function?: { name?: unknown; arguments?: unknown } };
      const name = o?.name ?? o?.function?.name;
      const args = o?.arguments ?? o?.function?.arguments;
      return typeof name === 'string' ? [{ name, arguments: typeof args === 'string' ? safeJson(args) : (args ?? {}) }] : [];
    });
  } catch {
    return [];
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function planWithTools(ctx: PlannerContext, deps: PlannerDeps): Promise<PlanOutcome> {
  const debug: DebugCapture = { mode: 'tools', requests: [], responses: [] };
  const tools = toolSchemas(deps);
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt(ctx) },
    { role: 'user', content: userPrompt(ctx) },
  ];
  const steps: PlanStepOut[] = [];
  let usage = ZERO;
  let latencyMs = 0;
  let model: string | null = null;
  let summary = '';
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    deps.onRound?.(round);
    let answer: ChatResult;
    try {
      answer = await call(deps, debug, messages, tools);
    } catch (error) {
      throw new PlanError((error as PlanError).kind, (error as Error).message, usage, debug);
    }
    usage = addUsage(usage, answer.usage);
    latencyMs += answer.latencyMs;
    model = answer.model ?? model;
    let calls = answer.toolCalls;
    if (!calls.length && answer.content) {
      // A JSON plan in the text is a complete answer too (models that ignore `tools`).
      const asPlan = parsePlan(answer.content, deps.allowed);
      if (asPlan.ok && asPlan.plan.steps.length) {
        return { summary: asPlan.plan.summary, steps: [...steps, ...asPlan.plan.steps.map((s) => withKind(s, deps))], usage, model, latencyMs, mode: 'tools', debug };
      }
      calls = toolCallsFromText(answer.content).map((c, i) => ({ id: `text_call_${round}_${i}`, ...c }));
    }
    if (!calls.length) {
      summary = answer.content.trim();
      break;
    }
    messages.push({
      role: 'assistant',
      content: answer.content || null,
      tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) } })),
    });
    let anyRead = false;
    for (const c of calls) {
      const reply = handleCall(c, deps, steps);
      if (reply.read) anyRead = true;
      messages.push({ role: 'tool', tool_call_id: c.id, content: JSON.stringify(reply.message) });
    }
    if (steps.length > MAX_STEPS) {
      throw new PlanError('invalid-plan', `The model proposed more than ${MAX_STEPS} steps.`, usage, debug);
    }
    // Nothing to feed back but write confirmations: the model has what it needs; one more round lets it stop.
    void anyRead;
  }
  const problems = steps.filter((s) => s.refused === undefined && s.kind === 'write' && !s.rationale);
  for (const s of problems) s.rationale = '(the model gave no rationale)';
  return { summary, steps, usage, model, latencyMs, mode: 'tools', debug };
}

function handleCall(
  c: { id: string; name: string; arguments: unknown },
  deps: PlannerDeps,
  steps: PlanStepOut[],
): { read: boolean; message: Record<string, unknown> } {
  if (typeof c.arguments === 'string') {
    return { read: false, message: { ok: false, error: `The arguments of ${c.name} are not valid JSON. Call it again with a JSON object.` } };
  }
  const args = { ...((c.arguments as Record<string, unknown>) ?? {}) };
  const rationale = typeof args.rationale === 'string' ? args.rationale.trim() : '';
  delete args.rationale;
  if (!deps.allowed.has(c.name)) {
    const known = deps.catalog.has(c.name);
    steps.push({
      summary: '',
      toolName: c.name,
      params: args,
      rationale,
      kind: deps.catalog.get(c.name)?.kind ?? 'write',
      refused: known ? 'denied by policy' : 'unknown tool',
    });
    return { read: false, message: { ok: false, error: `Tool "${c.name}" is not available. Use only the tools you were given.` } };
  }
  const v = validateCall(c.name, args, deps.allowed, c.name);
  if (!v.ok) return { read: false, message: { ok: false, error: v.problems.join('; ') } };
  if (v.tool.kind === 'read') {
    let result: unknown;
    try {
      result = deps.runRead(v.tool.name, v.params);
    } catch (error) {
      return { read: true, message: { ok: false, error: (error as Error).message } };
    }
    steps.push({ summary: '', toolName: v.tool.name, params: v.params, rationale, kind: 'read', result: truncateResult(result) });
    return { read: true, message: { ok: true, result: truncateResult(result) } };
  }
  if (!rationale) {
    return { read: false, message: { ok: false, error: `Add a "rationale" argument to ${c.name}: why this step helps the mission.` } };
  }
  steps.push({ summary: '', toolName: v.tool.name, params: v.params, rationale, kind: 'write' });
  return { read: false, message: { ok: true, status: 'recorded; it will be shown to the user for review' } };
}

function truncateResult(result: unknown): unknown {
  const text = JSON.stringify(result ?? null);
  return text.length <= READ_RESULT_CHARS ? result : { truncated: true, preview: text.slice(0, READ_RESULT_CHARS) };
}
