/**
 * The object the preload exposes as `window.companion`, built over a minimal ipcRenderer-like
 * interface so that it is tested in plain Node (the preload itself only wires it to Electron).
 *
 *   call(method, input): Promise<output>
 *     resolves with the method's output; rejects with a plain object {name:'ApiError', code,
 *     message, issues?} (custom properties of Error objects do not survive contextBridge).
 *     Only methods declared in src-shared/api.ts are sent; others reject without any IPC.
 *   on(event, cb): () => void
 *     cb(payload) for events declared in api.ts; returns the unsubscribe function.
 */
import { isMethodName } from '../src-shared/api';
import { channelFor, EVENT_CHANNEL, isEventName, unwrapEnvelope } from './host/ipc-core';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export interface CompanionBridge {
  call(method: string, input?: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
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
      if (typeof method !== 'string' || !isMethodName(method)) {
        throw { name: 'ApiError', code: 'NOT_FOUND', message: `Unknown api method ${JSON.stringify(String(method)).slice(0, 200)}` };
      }
      const result = unwrapEnvelope(await ipc.invoke(channelFor(method), input ?? {}));
      if (result.ok) return result.value;
      throw result.error;
    },
    on(event: unknown, cb: unknown): () => void {
      if (typeof event !== 'string' || !isEventName(event)) throw new Error(`Unknown event ${JSON.stringify(String(event))}`);
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
