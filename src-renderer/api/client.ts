/**
 * The one typed client of src-shared/api.ts. In Electron it talks to the preload bridge; in a
 * browser served by the headless host it uses `POST /api/<method>` and an EventSource. Callers see
 * the same type either way, and every failure is an `ApiError` whose message is meant for the user.
 */
import {
  ApiError,
  decodeError,
  EVENT_NAMES,
  events,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '../../src-shared/api';
import { accessToken, isUnauthorized, markUnauthorized } from './auth';
import { electronBridge, type CompanionBridge } from './bridge';

export { ApiError };

interface Transport {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** Called when the event stream comes back after a drop: events may have been missed. */
  onReconnect(cb: () => void): () => void;
}

type InputArgs<M extends MethodName> = undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

export interface ApiClient {
  call<M extends MethodName>(method: M, ...args: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
  onReconnect(cb: () => void): () => void;
  readonly transport: 'electron' | 'http';
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function electronTransport(bridge: CompanionBridge): Transport {
  return {
    async call(method, input) {
      try {
        return await bridge.call(method, input);
      } catch (e) {
        throw decodeError(e);
      }
    },
    on: (event, cb) => bridge.on(event, cb),
    onReconnect: () => () => {},
  };
}

const RECONNECT_MS = 5_000;

/**
 * One call of the headless host's api: `POST /api/<method>` with the token; every failure is an
 * ApiError, and a refused token also calls `onUnauthorized`. Used by the page's client and by the
 * hydration worker.
 */
export async function postApi(method: string, input: unknown, token: string | null, onUnauthorized: () => void = () => {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    throw new ApiError('UNAVAILABLE', `Cannot reach the Mission Companion host: ${errorMessage(e)}`);
  }
  if (response.status === 401) onUnauthorized();
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // a body that is not an api error (a proxy's page, say) still says what happened
    throw decodeError(body, new ApiError(response.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', `The host answered ${response.status} ${response.statusText}`));
  }
  return body;
}

function httpTransport(): Transport {
  const handlers = new Map<string, Set<(payload: unknown) => void>>();
  const reconnectHandlers = new Set<() => void>();
  let source: EventSource | null = null;
  let openedBefore = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function connect(): void {
    const token = accessToken() ?? '';
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    source = es;
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (message) => {
        let payload: unknown;
        try {
          payload = JSON.parse((message as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const h of handlers.get(name) ?? []) h(payload);
      });
    }
    es.addEventListener('open', () => {
      if (openedBefore) for (const cb of reconnectHandlers) cb();
      openedBefore = true;
    });
    es.addEventListener('error', () => {
      // The browser retries dropped connections by itself, but gives up for good after an HTTP
      // error response (e.g. the host restarting); then we reopen it ourselves.
      if (es.readyState !== EventSource.CLOSED || retryTimer) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        // A refused token stays refused: the user has to open a new URL anyway.
        if (source === es && !isUnauthorized()) connect();
      }, RECONNECT_MS);
    });
  }

  return {
    call: (method, input) => postApi(method, input, accessToken(), markUnauthorized),
    on(event, cb) {
      if (!source) connect();
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
    onReconnect(cb) {
      reconnectHandlers.add(cb);
      return () => reconnectHandlers.delete(cb);
    },
  };
}

function createClient(): ApiClient {
  const bridge = electronBridge();
  const transport = bridge ? electronTransport(bridge) : httpTransport();
  return {
    transport: bridge ? 'electron' : 'http',
    call<M extends MethodName>(method: M, ...args: InputArgs<M>): Promise<MethodOutput<M>> {
      return transport.call(method, args[0] ?? {}) as Promise<MethodOutput<M>>;
    },
    on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void {
      return transport.on(event, (raw) => {
        const parsed = events[event].safeParse(raw);
        if (parsed.success) handler(parsed.data as EventPayload<E>);
        else console.warn(`Ignoring malformed "${event}" event`, parsed.error.issues);
      });
    },
    onReconnect: (cb) => transport.onReconnect(cb),
  };
}

let client: ApiClient | null = null;

/** The app's client, created on first use (after the token has been captured). */
export function api(): ApiClient {
  client ??= createClient();
  return client;
}
