/**
 * Runner status, kept current from `runner.status` (at start and on reconnect), the coalesced
 * `runner.status` events, and `runner.phase` events, which arrive at every phase change so a
 * running mission's progress is live between two status events.
 */
import { useSyncExternalStore } from 'react';
import type { RunnerStatus, RunningIteration } from '../../../src-shared/api';
import { api } from '../../api/client';
import { errorText } from '../../lib/format';

interface Snapshot {
  status: RunnerStatus | null;
  error: string | null;
}

const listeners = new Set<() => void>();
let snapshot: Snapshot = { status: null, error: null };

function set(status: RunnerStatus | null, error: string | null): void {
  snapshot = { status, error };
  for (const l of listeners) l();
}

export function refreshRunnerStatus(): void {
  api()
    .call('runner.status')
    .then((s) => set(s, null))
    .catch((e: unknown) => set(snapshot.status, errorText(e)));
}

function applyPhase(phase: RunningIteration): void {
  const status = snapshot.status;
  if (!status) return;
  const others = status.running.filter((r) => r.iterationId !== phase.iterationId);
  set({ ...status, running: [...others, phase] }, null);
}

let started = false;
function start(): void {
  if (started) return;
  started = true;
  api().on('runner.status', (s) => set(s, null));
  api().on('runner.phase', applyPhase);
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

export function phaseText(phase: RunningIteration['phase']): string {
  return phase.replace(/-/g, ' ');
}
