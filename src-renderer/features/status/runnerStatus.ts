/**
 * Runner status, kept current from `runner.status` (at start and on reconnect) and the
 * `runner.status` events the engine pushes.
 */
import { useSyncExternalStore } from 'react';
import type { RunnerStatus } from '../../../src-shared/api';
import { api } from '../../api/client';
import { errorText } from '../../lib/format';

interface Snapshot {
  status: RunnerStatus | null;
  error: string | null;
}

let status: RunnerStatus | null = null;
let error: string | null = null;
const listeners = new Set<() => void>();
let snapshot: Snapshot = { status, error };

function set(next: RunnerStatus | null, err: string | null): void {
  status = next;
  error = err;
  snapshot = { status, error };
  for (const l of listeners) l();
}

export function refreshRunnerStatus(): void {
  api()
    .call('runner.status')
    .then((s) => set(s, null))
    .catch((e: unknown) => set(status, errorText(e)));
}

let started = false;
function start(): void {
  if (started) return;
  started = true;
  api().on('runner.status', (s) => set(s, null));
  api().onReconnect(refreshRunnerStatus);
  refreshRunnerStatus();
}

/** Applies a status returned by a call (e.g. runner.setPaused) without waiting for the event. */
export function setRunnerStatus(s: RunnerStatus): void {
  set(s, null);
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRunnerStatus(): Snapshot {
  return useSyncExternalStore(subscribe, () => snapshot);
}
