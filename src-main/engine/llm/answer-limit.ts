/**
 * Bounded model answers. One answer (its text and its tool calls' names and arguments together)
 * may have at most `maxAnswerChars` characters (a setting, DEFAULT_ANSWER_CHARS unless changed);
 * a longer one is not used: the call fails with a reason a person can act on, the connection is
 * closed so the server stops generating, and nothing of it is kept. The raw bytes read are bounded
 * too (a streamed event, a plain JSON body), generously enough for JSON escapes and the stream's
 * framing, so a server that never ends an event cannot fill the memory either.
 *
 * A tool call's arguments must also keep the shape every stored value keeps (json-shape.ts): a
 * model could nest them thousands of levels deep, which no later JSON.stringify would survive.
 */
import { DEFAULT_ANSWER_CHARS } from '../../../src-shared/domain/settings';
import { describeShapeProblem, jsonShapeProblem } from '../../../src-shared/json-shape';
import { LlmError } from './errors';

export { DEFAULT_ANSWER_CHARS };

/** Raw bytes allowed per character of the limit: JSON escapes (\u00e9 is 6) and a stream's framing around small deltas. */
const BYTES_PER_CHAR = 8;
const SLACK_BYTES = 64 * 1024;

/** The most raw bytes read for one answer body or one streamed event. */
export function rawByteLimit(maxChars: number): number {
  return maxChars * BYTES_PER_CHAR + SLACK_BYTES;
}

export function answerTooLong(maxChars: number, url: string): LlmError {
  return new LlmError(
    'bad-response',
    `The model's answer from ${url} was longer than ${maxChars.toLocaleString('en-US')} characters, the most one answer may have ("Longest answer" in Settings), so it was not used. Ask for less in the mission, or raise the limit.`,
  );
}

/** A model answer whose tool-call arguments (or whole body) nest beyond what the app stores. */
export function answerMisshapen(value: unknown, url: string): LlmError | null {
  const problem = jsonShapeProblem(value);
  return problem ? new LlmError('bad-response', `The model's answer from ${url} could not be used: ${describeShapeProblem(problem)}.`) : null;
}

/** What counts toward the limit: the text, and each tool call's name and arguments (as sent). */
export function answerChars(content: string, calls: readonly { name?: unknown; arguments?: unknown }[]): number {
  let n = content.length;
  for (const call of calls) {
    n += typeof call.name === 'string' ? call.name.length : 0;
    const args = call.arguments;
    n += typeof args === 'string' ? args.length : args === undefined || args === null ? 0 : JSON.stringify(args).length;
  }
  return n;
}

/**
 * A body read as text, at most `maxBytes` of it: `complete` is false when there was more (the read
 * stopped there; the caller closes the connection).
 */
export async function readBounded(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<{ text: string; complete: boolean }> {
  if (!body) return { text: '', complete: true };
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), complete: true };
      bytes += value.byteLength;
      if (bytes > maxBytes) return { text, complete: false };
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
}
