/**
 * Hydrating a new replica from the page: starts hydration.ts in a Web Worker (hydrate.worker.ts)
 * so the page stays responsive while a year of records is decoded and written, relays its api
 * calls when the page alone can make them (Electron's bridge), and falls back to running it in the
 * page, in small pages, where a worker cannot start. Marks its milestones for the benches
 * (`performance.getEntriesByName('replica:inbox-ready')` and 'replica:hydrated') and tells the UI
 * how far it is (useHydration in hooks.ts): the inbox waits for 'inbox-ready' before it says that
 * nothing is pending.
 */
import { decodeError, encodeError } from '../../src-shared/api-errors';
import type { HybridClock } from '../../src-shared/hlc';
import { api } from '../api/client';
import type { FromWorker, ToWorker, WorkerApi } from './hydrate.protocol';
import { hydrateReplica, type ApiCall } from './hydration';

export interface HydrationState {
  /** none: not hydrating; inbox: fetching what the inbox shows; rest: the inbox is in, the rest is coming */
  phase: 'none' | 'inbox' | 'rest';
  records: number;
}

let state: HydrationState = { phase: 'none', records: 0 };
const listeners = new Set<() => void>();

function setState(next: HydrationState): void {
  state = next;
  for (const l of listeners) l();
}

export function getHydrationState(): HydrationState {
  return state;
}

export function subscribeHydration(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Where the worker runs out of the page's way; the page itself stays usable. */
export const MARKS = { start: 'replica:hydration-start', inboxReady: 'replica:inbox-ready', hydrated: 'replica:hydrated' } as const;

/** Records per snapshot page when the page relays them (each is cloned twice on the page's thread). */
const RELAY_PAGE = 1000;
/** Records per snapshot page when hydrating in the page: each page's work is one task of the main thread. */
const IN_PAGE_PAGE = 500;

interface Events {
  inboxReady(): void;
  progress(records: number): void;
}

/** The worker could not be started (a CSP or a browser without module workers): hydrate in the page. */
class WorkerUnavailable extends Error {}

function inWorker(clock: HybridClock, events: Events): Promise<number> {
  const transport: WorkerApi = api().transport === 'http' ? { kind: 'http' } : { kind: 'relay' };
  const worker = new Worker(new URL('./hydrate.worker.ts', import.meta.url), { type: 'module', name: 'hydration' });
  const send = (message: ToWorker) => worker.postMessage(message);
  let heard = false;
  return new Promise<number>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      heard = true;
      const m = event.data;
      switch (m.type) {
        case 'call':
          (api().call as (m: string, i: unknown) => Promise<unknown>)(m.method, m.input).then(
            (result) => send({ type: 'answer', id: m.id, result }),
            (error: unknown) => send({ type: 'answer', id: m.id, error: encodeError(error, m.method).error }),
          );
          return;
        case 'inbox-ready':
          return events.inboxReady();
        case 'progress':
          return events.progress(m.records);
        case 'done':
          clock.observe(m.clockAt);
          return resolve(m.records);
        case 'failed':
          return reject(decodeError({ error: m.error }));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      reject(heard ? new Error(`Hydration stopped: ${event.message}`) : new WorkerUnavailable(event.message));
    };
    send({ type: 'start', api: transport, nodeId: clock.nodeId, ...(transport.kind === 'relay' ? { pageSize: RELAY_PAGE } : {}) });
  }).finally(() => worker.terminate());
}

function inPage(clock: HybridClock, events: Events): Promise<number> {
  const call = ((method: string, input: unknown) => (api().call as (m: string, i: unknown) => Promise<unknown>)(method, input)) as ApiCall;
  return hydrateReplica(call, clock, { pageSize: IN_PAGE_PAGE, ...events });
}

/** Held by the tab that hydrates (Web Locks are per origin, as the replica's IndexedDB is). */
const HYDRATION_LOCK = 'mission-companion:hydration';

/**
 * Hydrates the replica if `needed` still says so once no other tab of this browser is hydrating
 * it; null when another tab did it meanwhile. The tabs of a browser share the replica: two
 * hydrations at once clear each other's chunks and write every record twice (two tabs opened
 * together on a new replica took 19 s instead of 1 s and left every record in the overlay), and one
 * closed half-way could leave the other's cursor past chunks it cleared. While it waits, the
 * Inbox says it is still fetching rather than that nothing is pending. Web Locks exist only in
 * secure contexts (https, localhost, the desktop app); over plain http (a home server on the LAN)
 * each tab hydrates on its own, and one whose chunks another tab's start cleared stops without
 * setting the cursor (apply.ts HydrationOvertaken), so that no replica is left short.
 */
export async function hydrateOnce(clock: HybridClock, needed: () => Promise<boolean>): Promise<number | null> {
  const run = async () => ((await needed()) ? hydrate(clock) : null);
  if (!('locks' in navigator)) return run();
  setState({ phase: 'inbox', records: 0 });
  try {
    return await navigator.locks.request(HYDRATION_LOCK, run);
  } finally {
    setState({ phase: 'none', records: 0 });
  }
}

/**
 * Hydrates the replica (a worker if possible); resolves with the records applied, once the pull
 * cursor is set. Exported for the hydrate bench (bench/hydrate.page.ts), which measures exactly this.
 *
 * Also what a replica that was away too long does (the engine compacted the changes after its
 * cursor): call it again. It drops the chunks of the last hydration and writes new ones; the
 * overlay (local writes, everything pulled since) stays and merges with the snapshot as usual, and
 * the cursor moves forward to the snapshot's seq.
 */
export async function hydrate(clock: HybridClock): Promise<number> {
  performance.mark(MARKS.start);
  setState({ phase: 'inbox', records: 0 });
  const events: Events = {
    inboxReady: () => {
      performance.mark(MARKS.inboxReady);
      setState({ ...state, phase: 'rest' });
    },
    progress: (records) => setState({ ...state, records }),
  };
  try {
    let records: number;
    try {
      records = typeof Worker === 'undefined' ? await inPage(clock, events) : await inWorker(clock, events);
    } catch (error) {
      if (!(error instanceof WorkerUnavailable)) throw error;
      console.warn(`Hydrating in the page: the hydration worker did not start (${error.message})`);
      records = await inPage(clock, events);
    }
    performance.mark(MARKS.hydrated, { detail: { records } });
    return records;
  } finally {
    setState({ phase: 'none', records: 0 });
  }
}
