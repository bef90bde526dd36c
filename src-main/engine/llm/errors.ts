/** LlmError: what went wrong with an LLM call, in words a person can act on, plus what the server said. */
import { redactUrlCredentials } from '../../../src-shared/url-credentials';
import type { LlmAttempt } from './client';

export type LlmErrorKind = 'not-configured' | 'unreachable' | 'timeout' | 'aborted' | 'http' | 'bad-response';

export interface LlmErrorDetails {
  /** the HTTP status when the server answered */
  status?: number;
  /** how long the server asked us to wait (Retry-After) */
  retryAfterMs?: number;
  /** the server's own error message, unchanged (to tell "unsupported" from other failures) */
  detail?: string;
}

export class LlmError extends Error {
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly detail: string;
  /** every attempt of the call that failed (set by the client) */
  attempts: LlmAttempt[] = [];

  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    details: LlmErrorDetails = {},
  ) {
    // A URL in the text (ours, or one the server quoted) never carries a password on.
    super(redactUrlCredentials(message));
    this.name = 'LlmError';
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.detail = redactUrlCredentials(details.detail ?? '');
  }

  /** One short line for the log: the status and the server's words, or the kind. */
  get shortReason(): string {
    const what = this.status ? `HTTP ${this.status}${this.detail ? `: ${this.detail}` : ''}` : `${this.kind}: ${this.message}`;
    return what.replace(/\s+/g, ' ').slice(0, 200);
  }
}

/** The base URL as it may be logged and shown: no user, password, query or fragment. */
export function safeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** The server's message from an error body (OpenAI, llama.cpp, Ollama, FastAPI shapes), else the text. */
export function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string; detail?: unknown };
    const e = parsed.error;
    const detail = (typeof e === 'string' ? e : e?.message) ?? parsed.message ?? (parsed.detail ? JSON.stringify(parsed.detail) : undefined);
    if (detail) return detail.slice(0, 300).trim();
  } catch {
    // not JSON: the raw text
  }
  return body.slice(0, 300).trim();
}

export function describeHttpError(status: number, detail: string, url: string): string {
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
