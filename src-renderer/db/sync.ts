/**
 * The sync loop: push the outbox, then pull until caught up (a replica that never pulled first
 * hydrates from `sync.snapshot`). Runs are serialised (a request during a run schedules exactly
 * one more run), triggered at start, by local writes (the outbox is observed), by the engine's
 * `sync.changed` event, on reconnect, after a failure with backoff, and on a safety-net interval.
 */
import { liveQuery } from 'dexie';
import { ApiError, api } from '../api/client';
import { errorText } from '../lib/format';
import { applyPulledPage, followEpoch, readCursor } from './apply';
import { hydrateOnce } from './hydrator';
import { getReplica } from './replica';
import { db } from './schema';

export const PUSH_BATCH = 500;
export const PULL_LIMIT = 1000;
const SAFETY_NET_MS = 30_000;
/** A compaction running while we hydrate can outdate the new cursor once more; not forever. */
const MAX_REHYDRATIONS = 3;
const RETRY_MIN_MS = 2_000;

export interface SyncState {
  phase: 'idle' | 'syncing' | 'error';
  error: string | null;
  /** local changes waiting to be pushed */
  pending: number;
  lastSyncedAt: string | null;
}

let state: SyncState = { phase: 'idle', error: null, pending: 0, lastSyncedAt: null };
const listeners = new Set<() => void>();

function setState(patch: Partial<SyncState>): void {
  state = { ...state, ...patch };
  for (const l of listeners) l();
}

export function getSyncState(): SyncState {
  return state;
}

export function subscribeSync(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function push(clientId: string): Promise<void> {
  let size = PUSH_BATCH;
  for (;;) {
    const batch = await db.outbox.orderBy('seq').limit(size).toArray();
    if (batch.length === 0) return;
    try {
      await api().call('sync.push', { clientId, changes: batch.map((e) => e.change) });
    } catch (e) {
      // Large records (long concepts) can make a full batch exceed the host's body limit.
      if (e instanceof ApiError && e.code === 'PAYLOAD_TOO_LARGE' && size > 1) {
        size = Math.max(1, Math.floor(size / 2));
        continue;
      }
      throw e;
    }
    // Exactly the rows pushed: writes queued meanwhile stay for the next batch.
    await db.outbox.bulkDelete(batch.map((e) => e.seq!));
  }
}

async function pull(): Promise<void> {
  const { clock } = await getReplica();
  if ((await readCursor()) === 0) {
    // A replica that never pulled starts from the engine's projection instead of replaying the log.
    try {
      await hydrateOnce(clock, async () => (await readCursor()) === 0);
    } catch (e) {
      // A host without snapshots still serves the whole log through pull.
      if (!(e instanceof ApiError && e.code === 'NOT_FOUND')) throw e;
    }
  }
  let since = await readCursor();
  let rehydrations = 0;
  for (;;) {
    const page = await api().call('sync.pull', { since, limit: PULL_LIMIT });
    // the engine repaired history this replica copied: start over from its snapshot
    if (await followEpoch(page.epoch)) return pull();
    if (page.cursorTooOld) {
      // Away longer than the history the engine keeps: what followed our cursor is compacted into
      // one snapshot per record. Hydrate again (merging into what is here: local writes not yet
      // pushed stay in the outbox and win where newer), then pull from the snapshot's seq.
      if (++rehydrations > MAX_REHYDRATIONS) throw new Error('The app could not catch up with its history; reload the page to try again.');
      // (unless another tab did it meanwhile: then the cursor moved past ours)
      const stale = since;
      await hydrateOnce(clock, async () => (await readCursor()) <= stale);
      since = await readCursor();
      continue;
    }
    // `seq` is the last row of the page, quarantined rows included, so it is the next `since`.
    const cursor = Math.max(page.seq, page.changes.at(-1)?.seq ?? 0);
    await applyPulledPage(page.changes, cursor, clock);
    if (!page.hasMore || cursor <= since) return;
    since = cursor;
  }
}

let running: Promise<void> | null = null;
let again = false;
let retryDelay = RETRY_MIN_MS;
let retryTimer: ReturnType<typeof setTimeout> | null = null;

/** After a failure, retry soon and then less and less often (the safety net caps it anyway). */
function scheduleRetry(): void {
  if (retryTimer) return;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    trigger();
  }, retryDelay);
  retryDelay = Math.min(retryDelay * 2, SAFETY_NET_MS);
}

async function runOnce(): Promise<void> {
  const { clientId } = await getReplica();
  await push(clientId);
  await pull();
}

/** Runs (or re-runs after the current run) push + pull. Rejects with the run's error. */
export function requestSync(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    setState({ phase: 'syncing' });
    try {
      do {
        again = false;
        await runOnce();
      } while (again);
      setState({ phase: 'idle', error: null, lastSyncedAt: new Date().toISOString() });
      retryDelay = RETRY_MIN_MS;
    } catch (e) {
      setState({ phase: 'error', error: errorText(e) });
      scheduleRetry();
      throw e;
    } finally {
      running = null;
    }
  })();
  return running;
}

function trigger(): void {
  requestSync().catch(() => {
    // already in the sync state; the next trigger or the safety net retries
  });
}

/** Pushes everything queued so far; used before api calls that need the engine to see local writes. */
export async function flushOutbox(): Promise<void> {
  await requestSync();
  const left = await db.outbox.count();
  if (left > 0) await requestSync();
}

let started = false;

/** Starts the loop once per page. */
export function startSync(): void {
  if (started) return;
  started = true;
  liveQuery(() => db.outbox.count()).subscribe({
    next: (pending) => {
      const grew = pending > state.pending;
      setState({ pending });
      if (grew) trigger();
    },
    error: (e: unknown) => setState({ phase: 'error', error: errorText(e) }),
  });
  api().on('sync.changed', trigger);
  api().onReconnect(trigger);
  window.addEventListener('online', trigger);
  setInterval(trigger, SAFETY_NET_MS);
  trigger();
}
