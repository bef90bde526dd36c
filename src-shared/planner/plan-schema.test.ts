/**
 * One schema, two uses: instances of the JSON schema SENT to the model (generated here with
 * fast-check straight from that JSON schema) must pass the validator, except where they break one
 * of the two cross-field rules JSON Schema cannot express, which the validator must then name.
 * The generator reads only the keywords llama.cpp's schema-to-grammar and our GBNF converter
 * read, and throws on any other, so the sent schema cannot drift outside what servers enforce.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOOLS, type ToolDef, functionSchema } from '../tools/catalog';
import { CROSS_FIELD_RULES, MAX_GRAMMAR_REPEAT } from '../tools/params';
import { jsonSchemaToGbnf } from './grammar';
import { parsePlan } from './parser';
import { planJsonSchema } from './plan-schema';

type Schema = Record<string, unknown>;
/** Any Unicode character, with the ones that trip validators (blanks, quotes, escapes) often. */
const CHARACTER = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u2028', '\u3000', '\ufeff', '"', '\\', '\u0000') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const KNOWN = new Set(['type', 'properties', 'required', 'additionalProperties', 'description', 'const', 'enum', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'items', 'minItems', 'maxItems', 'anyOf', 'oneOf', 'not']);

/** A fast-check arbitrary of the JSON values a JSON schema (of the subset servers enforce) allows. */
function arbitraryOf(s: Schema): fc.Arbitrary<unknown> {
  for (const key of Object.keys(s)) if (!KNOWN.has(key)) throw new Error(`the sent schema uses "${key}", which servers do not enforce`);
  const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map(arbitraryOf));
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'object': {
      if (s.additionalProperties !== false) throw new Error('every object sent must be closed');
      const props = (s.properties ?? {}) as Record<string, Schema>;
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v)])), { requiredKeys: (s.required ?? []) as string[] });
    }
    case 'array':
      if (s.maxItems === 0) return fc.constant([]);
      // long arrays only cost time: the items are what can break validation
      return fc.array(arbitraryOf(s.items as Schema), { minLength: Number(s.minItems ?? 0), maxLength: Math.min(Number(s.maxItems ?? 4), 4) });
    case 'string': {
      const min = Number(s.minLength ?? 0);
      const max = s.maxLength === undefined ? Infinity : Number(s.maxLength);
      // JSON Schema counts code points; the arbitrary makes any Unicode, astral planes included
      const codePoints = (t: string) => [...t].length;
      if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern)).filter((t) => codePoints(t) >= min && codePoints(t) <= max);
      return fc.string({ unit: CHARACTER, minLength: min, maxLength: Number.isFinite(max) ? max : 50 });
    }
    case 'integer':
      return fc.integer({ min: Number(s.minimum ?? -1e9), max: Number(s.maximum ?? 1e9) });
    case 'number': {
      const exclusive = typeof s.exclusiveMinimum === 'number';
      return fc.double({ min: Number(exclusive ? s.exclusiveMinimum : (s.minimum ?? -1e12)), max: Number(s.maximum ?? 1e12), minExcluded: exclusive, noNaN: true, noDefaultInfinity: true });
    }
    default:
      throw new Error(`unexpected schema ${JSON.stringify(s).slice(0, 80)}`);
  }
}

const CROSS_FIELD_MESSAGES = Object.entries(CROSS_FIELD_RULES).map(([tool, message]) => ({ tool, message }));

describe('the plan schema sent to the model', () => {
  it('every instance of it passes validation, but for the named cross-field rules (property)', () => {
    // the whole catalog, and each tool alone (an agent allowed one tool gets a one-branch union)
    const toolSets: ToolDef[][] = [[...TOOLS], ...TOOLS.map((t) => [t])];
    const instances = fc.oneof(...toolSets.map((tools) => fc.tuple(fc.constant(tools), arbitraryOf(planJsonSchema(tools)))));
    fc.assert(
      fc.property(instances, ([tools, plan]) => {
        const allowed = new Map(tools.map((t) => [t.name, t] as [string, ToolDef]));
        const result = parsePlan(JSON.stringify(plan), allowed);
        if (result.ok) return;
        const steps = (plan as { steps: { toolName: string }[] }).steps;
        for (const problem of result.problems) {
          const rule = CROSS_FIELD_MESSAGES.find((r) => problem.includes(r.message) && steps.some((s) => s.toolName === r.tool));
          expect(rule, `rejected for a reason the sent schema should have prevented: ${problem}`).toBeDefined();
        }
      }),
      { numRuns: 200 },
    );
  });

  it('the cross-field rules do get broken by instances, so the property above is not vacuous', () => {
    const event = TOOLS.find((t) => t.name === 'create_event')!;
    const plans = fc.sample(arbitraryOf(planJsonSchema([event])), 300) as { steps: { params: { startTime: string; endTime: string } }[] }[];
    expect(plans.some((p) => p.steps.some((s) => !(Date.parse(s.params.endTime.replace(' ', 'T')) > Date.parse(s.params.startTime.replace(' ', 'T')))))).toBe(true);
  });

  it('the function schemas of tool calling are closed and enforceable too, with a required rationale on writes', () => {
    for (const tool of TOOLS) {
      const parameters = functionSchema(tool).function.parameters as Schema;
      const samples = fc.sample(arbitraryOf(parameters), 50) as Record<string, unknown>[];
      for (const args of samples) {
        const { rationale, ...params } = args;
        if (tool.kind === 'write') expect(typeof rationale === 'string' && rationale.trim().length > 0).toBe(true);
        const parsed = tool.params.safeParse(params);
        if (!parsed.success) expect(parsed.error.issues.map((i) => i.message)).toEqual([CROSS_FIELD_RULES[tool.name as keyof typeof CROSS_FIELD_RULES]]);
      }
    }
  });

  it('turns into a GBNF grammar that llama.cpp can parse: nothing repeated 2000 times or more', () => {
    const grammar = jsonSchemaToGbnf(planJsonSchema(TOOLS));
    expect(grammar).toMatch(/^root ::= root-0 \| root-1$/m);
    const repeats = [...grammar.matchAll(/\{(\d+)(?:,(\d*))?\}/g)].map((m) => Number(m[2] || m[1]));
    expect(Math.max(...repeats)).toBeLessThan(MAX_GRAMMAR_REPEAT);
  });
});
