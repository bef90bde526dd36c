/**
 * Behaviours that make the scripted server act like a particular real one (see ServerBehaviour in
 * ./types.ts). Each was seen on a real llama.cpp `llama-server` (/work/shared/ENVIRONMENT.md, and
 * README "A real llama.cpp server"), with the words it says. A new one is a function returning
 * `{ name, intercept?, shape? }`, added to BEHAVIOURS so that the CLI can switch it on by name.
 * Only erasable TypeScript syntax (see ./index.ts).
 *
 *   llm.use(toolsNeedJinja(), honourMaxTokens());
 *   llm.enqueue(llamaCppError(400, 'the request exceeds the available context size'));
 */
import type { Completion, ErrorReply, RecordedRequest, ServerBehaviour } from './types.ts';
import { estimateTokens, llamaCppErrorBody } from './wire.ts';

/** What llama-server answers a request with `tools` when it was started without `--jinja` (500). */
export const JINJA_REQUIRED = 'tools param requires --jinja flag';
/** What llama-server answers a constrained-output field it cannot turn into a grammar (400). */
export const SAMPLERS_FAILED = 'Failed to initialize samplers';
/** What llama-server (--jinja) answers when its chat-output parser cannot read its own model's output (500). */
export const PEG_PARSE_FAILED = 'The model produced output that does not match the expected peg-native format';

/** llama-server's error answer: `{error: {code, message, type}}`, the status repeated as `code`. */
export function llamaCppError(status: number, message: string): ErrorReply {
  return { status, body: llamaCppErrorBody(status, message) };
}

/** llama-server started without `--jinja`: a request with tools answers 500 before any generation. */
export function toolsNeedJinja(): ServerBehaviour {
  return {
    name: 'tools-need-jinja',
    intercept(request) {
      const tools: unknown = request.body?.tools;
      if (!Array.isArray(tools) || tools.length === 0) return undefined;
      return llamaCppError(500, JINJA_REQUIRED);
    },
  };
}

/** A llama-server build that cannot constrain output by `response_format` (json_object or json_schema). */
export function responseFormatUnsupported(): ServerBehaviour {
  return refusesField('response-format-unsupported', 'response_format', (format) => typeof format === 'object' && format !== null && (format as { type?: unknown }).type !== 'text');
}

/** A llama-server build that cannot constrain output by its top-level `json_schema`. */
export function jsonSchemaUnsupported(): ServerBehaviour {
  return refusesField('json-schema-unsupported', 'json_schema', (schema) => schema !== undefined && schema !== null);
}

/** A llama-server build that cannot use a GBNF `grammar` (or finds this one too big). */
export function grammarUnsupported(): ServerBehaviour {
  return refusesField('grammar-unsupported', 'grammar', (grammar) => typeof grammar === 'string' && grammar.length > 0);
}

/** Answers 400 "Failed to initialize samplers" before any generation when the request sets `field`. */
function refusesField(name: string, field: string, isSet: (value: unknown) => boolean): ServerBehaviour {
  return {
    name,
    intercept(request: RecordedRequest) {
      return isSet(request.body?.[field]) ? llamaCppError(400, SAMPLERS_FAILED) : undefined;
    },
  };
}

/**
 * Generation stops at `max_tokens` (or `max_completion_tokens`): a longer reply is cut there, with
 * finish_reason "length". A cut tool call is no call at all: its text ends up, truncated, as content.
 */
export function honourMaxTokens(): ServerBehaviour {
  return {
    name: 'honour-max-tokens',
    shape(completion, request): Completion {
      const limit: unknown = request.body?.max_completion_tokens ?? request.body?.max_tokens;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) return completion;
      const generated = (completion.content ?? '') + (completion.toolCalls ? JSON.stringify(completion.toolCalls) : '');
      if (estimateTokens(generated) <= limit) return completion;
      const { prompt_tokens } = completion.usage;
      return {
        ...completion,
        content: generated.slice(0, limit * 4),
        toolCalls: null,
        finishReason: 'length',
        usage: { prompt_tokens, completion_tokens: limit, total_tokens: prompt_tokens + limit },
      };
    },
  };
}

/** By name, for `--behaviour NAME` on the command line. */
export const BEHAVIOURS: Record<string, () => ServerBehaviour> = {
  'tools-need-jinja': toolsNeedJinja,
  'response-format-unsupported': responseFormatUnsupported,
  'json-schema-unsupported': jsonSchemaUnsupported,
  'grammar-unsupported': grammarUnsupported,
  'honour-max-tokens': honourMaxTokens,
};
