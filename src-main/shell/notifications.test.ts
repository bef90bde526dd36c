import { describe, expect, it } from 'vitest';
import { closeToTrayHint, notificationFor, urlWithRoute } from './notifications';
import { trayIconBitmap } from './tray-icon';

describe('notifications', () => {
  it('announces new proposals when the window is not focused', () => {
    expect(notificationFor('proposals.created', { count: 2, missionId: 'm1', missionTitle: 'Plan week' }, false)).toEqual({
      title: '2 proposals are waiting for you',
      body: 'From the mission “Plan week”. Open the inbox to approve or reject.',
      route: '#/inbox',
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
      route: '#/missions/a%20b',
    });
    expect(notificationFor('mission.attention', { reason: 'x' }, false)!.route).toBeNull();
  });
  it('explains once that closing keeps the app in the tray', () => {
    expect(closeToTrayHint('linux')).toMatchObject({ title: 'Mission Companion is still running', route: null });
    expect(closeToTrayHint('darwin').body).toContain('menu bar');
    expect(closeToTrayHint('win32').body).toContain('notification area');
  });
});

describe('notification clicks', () => {
  it('open a route inside the app, never anything else', () => {
    expect(urlWithRoute('file:///opt/app/out/renderer/index.html#/settings', '#/inbox')).toBe('file:///opt/app/out/renderer/index.html#/inbox');
    expect(urlWithRoute('http://localhost:5173/', '#/missions/a%20b')).toBe('http://localhost:5173/#/missions/a%20b');
    expect(urlWithRoute('file:///opt/app/out/renderer/index.html', 'https://evil.example/')).toBeNull();
    expect(urlWithRoute('file:///opt/app/out/renderer/index.html', '#/x"><script>')).toBeNull();
    expect(urlWithRoute('not a url', '#/inbox')).toBeNull();
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
