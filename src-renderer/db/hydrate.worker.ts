/**
 * The hydration worker: runs hydration.ts off the page's main thread (fetching and decoding the
 * snapshot, validating, merging, writing chunks and derived rows into the same IndexedDB replica;
 * Dexie tells the page's live queries what changed). One hydration per worker; the page terminates
 * it when done.
 */
import { decodeError, encodeError } from '../../src-shared/api-errors';
import { createHybridClock } from '../../src-shared/hlc';
import { postApi } from '../api/client';
import type { FromWorker, ToWorker, WorkerApi } from './hydrate.protocol';
import { hydrateReplica, type ApiCall } from './hydration';

const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (message: FromWorker) => scope.postMessage(message);

const waiting = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
let nextId = 0;

function apiOf(api: WorkerApi): ApiCall {
  if (api.kind === 'http') return ((method, input) => postApi(method, input)) as ApiCall;
  return ((method, input) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      post({ type: 'call', id, method, input });
    })) as ApiCall;
}

async function start(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  // The page's clock observes what this one saw: a stamp above every hydrated one.
  const clock = createHybridClock(message.nodeId);
  try {
    const records = await hydrateReplica(apiOf(message.api), clock, {
      pageSize: message.pageSize,
      chunkSize: message.chunkSize,
      inboxReady: () => post({ type: 'inbox-ready' }),
      progress: (n) => post({ type: 'progress', records: n }),
    });
    post({ type: 'done', records, clockAt: clock.now() });
  } catch (error) {
    post({ type: 'failed', error: encodeError(error, 'hydration').error });
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') void start(message);
  else {
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) call?.reject(decodeError({ error: message.error }));
    else call?.resolve(message.result);
  }
};
