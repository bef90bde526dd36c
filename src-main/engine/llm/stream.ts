/**
 * Chat completions are requested as a stream (server-sent events) for one reason: when we give up
 * (a timeout, a cancelled run) and close the connection, a streaming server notices at its next
 * write and stops generating. A non-streaming llama-server often does not notice a closed
 * connection and keeps generating to max_tokens (seen: its socket in CLOSE-WAIT for minutes).
 *
 * The events are assembled into the same object a non-streaming answer is, so the rest of the
 * client reads one shape: content and tool-call deltas joined, the finish reason, the usage of the
 * final chunk (`stream_options.include_usage`), the model. An error event mid-stream (llama.cpp
 * sends one when it cannot parse its model's output) becomes an LlmError like an HTTP error.
 */
import { answerChars, answerTooLong, rawByteLimit } from './answer-limit';
import { LlmError } from './errors';

interface ToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: unknown };
}

interface Assembled {
  id: string | null;
  model: string | null;
  content: string;
  toolCalls: { id?: string; type: 'function'; function: { name: string; arguments: string } }[];
  finishReason: string | null;
  usage: unknown;
}

function applyChunk(into: Assembled, chunk: Record<string, unknown>, url: string): void {
  if (chunk.error) {
    const e = chunk.error as { message?: string; code?: number } | string;
    const detail = typeof e === 'string' ? e : (e.message ?? JSON.stringify(e));
    const status = typeof e === 'object' && typeof e.code === 'number' ? e.code : 500;
    throw new LlmError('http', `The LLM at ${url} answered ${status}: ${detail}.`, { status, detail });
  }
  if (typeof chunk.id === 'string') into.id ??= chunk.id;
  if (typeof chunk.model === 'string') into.model ??= chunk.model;
  if (chunk.usage) into.usage = chunk.usage;
  const choice = Array.isArray(chunk.choices) ? (chunk.choices[0] as Record<string, unknown> | undefined) : undefined;
  if (!choice) return;
  if (typeof choice.finish_reason === 'string') into.finishReason = choice.finish_reason;
  const delta = (choice.delta ?? choice.message) as { content?: unknown; tool_calls?: ToolCallDelta[] } | undefined;
  if (typeof delta?.content === 'string') into.content += delta.content;
  for (const [position, d] of (Array.isArray(delta?.tool_calls) ? delta.tool_calls : []).entries()) {
    const index = typeof d.index === 'number' ? d.index : position;
    const call = (into.toolCalls[index] ??= { type: 'function', function: { name: '', arguments: '' } });
    if (d.id) call.id = d.id;
    if (typeof d.function?.name === 'string') call.function.name += d.function.name;
    const args = d.function?.arguments;
    if (args !== undefined && args !== null) call.function.arguments += typeof args === 'string' ? args : JSON.stringify(args);
  }
}

/**
 * Reads an event stream to its end (or `[DONE]`) and returns it as one chat.completion object. An
 * answer past `maxChars` (answer-limit.ts), or an event past its raw bound, stops the read there
 * with an LlmError; the caller closes the connection.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, url: string, maxChars: number): Promise<unknown> {
  const into: Assembled = { id: null, model: null, content: '', toolCalls: [], finishReason: null, usage: undefined };
  const decoder = new TextDecoder();
  let buffer = '';
  let events = 0;
  const handle = (event: string): boolean => {
    const data = event
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).trimStart())
      .join('\n');
    if (!data) return false;
    if (data === '[DONE]') return true;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw new LlmError('bad-response', `The LLM at ${url} streamed something that is not JSON: ${data.slice(0, 200)}`);
    }
    events++;
    applyChunk(into, chunk as Record<string, unknown>, url);
    if (answerChars(into.content, into.toolCalls.filter(Boolean).map((c) => c.function)) > maxChars) throw answerTooLong(maxChars, url);
    return false;
  };
  const maxEvent = rawByteLimit(maxChars);
  for await (const bytes of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (handle(event)) return completion(into);
    }
    // an event that never ends (or one far larger than any allowed answer) is not waited for
    if (buffer.length > maxEvent) throw answerTooLong(maxChars, url);
  }
  if (buffer.trim()) handle(buffer);
  if (!events) throw new LlmError('bad-response', `The LLM at ${url} ended its stream without an answer.`);
  return completion(into);
}

function completion(a: Assembled): unknown {
  const message: Record<string, unknown> = { role: 'assistant', content: a.content || (a.toolCalls.length ? null : '') };
  const calls = a.toolCalls.filter(Boolean);
  if (calls.length) message.tool_calls = calls;
  return {
    id: a.id,
    object: 'chat.completion',
    model: a.model,
    choices: [{ index: 0, message, finish_reason: a.finishReason }],
    ...(a.usage ? { usage: a.usage } : {}),
    streamed: true,
  };
}
