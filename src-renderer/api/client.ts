/**
 * The one typed client of src-shared/api.ts. In Electron it talks to the preload bridge; in a
 * browser served by the headless host it uses `POST /api/<method>` and an EventSource, both carried
 * by the host's session cookie (./auth) — never a token in a URL — and marked with the CSRF header.
 * Callers see the same type either way, and every failure is an `ApiError` whose message is meant
 * for the user. A tab the host refused stops calling until it is signed in again.
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
import { CSRF_HEADER, CSRF_HEADER_VALUE, EVENTS_PATH } from '../../src-shared/http-host';
import { isUnauthorized, markUnauthorized, onSignedInAgain } from './auth';
import { electronBridge, type CompanionBridge } from './bridge';

export { ApiError };

interface Transport {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  /** Called when the event stream comes back after a drop: events may have been missed. */
  onReconnect(cb: () => void): () => void;
  /** Called when the event stream drops: the host may be gone, which a poll would learn only later. */
  onDrop(cb: () => void): () => void;
}

type InputArgs<M extends MethodName> = undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>];

export interface ApiClient {
  call<M extends MethodName>(method: M, ...args: InputArgs<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void;
  onReconnect(cb: () => void): () => void;
  onDrop(cb: () => void): () => void;
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
    onDrop: () => () => {},
  };
}

const RECONNECT_MS = 5_000;

/**
 * One call of the headless host's api: `POST /api/<method>` with the session cookie and the CSRF
 * header; every failure is an ApiError, and a refused session also calls `onUnauthorized`. Used by
 * the page's client and by the hydration worker (a same-origin worker's fetch carries the cookie).
 */
export async function postApi(method: string, input: unknown, onUnauthorized: () => void = () => {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`/api/${method}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', [CSRF_HEADER]: CSRF_HEADER_VALUE },
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
  const dropHandlers = new Set<() => void>();
  let source: EventSource | null = null;
  let openedBefore = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  function connect(): void {
    const es = new EventSource(EVENTS_PATH);
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
      for (const cb of dropHandlers) cb();
      // The browser retries dropped connections by itself, but gives up for good after an HTTP
      // error response (e.g. the host restarting); then we reopen it ourselves.
      if (es.readyState !== EventSource.CLOSED || retryTimer) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        // A refused tab waits until it is signed in again (./auth), then reconnects from there.
        if (source === es && !isUnauthorized()) connect();
      }, RECONNECT_MS);
    });
  }

  onSignedInAgain(() => {
    if (source?.readyState === EventSource.CLOSED) connect();
    // calls were held back and events may have been missed meanwhile, as after any reconnect
    for (const cb of reconnectHandlers) cb();
  });

  return {
    async call(method, input) {
      // no 401s in a loop: a refused tab calls again once it is signed in
      if (isUnauthorized()) throw new ApiError('UNAUTHORIZED', 'This tab is not signed in to the Mission Companion host.');
      return postApi(method, input, markUnauthorized);
    },
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
    onDrop(cb) {
      dropHandlers.add(cb);
      return () => dropHandlers.delete(cb);
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
    onDrop: (cb) => transport.onDrop(cb),
  };
}

let client: ApiClient | null = null;

/** The app's client, created on first use (after the token has been captured). */
export function api(): ApiClient {
  client ??= createClient();
  return client;
}
