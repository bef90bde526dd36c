/**
 * Building blocks of tool parameters, and the JSON schema sent to the model made from them.
 *
 * One schema, two uses: the zod schemas here validate what the model answered, and the JSON schema
 * sent with the request (function parameters, `response_format`, llama.cpp's `json_schema` and the
 * GBNF made from it) is generated from the very same schemas. The sent schema may be NARROWER than
 * the validator, never wider, so any output that satisfies it passes validation:
 * - every object is closed (`additionalProperties: false`) where the validator ignores extra keys;
 * - one-line texts carry a `pattern` (metadata, not checked by zod) that keeps the model to
 *   characters needing no JSON escape, starting with a visible one, at most half the validator's
 *   length (a grammar counts code points, JavaScript counts UTF-16 units);
 * - long texts carry a smaller `maxLength`, so constrained output cannot run to the token cap.
 * Patterns use only what llama.cpp's schema-to-grammar converter reads the same way JavaScript
 * does: anchored, `[0-9]` not `\d`, classes with \x/\u escapes. Two cross-field rules cannot be said
 * in JSON Schema and stay in the validator only (update_task needs a change; an event ends after
 * it starts): CROSS_FIELD_RULES names them.
 */
import { z } from 'zod';

/** Characters a JSON string cannot hold unescaped: the quote, the backslash and control characters. */
const NEEDS_ESCAPE = '"\\\\\\x00-\\x1F';
/** Those, and what String.prototype.trim removes (a character-class body JavaScript and GBNF read alike). */
const BLANK_OR_NEEDS_ESCAPE = '"\\\\\\x00-\\x20\\x7F\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';

/** One line of 1..max characters starting with a visible one, none needing a JSON escape. */
export function linePattern(max: number, extraExcluded = ''): string {
  return `^[^${BLANK_OR_NEEDS_ESCAPE}${extraExcluded}][^${NEEDS_ESCAPE}${extraExcluded}]{0,${max - 1}}$`;
}

/** One word of 1..max characters: no whitespace, none needing a JSON escape, nor any of `extraExcluded`. */
export function wordPattern(max: number, extraExcluded = ''): string {
  return `^[^${BLANK_OR_NEEDS_ESCAPE}${extraExcluded}]{1,${max}}$`;
}

/**
 * A required one-line text: trimmed, 1..max characters. The model is asked for at most `sentMax`
 * (at most half of max; short by default, so a constrained weak model cannot ramble for pages).
 */
export function line(max: number, description: string, sentMax = Math.min(120, Math.floor(max / 2))) {
  return z.string().trim().min(1).max(max).meta({ pattern: linePattern(Math.min(sentMax, Math.floor(max / 2))), description });
}

/**
 * Free text (Markdown, several lines): the validator's bound, and a smaller one sent to the model.
 * llama.cpp refuses a grammar that repeats anything 2000 times or more ("Failed to initialize
 * samplers: failed to parse grammar"), so a sent bound stays well below that.
 */
export function text(max: number, sentMax: number, description: string, min = 0) {
  if (sentMax >= MAX_GRAMMAR_REPEAT) throw new Error(`text: a sent bound of ${sentMax} is more than llama.cpp's grammar parser takes`);
  const base = min > 0 ? z.string().min(min) : z.string();
  return base.max(max).meta({ maxLength: sentMax, description });
}

/** llama.cpp's grammar parser refuses repetitions of this many or more (MAX_REPETITION_THRESHOLD). */
export const MAX_GRAMMAR_REPEAT = 2000;

// Dates are THE shared date types of src-shared/dates.ts (real calendar days), not defined here.

export const id = (what: string) => line(200, `id of the ${what}`);
export const limit = (what: string, dflt: number) =>
  z.coerce.number().int().min(1).max(200).optional().describe(`maximum number of ${what} (default ${dflt})`);
/** Why a step helps the mission, shown to the user with every write. */
export const rationale = line(500, 'why this step helps the mission, in one sentence; shown to the user', 160);

/**
 * The rules the validator checks that JSON Schema cannot express; an output that breaks one gets
 * the repair round. Kept in one place so the property test can tell them from real mismatches.
 */
export const CROSS_FIELD_RULES = {
  update_task: 'pass at least one of title, dueDate, priority, description',
  create_event: 'endTime must be after startTime',
} as const;

/** The JSON schema sent to the model for a zod schema: closed objects, no $schema, nothing unrepresentable. */
export function sentJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'throw',
    override: ({ jsonSchema }) => {
      if (jsonSchema.type === 'object') jsonSchema.additionalProperties = false;
    },
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}
