/**
 * The Electron IPC transport's logic, without an `electron` import so that it runs (and is tested)
 * in plain Node. Modelled on VS Code's ValidatedIpcMain: one channel per api method
 * (`companion:<method>`), every call checked for its sender frame (the main frame of our own
 * window, loaded from our own origin), every input parsed with the method's zod schema, and every
 * answer a result envelope: errors thrown across Electron IPC lose their type and properties.
 */
import {
  ApiError,
  ErrorCode,
  EVENT_NAMES,
  isMethodName,
  METHOD_NAMES,
  parseInput,
  type ApiErrorBody,
  type EventName,
  type MethodName,
} from '../../src-shared/api';

export const CHANNEL_PREFIX = 'companion:';
/** The one channel events travel on, main -> renderer: `{name, payload}`. */
export const EVENT_CHANNEL = 'companion:event';

export type ErrorEnvelope = { ok: false; error: ApiErrorBody['error'] };
export type ResultEnvelope<T = unknown> = { ok: true; value: T } | ErrorEnvelope;

export interface EventMessage {
  name: EventName;
  payload: unknown;
}

export function channelFor(method: MethodName): string {
  return CHANNEL_PREFIX + method;
}

/** Every channel a handler is registered for: generated from api.ts's method table. */
export function apiChannels(): { method: MethodName; channel: string }[] {
  return METHOD_NAMES.map((method) => ({ method, channel: channelFor(method) }));
}

export function methodFromChannel(channel: string): MethodName | null {
  if (typeof channel !== 'string' || !channel.startsWith(CHANNEL_PREFIX)) return null;
  const name = channel.slice(CHANNEL_PREFIX.length);
  return isMethodName(name) ? name : null;
}

/**
 * The origin used to compare a frame URL with the allowed origins. `file:` URLs have the opaque
 * origin "null" in WHATWG terms; they are keyed as "file://" here. Unparseable URLs give null.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === 'file:') return 'file://';
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.origin;
}

/**
 * Whether an IPC message comes from a frame we trust: the main frame (never a subframe), whose
 * URL's origin is one of allowedOrigins. An allowed entry is an origin (`http://localhost:5173`,
 * or `file://` for any local file), or a `file:///…/` URL prefix that the frame URL (normalized,
 * without query or hash) must start with, e.g. the packaged renderer's folder.
 */
export function isTrustedSender(frameUrl: string | null | undefined, isMainFrame: boolean, allowedOrigins: readonly string[]): boolean {
  if (!isMainFrame) return false;
  if (typeof frameUrl !== 'string' || frameUrl.length === 0) return false;
  const origin = originOf(frameUrl);
  if (origin === null) return false;
  for (const allowed of allowedOrigins) {
    if (allowed.startsWith('file:///')) {
      if (origin !== 'file://') continue;
      const u = new URL(frameUrl);
      const normalized = `file://${u.pathname}`;
      const prefix = new URL(allowed);
      const prefixPath = `file://${prefix.pathname}`;
      if (normalized === prefixPath || normalized.startsWith(prefixPath.endsWith('/') ? prefixPath : prefixPath + '/')) return true;
      continue;
    }
    if (allowed === 'file://' || allowed === 'file:') {
      if (origin === 'file://') return true;
      continue;
    }
    const allowedOrigin = originOf(allowed);
    if (allowedOrigin !== null && allowedOrigin === origin) return true;
  }
  return false;
}

/**
 * The origins the renderer may be served from: the dev server's (ELECTRON_RENDERER_URL) in dev,
 * else the packaged renderer folder (a file:// prefix) when given, else any file:// URL.
 */
export function allowedRendererOrigins(options: { devServerUrl?: string | null; rendererDirUrl?: string | null }): string[] {
  if (options.devServerUrl) {
    const origin = originOf(options.devServerUrl);
    if (origin && origin !== 'file://') return [origin];
  }
  if (options.rendererDirUrl) return [options.rendererDirUrl.endsWith('/') ? options.rendererDirUrl : options.rendererDirUrl + '/'];
  return ['file://'];
}

function isApiErrorLike(e: unknown): e is { code: ErrorCode; message: string; issues?: ApiError['issues'] } {
  if (e instanceof ApiError) return true;
  if (!e || typeof e !== 'object') return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  return ErrorCode.safeParse(code).success && typeof message === 'string';
}

/** Turns anything thrown into an error envelope. Unexpected errors never carry their stack. */
export function toErrorEnvelope(e: unknown, method?: string): ErrorEnvelope {
  if (isApiErrorLike(e)) {
    const issues = Array.isArray(e.issues) ? e.issues.map((i) => ({ path: [...i.path], message: String(i.message) })) : undefined;
    return { ok: false, error: { code: e.code, message: e.message, ...(issues ? { issues } : {}) } };
  }
  const raw = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  const firstLine = raw.split('\n')[0]!.slice(0, 500).trim();
  const where = method ? ` in ${method}` : '';
  return {
    ok: false,
    error: { code: 'INTERNAL', message: firstLine ? `Unexpected error${where}: ${firstLine}` : `Unexpected error${where}.` },
  };
}

export interface SenderInfo {
  /** the sending frame's URL (event.senderFrame.url), or null when the frame is gone */
  frameUrl: string | null;
  isMainFrame: boolean;
  /** whether the sending webContents belongs to one of our windows */
  isOurWindow: boolean;
}

export type Dispatch = (method: MethodName, input: unknown) => unknown | Promise<unknown>;

export interface IpcCoreOptions {
  dispatch: Dispatch;
  allowedOrigins: readonly string[];
  /** where refused calls and unexpected errors are reported (default console.warn) */
  log?: (message: string, error?: unknown) => void;
}

/**
 * One IPC call, from the channel name to the envelope: refuses unknown channels and untrusted
 * senders, parses the input with the method's schema, dispatches, and wraps the outcome.
 * It never throws.
 */
export async function handleIpcCall(channel: string, sender: SenderInfo, rawInput: unknown, options: IpcCoreOptions): Promise<ResultEnvelope> {
  const log = options.log ?? ((m: string, e?: unknown) => console.warn(m, e ?? ''));
  const method = methodFromChannel(channel);
  if (!method) {
    log(`[ipc] refused call on unknown channel ${JSON.stringify(String(channel)).slice(0, 200)}`);
    return { ok: false, error: { code: 'NOT_FOUND', message: `Unknown api method ${JSON.stringify(String(channel).slice(CHANNEL_PREFIX.length, 200))}` } };
  }
  if (!sender.isOurWindow || !isTrustedSender(sender.frameUrl, sender.isMainFrame, options.allowedOrigins)) {
    log(
      `[ipc] refused ${method} from an untrusted sender (frame ${String(sender.frameUrl).slice(0, 200)}, main frame: ${sender.isMainFrame}, our window: ${sender.isOurWindow})`,
    );
    return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This caller may not use the Mission Companion api.' } };
  }
  let input: unknown;
  try {
    input = parseInput(method, rawInput);
  } catch (e) {
    return toErrorEnvelope(e, method);
  }
  try {
    const value = await options.dispatch(method, input);
    return { ok: true, value };
  } catch (e) {
    if (!isApiErrorLike(e)) log(`[ipc] ${method} failed unexpectedly`, e);
    return toErrorEnvelope(e, method);
  }
}

export function isEventName(name: string): name is EventName {
  return (EVENT_NAMES as readonly string[]).includes(name);
}

/** The message sent on EVENT_CHANNEL; throws on an event name api.ts does not declare. */
export function eventMessage(name: string, payload: unknown): EventMessage {
  if (!isEventName(name)) throw new Error(`Unknown event ${JSON.stringify(name)}`);
  return { name, payload };
}

/** The renderer-side half: turns an envelope back into a value or a plain error object. */
export function unwrapEnvelope(envelope: unknown): { ok: true; value: unknown } | { ok: false; error: { name: 'ApiError'; code: ErrorCode; message: string; issues?: ApiError['issues'] } } {
  if (envelope && typeof envelope === 'object' && (envelope as { ok?: unknown }).ok === true) {
    return { ok: true, value: (envelope as { value?: unknown }).value };
  }
  const err = envelope && typeof envelope === 'object' ? (envelope as { error?: unknown }).error : undefined;
  if (err && typeof err === 'object') {
    const { code, message, issues } = err as { code?: unknown; message?: unknown; issues?: unknown };
    const parsedCode = ErrorCode.safeParse(code);
    return {
      ok: false,
      error: {
        name: 'ApiError',
        code: parsedCode.success ? parsedCode.data : 'INTERNAL',
        message: typeof message === 'string' ? message : 'Unknown error',
        ...(Array.isArray(issues) ? { issues: issues as ApiError['issues'] } : {}),
      },
    };
  }
  return { ok: false, error: { name: 'ApiError', code: 'INTERNAL', message: 'Malformed answer from the main process.' } };
}
