/**
 * The sync client's state (engine → sync server), kept current for the status bar and Settings →
 * Sync: read at start and on reconnect, replaced by every `syncServer.status` event, and re-read
 * every POLL_MS and shortly after local changes, since the count of changes waiting moves without
 * an event.
 */
import { useSyncExternalStore } from 'react';
import type { ServerSyncStatus } from '../../../src-shared/api';
import { isUnauthorized } from '../../api/auth';
import { api } from '../../api/client';

export const POLL_MS = 10_000;
/** after a local change, the waiting count is read again this soon (once per burst) */
const AFTER_CHANGE_MS = 1_500;

let status: ServerSyncStatus | null = null;
const listeners = new Set<() => void>();
let pollTimer: ReturnType<typeof setTimeout> | null = null;
let changeTimer: ReturnType<typeof setTimeout> | null = null;

function set(next: ServerSyncStatus): void {
  status = next;
  for (const l of listeners) l();
}

export function refreshServerSync(): void {
  if (pollTimer) clearTimeout(pollTimer);
  api()
    .call('syncServer.status')
    .then(set)
    .catch(() => {
      // the runner status says when the host is away; the next poll tries again
    })
    .finally(() => {
      if (!isUnauthorized()) pollTimer = setTimeout(refreshServerSync, POLL_MS);
    });
}

/** Applies a state an action returned (sync now). */
export function setServerSync(next: ServerSyncStatus): void {
  set(next);
}

let started = false;
function start(): void {
  if (started) return;
  started = true;
  api().on('syncServer.status', set);
  api().on('sync.changed', () => {
    if (changeTimer || !status || status.state === 'off') return;
    changeTimer = setTimeout(() => {
      changeTimer = null;
      refreshServerSync();
    }, AFTER_CHANGE_MS);
  });
  api().onReconnect(refreshServerSync);
  refreshServerSync();
}

function subscribe(listener: () => void): () => void {
  start();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useServerSync(): ServerSyncStatus | null {
  return useSyncExternalStore(subscribe, () => status);
}
