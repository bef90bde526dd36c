/**
 * The plan in JSON-plan mode, as ONE set of zod schemas used twice: the parser validates answers with
 * them, and the JSON schema sent to the model (response_format, llama.cpp's json_schema, the GBNF
 * grammar) is generated from them, so any output that satisfies what was sent passes validation
 * (params.ts says how the sent schema may be narrower). A step is a discriminated union on
 * `toolName`: each allowed tool's own parameter schema, required fields, enums and bounds included.
 */
import { z } from 'zod';
import type { ToolDef } from '../tools/catalog';
import { linePattern, rationale, sentJsonSchema } from '../tools/params';
import { MAX_STEPS, NOTHING_TO_DO, NOTHING_TO_DO_PATTERN } from './prompt';

/** What this iteration does, in one line; shown as the iteration's summary. */
export const planSummary = z.string().trim().max(1000).meta({ pattern: linePattern(160), description: 'what this iteration does, in one line' });

const stepCache = new WeakMap<ToolDef, z.ZodObject>();

/** One step calling `tool`: the tool's own params and a rationale. */
export function stepSchema(tool: ToolDef): z.ZodObject {
  let schema = stepCache.get(tool);
  if (!schema) {
    schema = z.object({ toolName: z.literal(tool.name), params: tool.params, rationale });
    stepCache.set(tool, schema);
  }
  return schema;
}

/** The empty plan: the validator takes the words in any case; the model is sent them exactly (`const`). */
const nothingToDo = z.object({
  summary: z
    .string()
    .refine((text) => NOTHING_TO_DO_PATTERN.test(text), `a plan without steps says "${NOTHING_TO_DO}"`)
    .meta({ const: NOTHING_TO_DO }),
  steps: z.array(z.never()).max(0),
});

const planCache = new Map<string, z.ZodType>();

/** The plan with 1..MAX_STEPS steps calling only `tools`, or the empty plan saying NOTHING_TO_DO. */
export function planSchema(tools: readonly ToolDef[]): z.ZodType {
  const key = tools.map((t) => t.name).join(',');
  let schema = planCache.get(key);
  if (!schema) {
    const [first, ...rest] = tools.map(stepSchema);
    schema = first
      ? z.union([z.object({ summary: planSummary, steps: z.array(z.discriminatedUnion('toolName', [first, ...rest])).min(1).max(MAX_STEPS) }), nothingToDo])
      : nothingToDo;
    planCache.set(key, schema);
  }
  return schema;
}

/** The envelope the parser checks before each step: summary and a bounded steps array. */
export const planEnvelope = z.object({ summary: planSummary, steps: z.array(z.unknown()).max(MAX_STEPS) });

const jsonCache = new Map<string, Record<string, unknown>>();

/** The plan's JSON schema as sent to the model (cached per set of tools: the catalog is static). */
export function planJsonSchema(tools: readonly ToolDef[]): Record<string, unknown> {
  const key = tools.map((t) => t.name).join(',');
  let schema = jsonCache.get(key);
  if (!schema) {
    schema = sentJsonSchema(planSchema(tools));
    jsonCache.set(key, schema);
  }
  return structuredClone(schema);
}
