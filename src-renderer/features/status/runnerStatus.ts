/**
 * Runner status, kept current from `runner.status` (at start, on reconnect, when the event stream
 * drops, and polled), the coalesced `runner.status` events, and `runner.phase` events, which
 * arrive at every phase change so a running mission's progress is live between two status events.
 *
 * The poll is what makes the status bar truthful: events only say that something happened, so
 * a host that went away (closed, crashed, network gone) would otherwise leave the last status on
 * screen ("Idle · LLM OK") forever. A failed poll marks the host unreachable and retries soon.
 */
import { useSyncExternalStore } from 'react';
import type { RunnerStatus, RunningIteration } from '../../../src-shared/api';
import { isUnauthorized } from '../../api/auth';
import { ApiError, api } from '../../api/client';
import { errorText } from '../../lib/format';

interface Snapshot {
  status: RunnerStatus | null;
  error: string | null;
  /** the last call failed because the host did not answer at all */
  unreachable: boolean;
  /** when the host last answered (ms), null before its first answer */
  lastContactAt: number | null;
}

/** How often the status is re-read while the host answers, and how soon after it did not. */
export const POLL_MS = 10_000;
export const RETRY_MS = 3_000;

const listeners = new Set<() => void>();
let snapshot: Snapshot = { status: null, error: null, unreachable: false, lastContactAt: null };
let pollTimer: ReturnType<typeof setTimeout> | null = null;

function set(patch: Partial<Snapshot>): void {
  snapshot = { ...snapshot, ...patch };
  for (const l of listeners) l();
}

function schedulePoll(ms: number): void {
  if (pollTimer) clearTimeout(pollTimer);
  pollTimer = setTimeout(refreshRunnerStatus, ms);
}

/** A fresh status from the host: it answers. */
function received(status: RunnerStatus): void {
  set({ status, error: null, unreachable: false, lastContactAt: Date.now() });
  schedulePoll(POLL_MS);
}

export function refreshRunnerStatus(): void {
  api()
    .call('runner.status')
    .then(received)
    .catch((e: unknown) => {
      const unreachable = e instanceof ApiError && e.code === 'UNAVAILABLE';
      set({ error: errorText(e), unreachable });
      // A refused token stays refused (the page says how to get a new URL): no polling with it.
      if (!isUnauthorized()) schedulePoll(unreachable ? RETRY_MS : POLL_MS);
    });
}

function applyPhase(phase: RunningIteration): void {
  const status = snapshot.status;
  if (!status) return;
  const others = status.running.filter((r) => r.iterationId !== phase.iterationId);
  set({ status: { ...status, running: [...others, phase] }, error: null, unreachable: false, lastContactAt: Date.now() });
}

let started = false;
function start(): void {
  if (started) return;
  started = true;
  api().on('runner.status', received);
  api().on('runner.phase', applyPhase);
  api().onReconnect(refreshRunnerStatus);
  // a dropped event stream is the first sign of a host gone away: ask now, not at the next poll
  api().onDrop(refreshRunnerStatus);
  refreshRunnerStatus();
}

/** Applies a status returned by a call (e.g. runner.setPaused) without waiting for the event. */
export function setRunnerStatus(s: RunnerStatus): void {
  received(s);
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRunnerStatus(): Snapshot {
  return useSyncExternalStore(subscribe, () => snapshot);
}
