/**
 * Strict plan parser for JSON-plan mode. A plan is all valid or rejected whole, with reasons that
 * can be shown to the model in a repair round: a fenced or bare JSON object, `steps` an array, every
 * step a known allowed tool with a non-empty rationale and params that pass the tool's zod schema.
 */
import type { ToolDef } from '../tools/catalog';
import { MAX_STEPS } from './prompt';

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

export type ParseResult = { ok: true; plan: Plan } | { ok: false; reason: string; problems: string[] };

const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

export function extractJson(text: string): string | null {
  const fenced = FENCE.exec(text);
  if (fenced) return fenced[1]!.trim();
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.endsWith('}')) return trimmed;
  return null;
}

function fail(reason: string, problems: string[] = [reason]): ParseResult {
  return { ok: false, reason, problems };
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

export function parsePlan(text: string, allowed: ReadonlyMap<string, ToolDef>): ParseResult {
  const json = extractJson(text);
  if (json === null) return fail('no JSON block found in the answer');
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return fail(`JSON parse failed: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('the plan must be a JSON object');
  const obj = value as Record<string, unknown>;
  if (!Array.isArray(obj.steps)) return fail('"steps" must be an array');
  if (obj.steps.length > MAX_STEPS) return fail(`the plan has ${obj.steps.length} steps; at most ${MAX_STEPS} are allowed`);
  const problems: string[] = [];
  const steps: PlannedStep[] = [];
  obj.steps.forEach((raw, index) => {
    const where = `step ${index + 1}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problems.push(`${where}: must be an object`);
      return;
    }
    const step = raw as Record<string, unknown>;
    const rationale = typeof step.rationale === 'string' ? step.rationale.trim() : '';
    if (!rationale) problems.push(`${where}: "rationale" must be a non-empty string`);
    const call = validateCall(step.toolName, step.params, allowed, where);
    if (!call.ok) {
      problems.push(...call.problems);
      return;
    }
    steps.push({ summary: typeof step.summary === 'string' ? step.summary : '', toolName: call.tool.name, params: call.params, rationale });
  });
  if (problems.length) return fail(problems[0]!, problems);
  return { ok: true, plan: { summary: typeof obj.summary === 'string' ? obj.summary : '', steps } };
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
 * `response_format` for endpoints that constrain output to a JSON schema: the plan's shape with
 * toolName limited to the allowed tools. Not strict (params differ per tool); the parser still
 * validates everything.
 */
export function planResponseFormat(toolNames: string[]): unknown {
  const step = {
    type: 'object',
    properties: {
      summary: { type: 'string' },
      toolName: { type: 'string', enum: toolNames },
      params: { type: 'object' },
      rationale: { type: 'string' },
    },
    required: ['summary', 'toolName', 'params', 'rationale'],
  };
  return {
    type: 'json_schema',
    json_schema: {
      name: 'mission_plan',
      strict: false,
      schema: {
        type: 'object',
        properties: { summary: { type: 'string' }, steps: { type: 'array', maxItems: toolNames.length ? MAX_STEPS : 0, items: step } },
        required: ['summary', 'steps'],
      },
    },
  };
}
