/**
 * The object the preload exposes as `window.companion` (CompanionBridge, src-shared/bridge.ts),
 * built over a minimal ipcRenderer-like interface so that it is tested in plain Node (the preload
 * itself only wires it to Electron). Only names declared in src-shared/api.ts get through; others
 * are refused without any IPC. It imports names and the error codec only (no zod, no schemas):
 * the sandboxed preload bundles all of it.
 */
import { unknownMethodError, type ApiError } from '../src-shared/api-errors';
import { isEventName, isMethodName } from '../src-shared/api-names';
import type { CompanionBridge } from '../src-shared/bridge';
import { channelFor, EVENT_CHANNEL, unwrapEnvelope } from './host/ipc-protocol';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** What the page's promise rejects with: contextBridge copies plain objects, not an Error's own properties. */
function plain(error: ApiError): { name: 'ApiError'; code: string; message: string; issues?: ApiError['issues'] } {
  return { name: 'ApiError', code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) };
}

export function createCompanionBridge(ipc: IpcRendererLike): CompanionBridge {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  let subscribed = false;

  function ensureSubscribed(): void {
    if (subscribed) return;
    subscribed = true;
    // The Electron event object (which exposes ipcRenderer) is never handed to the page.
    ipc.on(EVENT_CHANNEL, (_event, message) => {
      if (!message || typeof message !== 'object') return;
      const { name, payload } = message as { name?: unknown; payload?: unknown };
      if (typeof name !== 'string') return;
      for (const cb of listeners.get(name) ?? []) {
        try {
          cb(payload);
        } catch (e) {
          console.error(`companion: a listener of "${name}" threw`, e);
        }
      }
    });
  }

  return {
    async call(method: unknown, input?: unknown): Promise<unknown> {
      if (!isMethodName(method)) throw plain(unknownMethodError(method));
      const result = unwrapEnvelope(await ipc.invoke(channelFor(method), input ?? {}));
      if (result.ok) return result.value;
      throw plain(result.error);
    },
    on(event: unknown, cb: unknown): () => void {
      if (!isEventName(event)) throw new Error(`Unknown event ${JSON.stringify(String(event))}`);
      if (typeof cb !== 'function') throw new Error('companion.on needs a callback');
      ensureSubscribed();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const listener = cb as Listener;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  } as CompanionBridge;
}
