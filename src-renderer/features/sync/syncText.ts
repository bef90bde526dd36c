/**
 * The sync client's state in words: one line for the status bar ("Synced 4 s ago", "12 changes
 * waiting", "Offline since 10:42", "Sign in again") and the sentences of Settings → Sync. Pure:
 * callers pass their clock.
 */
import type { ServerSyncStatus } from '../../../src-shared/api';
import type { RunnerRole } from '../../../src-shared/domain/settings';
import { formatSince, formatTime } from '../../lib/format';

export type SyncTone = 'ok' | 'muted' | 'warn';

/** "4 s ago" under a minute (the bar ticks every second), else as elsewhere ("5 min ago"). */
export function agoText(iso: string, now: number): string {
  const ms = now - Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s ago`;
  return formatSince(iso, now);
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** What the status bar says, or null when this device does not sync with a server. */
export function syncBarText(s: ServerSyncStatus, now: number): { text: string; tone: SyncTone } | null {
  const waiting = s.waiting > 0 ? ` · ${count(s.waiting, 'change', 'changes')} waiting` : '';
  const parked = s.parked > 0 ? ` · ${count(s.parked, 'change', 'changes')} refused` : '';
  switch (s.state) {
    case 'off':
      return s.serverUrl ? { text: 'Sync: token missing', tone: 'warn' } : null;
    case 'sign-in':
      return { text: `Sign in again${waiting}`, tone: 'warn' };
    case 'offline':
      return { text: `Offline since ${formatTime(s.offlineSince)}${waiting}${parked}`, tone: 'warn' };
    case 'error':
      return { text: `Sync problem${waiting}${parked}`, tone: 'warn' };
    case 'starting':
    case 'syncing':
      return { text: `Syncing…${waiting}${parked}`, tone: parked ? 'warn' : 'muted' };
    case 'synced': {
      if (s.waiting > 0) return { text: `${count(s.waiting, 'change', 'changes')} waiting${parked}`, tone: parked ? 'warn' : 'muted' };
      const when = s.lastSyncedAt ? ` ${agoText(s.lastSyncedAt, now)}` : '';
      return { text: `Synced${when}${parked}`, tone: parked ? 'warn' : 'ok' };
    }
  }
}

/** The state as a sentence for Settings → Sync. */
export function syncStateSentence(s: ServerSyncStatus, now: number): string {
  switch (s.state) {
    case 'off':
      return s.serverUrl ? 'Not syncing yet: this device’s token is missing.' : 'This device does not sync: its data stays here.';
    case 'starting':
      return `Connecting to ${s.serverUrl}…`;
    case 'syncing':
      return `Exchanging changes with ${s.serverUrl}…`;
    case 'synced':
      return `In sync with ${s.serverUrl}${s.lastSyncedAt ? `, last exchange ${agoText(s.lastSyncedAt, now)}` : ''}${s.live ? '; changes from other devices arrive as they are made' : ''}.`;
    case 'offline':
      return `The sync server cannot be reached since ${formatTime(s.offlineSince)}; changes made here wait and go out when it answers${s.nextRetryAt ? ` (next try ${formatTime(s.nextRetryAt)})` : ''}.`;
    case 'sign-in':
      return 'The sync server no longer accepts this device’s token: paste a new one below.';
    case 'error':
      return 'Sync stopped on a problem (below); it is tried again every minute.';
  }
}

/** Whether runs are coordinated, in words. */
export function claimsSentence(s: ServerSyncStatus): string | null {
  if (s.state === 'off') return null;
  if (s.claims === 'supported') return 'The server makes sure only one device plans each scheduled run.';
  if (s.claims === 'unsupported') {
    return 'This server cannot coordinate runners: devices set to “Plans missions” may plan the same run twice (their cards are merged). Set all but one device to “Only when the server can’t be reached” or “Never”.';
  }
  return null;
}

export const RUNNER_ROLES: { value: RunnerRole; label: string; hint: string }[] = [
  { value: 'always', label: 'Plans missions', hint: 'Runs missions on their schedule; with a sync server it checks first that no other device is planning the same run.' },
  { value: 'when-offline', label: 'Only when the server can’t be reached', hint: 'A stand-by: another device (e.g. your home server) plans; this one takes over while the sync server is out of reach.' },
  { value: 'never', label: 'Never', hint: 'This device never plans missions on schedule. “Run now” still works here.' },
];
