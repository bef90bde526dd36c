/**
 * Scripted behaviours of real self-hosted servers, for the scripted OpenAI-compatible server
 * (e2e/fixtures/llm-server.ts): reply factories that answer like llama.cpp's llama-server does, as
 * measured against a real one (see README, "A real llama.cpp server"). Kept apart from the server
 * so the two scripted servers can be merged without touching these.
 *
 *   llm.enqueue(llamaCpp({ jinja: false }, planReply));     // 500 "tools param requires --jinja flag" to tools
 *   llm.enqueue(cutAtMaxTokens('a very long answer …'));     // honours max_tokens: finish_reason "length"
 */
import type { ContentReply, QueuedReply, RecordedRequest, ScriptedReply } from '../../e2e/fixtures/llm-server';

export const JINJA_REQUIRED = 'tools param requires --jinja flag';
export const SAMPLERS_FAILED = 'Failed to initialize samplers: failed to parse grammar';
export const PEG_PARSE_FAILED = 'The model produced output that does not match the expected peg-native format';

export interface LlamaCppOptions {
  /** started with --jinja (default true); without it, any request with `tools` answers 500 */
  jinja?: boolean;
  /** the constrained-output fields it cannot turn into a grammar: answered 400 "Failed to initialize samplers" */
  refuse?: ('response_format' | 'json_schema' | 'grammar')[];
}

/** The error llama-server gives for what it cannot do with this request, or null. */
export function llamaCppRefusal(body: any, options: LlamaCppOptions = {}): ScriptedReply | null {
  if (options.jinja === false && Array.isArray(body?.tools) && body.tools.length) return llamaError(500, JINJA_REQUIRED, 'server_error');
  for (const field of options.refuse ?? []) {
    if (body?.[field] !== undefined) return llamaError(400, SAMPLERS_FAILED, 'invalid_request_error');
  }
  return null;
}

/** A reply factory: llama-server's refusals first, else `then` (a reply or a factory of one). */
export function llamaCpp(options: LlamaCppOptions, then: QueuedReply): (request: RecordedRequest) => ScriptedReply {
  return (request) => llamaCppRefusal(request.body, options) ?? (typeof then === 'function' ? then(request) : then);
}

/** llama-server's error body: `{error: {code, message, type}}`. */
export function llamaError(status: number, message: string, type: string): ScriptedReply {
  return { status, body: { error: { code: status, message, type } } };
}

/**
 * The answer a server gives a request with `max_tokens`: the text cut after that many tokens
 * (~4 characters each) with finish_reason "length" and the usage it counted, or whole.
 */
export function cutAtMaxTokens(content: string): (request: RecordedRequest) => ContentReply {
  return (request) => {
    const maxTokens = Number(request.body?.max_tokens) || Infinity;
    const tokens = Math.ceil(content.length / 4);
    if (tokens <= maxTokens) return { content };
    return { content: content.slice(0, maxTokens * 4), finishReason: 'length', usage: { prompt_tokens: 100, completion_tokens: maxTokens, total_tokens: 100 + maxTokens } };
  };
}
