/**
 * The OpenAI chat-completions wire format as the scripted server writes it: completion objects,
 * stream chunks, model lists and error bodies. Only erasable TypeScript syntax (see ./index.ts).
 */
import type { Completion, ContentReply, ToolCallsReply, Usage, WireToolCall } from './types.ts';

/** Roughly what a tokenizer would count: 4 characters a token. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function errorTypeFor(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_exceeded';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}

/** OpenAI's error body. */
export function errorBody(status: number, message: string): unknown {
  return { error: { message, type: errorTypeFor(status), param: null, code: status === 429 ? 'rate_limit_exceeded' : null } };
}

/** llama.cpp's llama-server error body: the status is repeated as `code`. */
export function llamaCppErrorBody(status: number, message: string): unknown {
  return { error: { code: status, message, type: errorTypeFor(status) } };
}

/** The completion a content or tool-calls reply stands for, with usage estimated unless scripted. */
export function completionFor(reply: ContentReply | ToolCallsReply, requestBody: any, nextCallId: () => string): Completion {
  const model = reply.model ?? (typeof requestBody?.model === 'string' && requestBody.model ? requestBody.model : 'test-model');
  let content: string | null;
  let toolCalls: WireToolCall[] | null = null;
  let finishReason: string;
  if ('toolCalls' in reply) {
    content = reply.content ?? null;
    toolCalls = reply.toolCalls.map((c) => ({
      id: c.id ?? nextCallId(),
      type: 'function' as const,
      function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) },
    }));
    finishReason = reply.finishReason ?? 'tool_calls';
  } else {
    content = reply.content;
    finishReason = reply.finishReason ?? 'stop';
  }
  const prompt = reply.usage?.prompt_tokens ?? estimateTokens(JSON.stringify(requestBody?.messages ?? []));
  const completion = reply.usage?.completion_tokens ?? estimateTokens((content ?? '') + (toolCalls ? JSON.stringify(toolCalls) : ''));
  const usage: Usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: reply.usage?.total_tokens ?? prompt + completion };
  return { model, content, toolCalls, finishReason, usage };
}

/** The body of a non-streamed answer. */
export function completionJson(c: Completion, id: string, created: number): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content: c.content };
  if (c.toolCalls) message.tool_calls = c.toolCalls;
  return {
    id,
    object: 'chat.completion',
    created,
    model: c.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: c.finishReason }],
    usage: c.usage,
  };
}

/** The server-sent events of a streamed answer, `data: [DONE]` last. */
export function streamEvents(c: Completion, id: string, created: number, includeUsage: boolean): string[] {
  const event = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`;
  const chunk = (delta: unknown, finish: string | null) =>
    event({ id, object: 'chat.completion.chunk', created, model: c.model, choices: [{ index: 0, delta, finish_reason: finish }] });
  const events = [chunk({ role: 'assistant', content: '' }, null)];
  if (c.content) {
    // a few pieces, like a real stream
    const step = Math.max(1, Math.ceil(c.content.length / 4));
    for (let i = 0; i < c.content.length; i += step) events.push(chunk({ content: c.content.slice(i, i + step) }, null));
  }
  c.toolCalls?.forEach((call, index) => events.push(chunk({ tool_calls: [{ index, ...call }] }, null)));
  events.push(chunk({}, c.finishReason));
  if (includeUsage) events.push(event({ id, object: 'chat.completion.chunk', created, model: c.model, choices: [], usage: c.usage }));
  events.push('data: [DONE]\n\n');
  return events;
}

export function modelsJson(ids: readonly string[]): unknown {
  return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })) };
}
