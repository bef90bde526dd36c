/**
 * OpenAI-compatible chat client (OpenAI, OpenRouter, Ollama, LM Studio, llama.cpp server, vLLM).
 *
 * Answers are streamed (stream.ts), so that closing the connection stops the server's generation.
 * Every HTTP attempt is accounted (status, latency, tokens from `usage` or estimated) and every
 * failed one is logged at warn level (endpoint without secrets, status, duration, short reason).
 * Retries only where another attempt can help (retry.ts), never past the call's deadline. Giving
 * up (a timeout, the caller's signal) aborts the request, which closes the connection so the
 * server stops generating. Errors are LlmError with a message a person can act on. Quirks
 * tolerated: `content: null` or an array of parts, arguments as an object or a (double-encoded)
 * JSON string, missing usage.
 */
import type { Usage } from '../../../src-shared/domain/ai';
import { decodeArguments } from '../../../src-shared/planner/parser';
import { describeHttpError, errorDetail, LlmError, safeEndpoint } from './errors';
import { MAX_ATTEMPTS, backoffMs, parseRetryAfter, worthRetrying } from './retry';
import { DEFAULT_ANSWER_CHARS, answerChars, answerMisshapen, answerTooLong, rawByteLimit, readBounded } from './answer-limit';
import { readEventStream } from './stream';
import { nodeFetch } from './transport';
import { estimateTokens, toUsage } from './usage';
import { realTimers } from '../../timers';
import { type AttemptTimer, llmTimers } from './timing';

export { LlmError, type LlmErrorKind } from './errors';
export { MAX_ATTEMPTS, parseRetryAfter } from './retry';
export { type AttemptTimer, llmTimers } from './timing';

export interface ToolCallOut {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: ToolCallOut[] }
  | { role: 'tool'; content: string; tool_call_id: string };

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: unknown[];
  /** OpenAI's `response_format` (json_schema) */
  responseFormat?: unknown;
  /** llama.cpp's top-level `json_schema` */
  jsonSchema?: unknown;
  /** llama.cpp's GBNF `grammar` */
  grammar?: string;
  /** overrides of the configured values (the connection test asks for a few tokens at temperature 0) */
  maxTokens?: number;
  temperature?: number;
  /** default MAX_ATTEMPTS */
  maxAttempts?: number;
  /** no attempt starts or runs past this instant (ms since the epoch, on the client's clock) */
  deadline?: number;
  signal?: AbortSignal;
}

export interface ToolCall {
  id: string;
  name: string;
  /** parsed arguments (an object), or the raw string when it was not valid JSON */
  arguments: unknown;
}

/** One HTTP attempt, as the debug view and the budgets see it. */
export interface LlmAttempt {
  /** HTTP status, or null when no answer came (timeout, unreachable, cancelled) */
  status: number | null;
  outcome: 'ok' | 'http-error' | 'timeout' | 'unreachable' | 'aborted' | 'bad-response';
  latencyMs: number;
  usage: Usage;
  /** the endpoint reported no usage: the tokens were estimated from the text (~4 characters a token) */
  estimated: boolean;
  finishReason?: string | null;
  error?: string;
}

export interface ChatResult {
  content: string;
  toolCalls: ToolCall[];
  /** what the successful attempt reported (null: the endpoint sent none) */
  usage: Usage | null;
  model: string | null;
  finishReason: string | null;
  latencyMs: number;
  /** every attempt of this call, failed ones included */
  attempts: LlmAttempt[];
  raw: unknown;
}

export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  temperature: number;
  maxTokens: number;
  /** the most characters one answer may have (answer-limit.ts); default DEFAULT_ANSWER_CHARS */
  maxAnswerChars?: number;
}

export interface LlmLogEntry {
  level: 'warn' | 'info';
  msg: string;
  /** base URL without credentials or query */
  endpoint: string;
  model: string;
  status: number | null;
  durationMs: number;
  reason: string;
}

export interface LlmClientDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /** ms since the epoch (latency, deadlines) */
  now?: () => number;
  /** starts the timeout of one attempt */
  timer?: (ms: number) => AttemptTimer;
  log?: (entry: LlmLogEntry) => void;
}

export function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}

/** Message content as a string: OpenAI's `null` (tool calls only) is '', an array of parts is joined. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === 'string' ? part : typeof (part as { text?: unknown })?.text === 'string' ? (part as { text: string }).text : '')).join('');
  }
  return '';
}

type Completion = Omit<ChatResult, 'latencyMs' | 'attempts' | 'raw'>;

/** A chat completion as the planner reads it; an answer past the limit or the shape bounds is refused (answer-limit.ts). */
function parseCompletion(json: unknown, maxChars: number, url: string): Completion {
  const obj = json as { choices?: unknown; usage?: unknown; model?: unknown };
  const choice = Array.isArray(obj.choices) ? (obj.choices[0] as Record<string, unknown> | undefined) : undefined;
  const message = choice?.message as { content?: unknown; tool_calls?: unknown } | undefined;
  if (!message) throw new LlmError('bad-response', 'The LLM answer has no choices[0].message; is this an OpenAI-compatible chat endpoint?');
  const rawCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  const content = contentText(message.content);
  const functions = rawCalls.map((c) => (c as { function?: { name?: unknown; arguments?: unknown } }).function ?? {});
  if (answerChars(content, functions) > maxChars) throw answerTooLong(maxChars, url);
  const toolCalls: ToolCall[] = rawCalls.flatMap((c, i) => {
    const call = c as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    const name = call.function?.name;
    if (typeof name !== 'string' || !name) return [];
    const args = decodeArguments(call.function?.arguments);
    const misshapen = answerMisshapen(args, url);
    if (misshapen) throw misshapen;
    return [{ id: typeof call.id === 'string' && call.id ? call.id : `call_${i}`, name, arguments: args }];
  });
  return {
    content,
    toolCalls,
    usage: toUsage(obj.usage),
    model: typeof obj.model === 'string' ? obj.model : null,
    finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
  };
}

export class LlmClient {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly timer: (ms: number) => AttemptTimer;
  private readonly log: (entry: LlmLogEntry) => void;

  constructor(
    private readonly config: () => LlmConfig,
    deps: LlmClientDeps = {},
  ) {
    this.fetchImpl = deps.fetch ?? nodeFetch;
    const real = llmTimers(realTimers);
    this.sleep = deps.sleep ?? real.sleep;
    this.random = deps.random ?? Math.random;
    this.now = deps.now ?? Date.now;
    this.timer = deps.timer ?? real.timer;
    this.log = deps.log ?? (() => undefined);
  }

  currentConfig(): LlmConfig {
    return this.config();
  }

  /** The client's clock (ms since the epoch), for callers that set deadlines. */
  clock(): number {
    return this.now();
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const cfg = this.config();
    if (!cfg.baseUrl || !cfg.model) {
      throw new LlmError('not-configured', 'No LLM is configured: set the base URL and model in Settings.');
    }
    const body: Record<string, unknown> = {
      model: cfg.model,
      messages: request.messages,
      temperature: request.temperature ?? cfg.temperature,
      max_tokens: request.maxTokens ?? cfg.maxTokens,
      // streamed so that giving up stops the server (stream.ts); the usage comes in the last chunk
      stream: true,
      stream_options: { include_usage: true },
    };
    if (request.tools?.length) {
      body.tools = request.tools;
      body.tool_choice = 'auto';
    }
    if (request.responseFormat) body.response_format = request.responseFormat;
    if (request.jsonSchema) body.json_schema = request.jsonSchema;
    if (request.grammar) body.grammar = request.grammar;
    const text = JSON.stringify(body);
    // What the server reads: counted when it reports nothing (failed attempts never report usage).
    const promptEstimate = estimateTokens(JSON.stringify([request.messages, request.tools ?? null, request.responseFormat ?? null, request.jsonSchema ?? null, request.grammar ?? null]));
    const started = this.now();
    const attempts: LlmAttempt[] = [];
    const json = await this.withRetries('chat/completions', { method: 'POST', body: text }, request, attempts, (answer, attempt) => {
      const completion = parseCompletion(answer, cfg.maxAnswerChars ?? DEFAULT_ANSWER_CHARS, safeEndpoint(cfg.baseUrl));
      const completionEstimate = estimateTokens(completion.content + (completion.toolCalls.length ? JSON.stringify(completion.toolCalls) : ''));
      attempt.usage = completion.usage ?? { promptTokens: promptEstimate, completionTokens: completionEstimate, totalTokens: promptEstimate + completionEstimate };
      attempt.estimated = !completion.usage;
      attempt.finishReason = completion.finishReason;
      return completion;
    }, promptEstimate);
    return { ...json.value, latencyMs: this.now() - started, attempts, raw: json.raw };
  }

  async models(signal?: AbortSignal): Promise<string[]> {
    const { value } = await this.withRetries('models', { method: 'GET' }, { signal, maxAttempts: 1 }, [], (json) => json, 0);
    const obj = value as { data?: unknown; models?: unknown };
    const list = Array.isArray(obj.data) ? obj.data : Array.isArray(obj.models) ? obj.models : null;
    if (!list) throw new LlmError('bad-response', 'The /models answer has no "data" list; is this an OpenAI-compatible endpoint?');
    return list
      .map((m) => (typeof m === 'string' ? m : ((m as { id?: string; name?: string; model?: string }).id ?? (m as { name?: string }).name ?? (m as { model?: string }).model)))
      .filter((id): id is string => typeof id === 'string' && id.length > 0);
  }

  /**
   * Attempts until one answers, an error is not worth another attempt, the attempts are used up or
   * the deadline is near. Each attempt lands in `attempts`; a thrown LlmError carries them all.
   */
  private async withRetries<T>(
    path: string,
    init: RequestInit,
    request: Pick<ChatRequest, 'signal' | 'maxAttempts' | 'deadline'>,
    attempts: LlmAttempt[],
    read: (json: unknown, attempt: LlmAttempt) => T,
    promptEstimate: number,
  ): Promise<{ value: T; raw: unknown }> {
    const maxAttempts = request.maxAttempts ?? MAX_ATTEMPTS;
    for (let n = 1; ; n++) {
      const startedAt = this.now();
      const attempt: LlmAttempt = { status: null, outcome: 'ok', latencyMs: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, estimated: true };
      attempts.push(attempt);
      try {
        const { json, status } = await this.once(path, init, request.signal, request.deadline);
        attempt.status = status;
        const value = read(json, attempt);
        attempt.latencyMs = this.now() - startedAt;
        return { value, raw: json };
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        attempt.latencyMs = this.now() - startedAt;
        this.account(attempt, error, promptEstimate);
        error.attempts = attempts;
        const wait = error.retryAfterMs ?? backoffMs(n, this.random());
        const deadlineLeft = request.deadline === undefined ? Infinity : request.deadline - this.now();
        if (n >= maxAttempts || !worthRetrying(error, attempt.latencyMs) || wait >= deadlineLeft) throw error;
        await this.sleep(wait, request.signal);
      }
    }
  }

  /** A failed attempt's outcome, estimated tokens and log line. */
  private account(attempt: LlmAttempt, error: LlmError, promptEstimate: number): void {
    const cfg = this.config();
    attempt.status = error.status ?? attempt.status;
    attempt.outcome = error.kind === 'http' ? 'http-error' : error.kind === 'not-configured' ? 'unreachable' : error.kind;
    attempt.error = error.message;
    // The server read the prompt unless it was never reached; how much it generated before a
    // timeout or a cancel is unknown and not charged.
    const reached = error.kind !== 'unreachable' && error.kind !== 'not-configured';
    attempt.usage = reached ? { promptTokens: promptEstimate, completionTokens: 0, totalTokens: promptEstimate } : attempt.usage;
    attempt.estimated = true;
    this.log({
      level: error.kind === 'aborted' ? 'info' : 'warn',
      msg: `${error.kind === 'aborted' ? 'LLM call cancelled' : 'LLM call failed'} (${error.shortReason}; ${safeEndpoint(cfg.baseUrl)}, ${attempt.latencyMs} ms)`,
      endpoint: safeEndpoint(cfg.baseUrl),
      model: cfg.model,
      status: error.status ?? null,
      durationMs: attempt.latencyMs,
      reason: error.shortReason,
    });
  }

  private async once(path: string, init: RequestInit, signal: AbortSignal | undefined, deadline: number | undefined): Promise<{ json: unknown; status: number }> {
    const cfg = this.config();
    const url = endpoint(cfg.baseUrl, path);
    if (signal?.aborted) throw new LlmError('aborted', 'The LLM call was cancelled.');
    const budget = deadline === undefined ? cfg.timeoutMs : Math.min(cfg.timeoutMs, deadline - this.now());
    if (budget <= 0) throw new LlmError('timeout', `The run used up its time for LLM calls before asking ${safeEndpoint(url)} again.`);
    const timer = this.timer(budget);
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    timer.signal.addEventListener('abort', onAbort, { once: true });
    signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
    const maxChars = cfg.maxAnswerChars ?? DEFAULT_ANSWER_CHARS;
    let answering = false;
    const transportError = (error: unknown): LlmError => {
      if (signal?.aborted) return new LlmError('aborted', 'The LLM call was cancelled.');
      if (timer.signal.aborted) return new LlmError('timeout', `The LLM at ${safeEndpoint(url)} did not answer within ${Math.max(1, Math.round(budget / 1000))} s.`);
      const e = error as { message?: string; code?: string; cause?: { code?: string; message?: string } };
      // Some causes quote the URL, credentials included: never pass those on.
      const cause = String(e?.code ?? e?.cause?.code ?? e?.cause?.message ?? e?.message ?? error).replace(/\/\/[^/@\s]*@/g, '//');
      // Reached, then dropped mid-answer: not "unreachable", and not worth repeating the whole answer.
      if (answering) return new LlmError('bad-response', `The LLM at ${safeEndpoint(url)} closed the connection in the middle of its answer (${cause}).`);
      return new LlmError('unreachable', `Could not reach the LLM at ${safeEndpoint(url)} (${cause}). Is the server running and the base URL right?`);
    };
    try {
      let response: Response;
      let text = '';
      let streamed: unknown;
      try {
        response = await this.fetchImpl(url, { ...init, headers, signal: controller.signal });
        answering = true;
        // a server may answer a stream request with plain JSON (or an error): both are read whole
        if (response.ok && response.body && (response.headers.get('content-type') ?? '').includes('text/event-stream')) {
          streamed = await readEventStream(response.body, safeEndpoint(url), maxChars);
        } else {
          const read = await readBounded(response.body, rawByteLimit(maxChars));
          // an error body is only quoted (its first few hundred characters): what came is enough
          if (!read.complete && response.ok) throw answerTooLong(maxChars, safeEndpoint(url));
          text = read.text;
        }
      } catch (error) {
        if (error instanceof LlmError) throw error;
        throw transportError(error);
      }
      if (streamed !== undefined) return { json: streamed, status: response.status };
      if (!response.ok) {
        const detail = errorDetail(text);
        throw new LlmError('http', describeHttpError(response.status, detail, safeEndpoint(url)), {
          status: response.status,
          retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), this.now()),
          detail,
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new LlmError('bad-response', `The LLM at ${safeEndpoint(url)} answered something that is not JSON: ${text.slice(0, 200)}`, { status: response.status });
      }
      const misshapen = answerMisshapen(json, safeEndpoint(url));
      if (misshapen) throw misshapen;
      return { json, status: response.status };
    } finally {
      // Whatever happened, this attempt is over: an answer not read to its end (too long, refused
      // mid-stream) closes its connection, so the server stops generating.
      controller.abort();
      timer.clear();
      timer.signal.removeEventListener('abort', onAbort);
      signal?.removeEventListener('abort', onAbort);
    }
  }
}
