/**
 * Behaviours that make the scripted server act like a particular real one (see ServerBehaviour in
 * ./types.ts). Each was seen on a real llama.cpp `llama-server` (/work/shared/ENVIRONMENT.md).
 * A new one is a function returning `{ name, intercept?, shape? }`, added to BEHAVIOURS so that the
 * CLI can switch it on by name. Only erasable TypeScript syntax (see ./index.ts).
 *
 *   llm.use(toolsNeedJinja(), honourMaxTokens());
 */
import type { Completion, ServerBehaviour } from './types.ts';
import { estimateTokens, llamaCppErrorBody } from './wire.ts';

/** llama-server started without `--jinja`: a request with tools answers 500 before any generation. */
export function toolsNeedJinja(): ServerBehaviour {
  return {
    name: 'tools-need-jinja',
    intercept(request) {
      const tools: unknown = request.body?.tools;
      if (!Array.isArray(tools) || tools.length === 0) return undefined;
      return { status: 500, body: llamaCppErrorBody(500, 'tools param requires --jinja flag') };
    },
  };
}

/** A llama-server build that cannot constrain output by `response_format` (json_object or json_schema). */
export function responseFormatUnsupported(): ServerBehaviour {
  return {
    name: 'response-format-unsupported',
    intercept(request) {
      const format: unknown = request.body?.response_format;
      if (!format || typeof format !== 'object' || (format as { type?: unknown }).type === 'text') return undefined;
      return { status: 400, body: llamaCppErrorBody(400, 'Failed to initialize samplers') };
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
  'honour-max-tokens': honourMaxTokens,
};
