/**
 * The Electron IPC transport's logic, without an `electron` import so that it runs (and is tested)
 * in plain Node. Modelled on VS Code's ValidatedIpcMain: one channel per api method
 * (`companion:<method>`), every call checked for its sender frame (the main frame of our own
 * window, loaded from our own origin), and every answer a result envelope (./ipc-protocol).
 * Inputs are parsed once, by the dispatch (the engine's `call`, or Electron main for `shell.*`).
 */
import { randomBytes } from 'node:crypto';
import { ApiError, isApiErrorLike, unknownMethodError } from '../../src-shared/api-errors';
import { isEventName, isMethodName, METHOD_NAMES, type MethodName } from '../../src-shared/api-names';
import { CHANNEL_PREFIX, channelFor, errorEnvelope, type EventMessage, type ResultEnvelope } from './ipc-protocol';

export { CHANNEL_PREFIX, channelFor, EVENT_CHANNEL, errorEnvelope, unwrapEnvelope, type ErrorEnvelope, type EventMessage, type ResultEnvelope } from './ipc-protocol';
export { isEventName };

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

export interface SenderInfo {
  /** the sending frame's URL (event.senderFrame.url), or null when the frame is gone */
  frameUrl: string | null;
  isMainFrame: boolean;
  /** whether the sending webContents belongs to one of our windows */
  isOurWindow: boolean;
}

/** Answers one call: parses the raw input (once, e.g. the engine's `call`) and returns the output or throws. */
export type Dispatch = (method: MethodName, rawInput: unknown) => unknown | Promise<unknown>;

export interface IpcCoreOptions {
  dispatch: Dispatch;
  allowedOrigins: readonly string[];
  /** where refused calls and unexpected errors are reported (default console.warn) */
  log?: (message: string, error?: unknown) => void;
}

/** A short id that names one call in the log and in the error the renderer shows. */
export function newCallId(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * One IPC call, from the channel name to the envelope: refuses unknown channels and untrusted
 * senders, dispatches (which parses the input), and wraps the outcome. It never throws: an
 * unexpected error (in the dispatch, or in the checks themselves) is logged with a call id and
 * answered INTERNAL naming that id, and main keeps serving.
 */
export async function handleIpcCall(channel: string, sender: SenderInfo, rawInput: unknown, options: IpcCoreOptions): Promise<ResultEnvelope> {
  const logTo = options.log ?? ((m: string, e?: unknown) => console.warn(m, e ?? ''));
  const log = (message: string, error?: unknown) => {
    try {
      logTo(message, error);
    } catch {
      // a failing logger must not turn an answer into a rejection
    }
  };
  let method: MethodName | null = null;
  try {
    method = methodFromChannel(channel);
    if (!method) {
      log(`[ipc] refused call on unknown channel ${JSON.stringify(String(channel)).slice(0, 200)}`);
      return errorEnvelope(unknownMethodError(String(channel).slice(CHANNEL_PREFIX.length)));
    }
    if (!sender.isOurWindow || !isTrustedSender(sender.frameUrl, sender.isMainFrame, options.allowedOrigins)) {
      log(
        `[ipc] refused ${method} from an untrusted sender (frame ${String(sender.frameUrl).slice(0, 200)}, main frame: ${sender.isMainFrame}, our window: ${sender.isOurWindow})`,
      );
      return errorEnvelope(new ApiError('UNAUTHORIZED', 'This caller may not use the Mission Companion api.'));
    }
    const value = await options.dispatch(method, rawInput);
    return { ok: true, value };
  } catch (e) {
    if (isApiErrorLike(e)) return errorEnvelope(e, method ?? undefined);
    const callId = newCallId();
    log(`[ipc] call ${callId} (${method ?? 'unknown method'}) failed unexpectedly`, e);
    return errorEnvelope(e, method ?? undefined, callId);
  }
}

/** The message sent on EVENT_CHANNEL; throws on an event name api.ts does not declare. */
export function eventMessage(name: string, payload: unknown): EventMessage {
  if (!isEventName(name)) throw new Error(`Unknown event ${JSON.stringify(name)}`);
  return { name, payload };
}
