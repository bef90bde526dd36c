/**
 * Strict plan parser for JSON-plan mode. A plan is all valid or rejected whole, with reasons that
 * can be shown to the model in a repair round: a fenced or bare JSON object with a summary and
 * `steps`, every step a known allowed tool with a rationale and params that pass the plan schema
 * (plan-schema.ts, the same schemas the JSON schema sent to the model is made from).
 */
import type { ToolDef } from '../tools/catalog';
import { planEnvelope, planJsonSchema, planSchema, stepSchema } from './plan-schema';
import { NOTHING_TO_DO, NOTHING_TO_DO_PATTERN } from './prompt';

export interface PlannedStep {
  summary: string;
  toolName: string;
  params: Record<string, unknown>;
  rationale: string;
}

export interface Plan {
  summary: string;
  steps: PlannedStep[];
}

/** no-json: nothing that looks like JSON; bad-json: JSON that does not parse; invalid: a plan that breaks the schema */
export type ParseFailure = 'no-json' | 'bad-json' | 'invalid';
export type ParseResult = { ok: true; plan: Plan } | { ok: false; kind: ParseFailure; reason: string; problems: string[] };

const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

export function extractJson(text: string): string | null {
  const fenced = FENCE.exec(text);
  if (fenced) return fenced[1]!.trim();
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return trimmed;
  return null;
}

function fail(kind: ParseFailure, reason: string, problems: string[] = [reason]): ParseResult {
  return { ok: false, kind, reason, problems };
}

/** Validates one proposed call against the allowed tools; returns the parsed params or problems. */
export function validateCall(
  toolName: unknown,
  params: unknown,
  allowed: ReadonlyMap<string, ToolDef>,
  where: string,
): { ok: true; tool: ToolDef; params: Record<string, unknown> } | { ok: false; problems: string[] } {
  if (typeof toolName !== 'string' || !toolName) return { ok: false, problems: [`${where}: "toolName" must be a non-empty string`] };
  const tool = allowed.get(toolName);
  if (!tool) return { ok: false, problems: [`${where}: unknown or not allowed tool "${toolName}" (allowed: ${[...allowed.keys()].join(', ') || 'none'})`] };
  const raw = params === undefined || params === null ? {} : params;
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, problems: [`${where}: "params" must be an object`] };
  const parsed = tool.params.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${where}: ${toolName}.${i.path.join('.') || '(params)'}: ${i.message}`),
    };
  }
  return { ok: true, tool, params: parsed.data as Record<string, unknown> };
}

/**
 * Parses and validates a JSON plan against the plan schema (plan-schema.ts). `kind` tells a reply
 * with no JSON at all from broken JSON and from a plan that breaks the schema: only the last is
 * worth a repair round that shows the model its own answer.
 */
export function parsePlan(text: string, allowed: ReadonlyMap<string, ToolDef>): ParseResult {
  const json = extractJson(text);
  if (json === null) return fail('no-json', 'the answer is not a JSON plan');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return fail('bad-json', `the JSON of the answer is broken (${(error as Error).message.slice(0, 80)})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('invalid', 'the plan must be a JSON object');
  const envelope = planEnvelope.safeParse(value);
  if (!envelope.success) {
    const problems = envelope.error.issues.map((i) => (i.path.length ? `"${i.path.join('.')}": ${i.message}` : i.message));
    return fail('invalid', problems[0]!, problems);
  }
  const problems: string[] = [];
  const steps: PlannedStep[] = [];
  envelope.data.steps.forEach((raw, index) => {
    const where = `step ${index + 1}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    const step = raw as Record<string, unknown>;
    const toolName = step.toolName;
    const tool = typeof toolName === 'string' ? allowed.get(toolName) : undefined;
    if (!tool) {
      problems.push(
        typeof toolName === 'string' && toolName
          ? `${where}: unknown or not allowed tool "${toolName}" (allowed: ${[...allowed.keys()].join(', ') || 'none'})`
          : `${where}: "toolName" must be a non-empty string`,
      );
      return;
    }
    const parsed = stepSchema(tool).safeParse({ ...step, params: step.params ?? {} });
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        const [head, ...rest] = i.path;
        problems.push(head === 'params' ? `${where}: ${tool.name}.${rest.join('.') || '(params)'}: ${i.message}` : `${where}: "${i.path.join('.')}": ${i.message}`);
      }
      return;
    }
    const data = parsed.data as { params: Record<string, unknown>; rationale: string };
    steps.push({ summary: '', toolName: tool.name, params: data.params, rationale: data.rationale });
  });
  if (!problems.length && steps.length === 0 && !NOTHING_TO_DO_PATTERN.test(envelope.data.summary)) {
    problems.push(`a plan without steps must have the summary "${NOTHING_TO_DO}"; otherwise give at least one step`);
  }
  if (!problems.length) {
    // The schema the model was sent is the final word (the loop above only words the errors better).
    const whole = planSchema([...allowed.values()]).safeParse(value);
    if (!whole.success) problems.push(...whole.error.issues.map((i) => `${i.path.join('.') || 'the plan'}: ${i.message}`));
  }
  if (problems.length) return fail('invalid', problems[0]!, problems);
  return { ok: true, plan: { summary: envelope.data.summary, steps } };
}

export interface TextToolCall {
  name: string;
  /** an object, or the raw string when the arguments were not valid JSON */
  arguments: unknown;
}

const TOOL_CALL_TAG = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;

/**
 * Tool calls a model printed as text instead of using the `tool_calls` field: `<tool_call>` tags
 * (Hermes/Qwen chat templates served without tool parsing), or a fenced/bare JSON object or array
 * of `{name, arguments}` (also the OpenAI `{function: {name, arguments}}` shape).
 */
export function parseTextToolCalls(content: string): TextToolCall[] {
  const tagged = [...content.matchAll(TOOL_CALL_TAG)].map((m) => m[1]!);
  const trimmed = content.trim();
  const blocks = tagged.length ? tagged : [extractJson(content) ?? (trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed : null)].filter((b): b is string => b !== null);
  return blocks.flatMap((block) => {
    let value: unknown;
    try {
      value = JSON.parse(block);
    } catch {
      return [];
    }
    return (Array.isArray(value) ? value : [value]).flatMap((v): TextToolCall[] => {
      const o = (v ?? {}) as { name?: unknown; arguments?: unknown; parameters?: unknown; function?: { name?: unknown; arguments?: unknown } };
      const name = o.name ?? o.function?.name;
      const args = o.arguments ?? o.parameters ?? o.function?.arguments;
      return typeof name === 'string' && name ? [{ name, arguments: decodeArguments(args) }] : [];
    });
  });
}

/**
 * Tool-call arguments as sent by real endpoints: an object, a JSON string, a double-encoded JSON
 * string, empty or null. Returns an object, or the raw string when it is not JSON.
 */
export function decodeArguments(raw: unknown): unknown {
  let value = raw;
  for (let depth = 0; depth < 2 && typeof value === 'string'; depth++) {
    const text = value.trim();
    if (!text) return {};
    try {
      value = JSON.parse(text);
    } catch {
      return raw;
    }
  }
  return value ?? {};
}

/**
 * `response_format` for endpoints that constrain output to a JSON schema (OpenAI, vLLM, LM Studio,
 * Ollama's structured outputs, llama.cpp): the plan schema of the allowed tools. Not `strict`:
 * OpenAI's strict mode needs every field required; the parser validates everything anyway.
 */
export function planResponseFormat(tools: readonly ToolDef[]): unknown {
  return { type: 'json_schema', json_schema: { name: 'mission_plan', strict: false, schema: planJsonSchema(tools) } };
}
