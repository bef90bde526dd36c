/**
 * OpenAI-compatible chat client (OpenAI, OpenRouter, Ollama, LM Studio, llama.cpp server, vLLM).
 * Every attempt has a timeout and the call can be cancelled; network errors, 408, 429 and 5xx are
 * retried with full-jitter exponential back-off honouring Retry-After, at most MAX_ATTEMPTS attempts.
 * Errors are LlmError with a message a person can act on. Quirks tolerated: `content: null` or an
 * array of parts, arguments as an object or a (double-encoded) JSON string, missing usage.
 */
import type { Usage } from '../../../src-shared/domain/ai';
import { decodeArguments } from '../../../src-shared/planner/parser';

export const MAX_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 60_000;

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
  responseFormat?: unknown;
  signal?: AbortSignal;
}

export interface ToolCall {
  id: string;
  name: string;
  /** parsed arguments (an object), or the raw string when it was not valid JSON */
  arguments: unknown;
}

export interface ChatResult {
  content: string;
  toolCalls: ToolCall[];
  usage: Usage | null;
  model: string | null;
  finishReason: string | null;
  latencyMs: number;
  attempts: number;
  raw: unknown;
}

export type LlmErrorKind = 'not-configured' | 'unreachable' | 'timeout' | 'aborted' | 'http' | 'bad-response';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }
  /**
   * Network errors, 408, 429 and 5xx are worth another attempt. A timeout is not: the endpoint
   * accepted the request and is busy or stuck, and retrying would multiply the wait; the mission
   * backs off instead.
   */
  get retryable(): boolean {
    if (this.kind === 'unreachable') return true;
    return this.kind === 'http' && this.status !== undefined && (this.status === 408 || this.status === 429 || this.status >= 500);
  }
}

export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey: string | null;
  timeoutMs: number;
  temperature: number;
  maxTokens: number;
}

export interface LlmClientDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError('aborted', 'The LLM call was cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError('aborted', 'The LLM call was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, RETRY_AFTER_CAP_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
}

export function endpoint(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path}`;
}

function describeHttpError(status: number, body: string, url: string): string {
  let detail = body.slice(0, 300).trim();
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string; detail?: unknown };
    const e = parsed.error;
    detail = (typeof e === 'string' ? e : e?.message) ?? parsed.message ?? (parsed.detail ? JSON.stringify(parsed.detail) : detail);
  } catch {
    // not JSON: keep the raw text
  }
  const hint =
    status === 401 || status === 403
      ? ' Check the API key in Settings.'
      : status === 404
        ? ' Check the base URL (it usually ends in /v1) and the model name.'
        : status === 429
          ? ' The endpoint is rate-limiting; the runner will back off.'
          : '';
  return `The LLM at ${url} answered ${status}${detail ? `: ${detail}` : ''}.${hint}`;
}

function toUsage(raw: unknown): Usage | null {
  if (!raw || typeof raw !== 'object') return null;
  const u = raw as Record<string, unknown>;
  const prompt = Number(u.prompt_tokens ?? 0) || 0;
  const completion = Number(u.completion_tokens ?? 0) || 0;
  const total = Number(u.total_tokens ?? prompt + completion) || prompt + completion;
  return { promptTokens: prompt, completionTokens: completion, totalTokens: total };
}

/** Message content as a string: OpenAI's `null` (tool calls only) is '', an array of parts is joined. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (typeof part === 'string' ? part : typeof (part as { text?: unknown })?.text === 'string' ? (part as { text: string }).text : '')).join('');
  }
  return '';
}

export class LlmClient {
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly config: () => LlmConfig,
    deps: LlmClientDeps = {},
  ) {
    this.fetchImpl = deps.fetch ?? globalThis.fetch.bind(globalThis);
    this.sleep = deps.sleep ?? abortableSleep;
    this.random = deps.random ?? Math.random;
  }

  currentConfig(): LlmConfig {
    return this.config();
  }

  async chat(request: ChatRequest): Promise<ChatResult> {
    const cfg = this.config();
    if (!cfg.baseUrl || !cfg.model) {
      throw new LlmError('not-configured', 'No LLM is configured: set the base URL and model in Settings.');
    }
    const body: Record<string, unknown> = {
      model: cfg.model,
      messages: request.messages,
      temperature: cfg.temperature,
      max_tokens: cfg.maxTokens,
      stream: false,
    };
    if (request.tools?.length) {
      body.tools = request.tools;
      body.tool_choice = 'auto';
    }
    if (request.responseFormat) body.response_format = request.responseFormat;
    const started = Date.now();
    const { json, attempts } = await this.requestJson('chat/completions', { method: 'POST', body: JSON.stringify(body) }, request.signal);
    return { ...this.parseCompletion(json), latencyMs: Date.now() - started, attempts, raw: json };
  }

  async models(signal?: AbortSignal): Promise<string[]> {
    const { json } = await this.requestJson('models', { method: 'GET' }, signal, 1);
    const obj = json as { data?: unknown; models?: unknown };
    const list = Array.isArray(obj.data) ? obj.data : Array.isArray(obj.models) ? obj.models : null;
    if (!list) throw new LlmError('bad-response', 'The /models answer has no "data" list; is this an OpenAI-compatible endpoint?');
    return list
      .map((m) => (typeof m === 'string' ? m : ((m as { id?: string; name?: string; model?: string }).id ?? (m as { name?: string }).name ?? (m as { model?: string }).model)))
      .filter((id): id is string => typeof id === 'string' && id.length > 0);
  }

  private parseCompletion(json: unknown): Omit<ChatResult, 'latencyMs' | 'attempts' | 'raw'> {
    const obj = json as { choices?: unknown; usage?: unknown; model?: unknown };
    const choice = Array.isArray(obj.choices) ? (obj.choices[0] as Record<string, unknown> | undefined) : undefined;
    const message = choice?.message as { content?: unknown; tool_calls?: unknown } | undefined;
    if (!message) throw new LlmError('bad-response', 'The LLM answer has no choices[0].message; is this an OpenAI-compatible chat endpoint?');
    const rawCalls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
    const toolCalls: ToolCall[] = rawCalls.flatMap((c, i) => {
      const call = c as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
      const name = call.function?.name;
      if (typeof name !== 'string' || !name) return [];
      return [{ id: typeof call.id === 'string' && call.id ? call.id : `call_${i}`, name, arguments: decodeArguments(call.function?.arguments) }];
    });
    return {
      content: contentText(message.content),
      toolCalls,
      usage: toUsage(obj.usage),
      model: typeof obj.model === 'string' ? obj.model : null,
      finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
    };
  }

  private async requestJson(path: string, init: RequestInit, signal?: AbortSignal, maxAttempts = MAX_ATTEMPTS): Promise<{ json: unknown; attempts: number }> {
    let lastError: LlmError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return { json: await this.once(path, init, signal), attempts: attempt };
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        lastError = error;
        if (!error.retryable || attempt === maxAttempts) break;
        const backoff = this.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        await this.sleep(error.retryAfterMs ?? backoff, signal);
      }
    }
    throw lastError!;
  }

  private async once(path: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> {
    const cfg = this.config();
    const url = endpoint(cfg.baseUrl, path);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), cfg.timeoutMs);
    const onAbort = () => timeout.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
    try {
      let response: Response;
      try {
        response = await this.fetchImpl(url, { ...init, headers, signal: timeout.signal });
      } catch (error) {
        throw this.transportError(error, url, cfg.timeoutMs, signal);
      }
      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        throw this.transportError(error, url, cfg.timeoutMs, signal);
      }
      if (!response.ok) {
        throw new LlmError('http', describeHttpError(response.status, text, url), response.status, parseRetryAfter(response.headers.get('retry-after')));
      }
      try {
        return JSON.parse(text);
      } catch {
        throw new LlmError('bad-response', `The LLM at ${url} answered something that is not JSON: ${text.slice(0, 200)}`);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private transportError(error: unknown, url: string, timeoutMs: number, signal?: AbortSignal): LlmError {
    if (signal?.aborted) return new LlmError('aborted', 'The LLM call was cancelled.');
    const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (e?.name === 'AbortError' || e?.name === 'TimeoutError') {
      return new LlmError('timeout', `The LLM at ${url} did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    }
    const cause = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
    return new LlmError('unreachable', `Could not reach the LLM at ${url} (${cause}). Is the server running and the base URL right?`);
  }
}
