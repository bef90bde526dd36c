import { describe, expect, it } from 'vitest';
import type { ServerSyncStatus } from '../../../src-shared/api';
import { syncBarText } from './syncText';

const NOW = Date.parse('2026-11-20T10:50:04.000Z');
const base: ServerSyncStatus = {
  state: 'synced',
  serverUrl: 'http://homeserver:5177',
  deviceName: 'Laptop',
  lastSyncedAt: '2026-11-20T10:50:00.000Z',
  offlineSince: null,
  nextRetryAt: null,
  waiting: 0,
  parked: 0,
  lastError: null,
  live: true,
  claims: 'supported',
  unreadableReceived: 0,
};

describe('the status bar’s sync text', () => {
  it('says what a person needs: synced when, what waits, since when offline, sign in again', () => {
    expect(syncBarText(base, NOW)).toEqual({ text: 'Synced 4 s ago', tone: 'ok' });
    expect(syncBarText({ ...base, waiting: 12 }, NOW)).toEqual({ text: '12 changes waiting', tone: 'muted' });
    const offline = syncBarText({ ...base, state: 'offline', offlineSince: '2026-11-20T10:42:00.000Z', waiting: 1 }, NOW)!;
    expect(offline.text).toMatch(/^Offline since \d{1,2}:42.* · 1 change waiting$/);
    expect(syncBarText({ ...base, state: 'sign-in' }, NOW)).toEqual({ text: 'Sign in again', tone: 'warn' });
    expect(syncBarText({ ...base, parked: 2 }, NOW)).toEqual({ text: 'Synced 4 s ago · 2 changes refused', tone: 'warn' });
    expect(syncBarText({ ...base, state: 'off', serverUrl: null }, NOW)).toBeNull();
    expect(syncBarText({ ...base, lastSyncedAt: '2026-11-20T10:40:00.000Z' }, NOW)!.text).toBe('Synced 10 min ago');
  });
});
