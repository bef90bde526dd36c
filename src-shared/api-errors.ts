/**
 * The one error codec of the api: how a failure crosses the boundary on every transport. The HTTP
 * host sends `encodeError(e)` as the body (with HTTP_STATUS[code]); IPC sends it inside its result
 * envelope; the preload and the renderer client turn whatever arrives back into an ApiError with
 * `decodeError`. So a failure has the same code and message over IPC and over HTTP.
 *
 * No zod here: the sandboxed preload bundles this file (src-shared/api.ts holds the zod schema of
 * the body, for tests that check answers against the contract).
 */

export const ERROR_CODES = [
  'BAD_INPUT',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorIssue {
  path: (string | number)[];
  message: string;
}

/** What every transport carries for a failure: `{error: {code, message, issues?}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: ErrorIssue[] };
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** An error that crosses the api boundary with a code and a message meant for the user. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) } };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The answer for a method name the api does not declare (the same words on every transport). */
export function unknownMethodError(name: unknown): ApiError {
  return new ApiError('NOT_FOUND', `Unknown api method ${JSON.stringify(String(name).slice(0, 200))}.`);
}

/** An ApiError, or an object shaped like one (from another copy of the class, or after a structured clone). */
export function isApiErrorLike(value: unknown): value is { code: ErrorCode; message: string; issues?: unknown } {
  if (value instanceof ApiError) return true;
  if (!value || typeof value !== 'object') return false;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return isErrorCode(code) && typeof message === 'string';
}

function issuesOf(value: unknown): ErrorIssue[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter((i): i is { path?: unknown; message?: unknown } => !!i && typeof i === 'object')
    .map((i) => ({
      path: Array.isArray(i.path) ? i.path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : [],
      message: String(i.message ?? ''),
    }));
}

/**
 * Anything thrown -> the body every transport sends. An ApiError (or its likeness) keeps its code,
 * message and issues; anything else is INTERNAL with the first line of its message (never the
 * stack, which names files of this machine): the caller logs the original, under `requestId` when
 * given, which the message then names so that the user can point at the log entry.
 */
export function encodeError(error: unknown, method?: string, requestId?: string): ErrorBody {
  if (isApiErrorLike(error)) {
    const issues = issuesOf(error.issues);
    return { error: { code: error.code, message: error.message, ...(issues ? { issues } : {}) } };
  }
  let raw = '';
  try {
    raw = error instanceof Error ? String(error.message) : typeof error === 'string' ? error : '';
  } catch {
    // a message getter that throws says nothing
  }
  const firstLine = raw.split('\n')[0]!.slice(0, 500).trim();
  const where = method ? ` in ${method.slice(0, 200)}` : '';
  const logged = requestId ? ` (logged as request ${requestId} in companion.log)` : '';
  return { error: { code: 'INTERNAL', message: `${firstLine ? `Unexpected error${where}: ${firstLine}` : `Unexpected error${where}.`}${logged}` } };
}

// ipcRenderer.invoke wraps errors thrown in main as "Error invoking remote method 'x': Error: msg".
const ELECTRON_INVOKE_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;

/**
 * Whatever a transport received for a failure -> an ApiError: a body `{error: {...}}`, an IPC
 * envelope `{ok: false, error: {...}}`, the plain `{code, message, issues?}` object the preload
 * rejects with, an ApiError, or an Error. Anything unrecognisable becomes `fallback` (default: an
 * INTERNAL error saying the answer was malformed).
 */
export function decodeError(value: unknown, fallback?: ApiError): ApiError {
  if (value instanceof ApiError) return value;
  const inner = value && typeof value === 'object' && 'error' in value ? (value as { error: unknown }).error : value;
  if (isApiErrorLike(inner)) return new ApiError(inner.code, inner.message, issuesOf(inner.issues));
  if (value instanceof Error) return new ApiError('INTERNAL', value.message.replace(ELECTRON_INVOKE_PREFIX, ''));
  if (inner && typeof inner === 'object' && ('code' in inner || 'message' in inner)) {
    // an error object of another vocabulary (an unknown code): keep its words
    const { message } = inner as { message?: unknown };
    return new ApiError('INTERNAL', typeof message === 'string' ? message : 'Unknown error.', issuesOf((inner as { issues?: unknown }).issues));
  }
  return fallback ?? new ApiError('INTERNAL', 'Malformed answer from the Mission Companion engine.');
}
