/**
 * Test helper: a `fetch` for the LLM client that holds each request until the test lets it go,
 * then sends it on to the real server (the scripted LLM on loopback). Tests of concurrency and of
 * in-flight runs say exactly when an answer may arrive, instead of scripting delays and timing them.
 * A held request whose signal aborts (mission paused, runner stopped) fails as fetch would.
 */

export interface HeldRequest {
  url: string;
  /** the parsed JSON body */
  body: any;
  /** sends the request on to the server */
  release(): void;
}

export interface HeldFetch {
  fetch: typeof fetch;
  /** requests waiting to be let go, in arrival order */
  readonly held: readonly HeldRequest[];
  /** how many requests have arrived in all (held, let go or aborted) */
  readonly arrived: number;
  /** resolves once `count` requests have arrived in all */
  arrivals(count: number): Promise<void>;
  /** lets go the held requests that match (all when no filter) */
  release(match?: (request: HeldRequest) => boolean): void;
  /** lets everything go from now on, held requests included */
  open(): void;
}

export function heldFetch(inner: typeof fetch = globalThis.fetch.bind(globalThis)): HeldFetch {
  const held: HeldRequest[] = [];
  let arrived = 0;
  let opened = false;
  let waiters: { count: number; resolve: () => void }[] = [];

  /** counts an arrival and wakes whoever waited for that many */
  const arrive = () => {
    arrived++;
    const ready = waiters.filter((w) => arrived >= w.count);
    waiters = waiters.filter((w) => arrived < w.count);
    for (const w of ready) w.resolve();
  };

  const fetchHeld = (async (input: string | URL | Request, init?: RequestInit) => {
    if (opened) {
      arrive();
      return inner(input, init);
    }
    const letGo = new Promise<void>((resolve, reject) => {
      const url = String(input instanceof Request ? input.url : input);
      const request: HeldRequest = { url, body: init?.body ? JSON.parse(String(init.body)) : undefined, release: resolve };
      const signal = init?.signal;
      const fail = () => {
        const at = held.indexOf(request);
        if (at >= 0) held.splice(at, 1);
        reject(signal?.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' }));
      };
      if (signal?.aborted) return fail();
      held.push(request);
      signal?.addEventListener('abort', fail, { once: true });
    });
    arrive();
    await letGo;
    return inner(input, init);
  }) as typeof fetch;

  const release = (match: (request: HeldRequest) => boolean = () => true) => {
    for (const request of held.filter(match)) {
      held.splice(held.indexOf(request), 1);
      request.release();
    }
  };

  return {
    fetch: fetchHeld,
    held,
    get arrived() {
      return arrived;
    },
    arrivals(count) {
      if (arrived >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    release,
    open() {
      opened = true;
      release();
    },
  };
}
