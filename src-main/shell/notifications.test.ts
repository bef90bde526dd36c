import { describe, expect, it } from 'vitest';
import { notificationFor } from './notifications';
import { trayIconBitmap } from './tray-icon';

describe('notifications', () => {
  it('announces new proposals when the window is not focused', () => {
    expect(notificationFor('proposals.created', { count: 2, missionId: 'm1', missionTitle: 'Plan week' }, false)).toEqual({
      title: '2 proposals are waiting for you',
      body: 'From the mission “Plan week”. Open the inbox to approve or reject.',
    });
    expect(notificationFor('proposals.created', { count: 1, missionId: 'm1', missionTitle: 'x' }, false)!.title).toBe('A proposal is waiting for you');
  });
  it('stays quiet while the window is focused, and for routine events', () => {
    expect(notificationFor('proposals.created', { count: 2, missionId: 'm', missionTitle: 't' }, true)).toBeNull();
    expect(notificationFor('sync.changed', { seq: 1 }, false)).toBeNull();
    expect(notificationFor('runner.tick', {}, false)).toBeNull();
    expect(notificationFor('proposals.created', { count: 0 }, false)).toBeNull();
  });
  it('tells which mission needs attention and why', () => {
    expect(notificationFor('mission.attention', { missionId: 'a b', missionTitle: 'Notes', reason: 'The LLM failed 5 times.' }, false)).toEqual({
      title: '“Notes” needs your attention',
      body: 'The LLM failed 5 times.',
    });
  });
});

describe('tray icon', () => {
  it('draws BGRA pixels of the requested size', () => {
    const buf = trayIconBitmap(16, { paused: false, badge: false });
    expect(buf.length).toBe(16 * 16 * 4);
    expect(buf[(8 * 16 + 8) * 4 + 3]).toBe(255); // centre dot
    const paused = trayIconBitmap(16, { paused: true, badge: false });
    expect(paused[(8 * 16 + 8) * 4 + 3]).toBe(0); // hollow when paused
  });
});
