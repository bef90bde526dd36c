/**
 * Desktop notifications for engine events, as data (pure). Only what needs the user: new
 * proposals and missions that need attention; nothing while the window is focused.
 */
import type { EventName } from '../../src-shared/api';

export interface NotificationModel {
  title: string;
  body: string;
}

function str(v: unknown, fallback: string): string {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : fallback;
}

export function notificationFor(event: EventName, payload: unknown, windowFocused: boolean): NotificationModel | null {
  if (windowFocused) return null;
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  if (event === 'proposals.created') {
    const count = typeof p.count === 'number' && p.count > 0 ? p.count : 0;
    if (count === 0) return null;
    return {
      title: count === 1 ? 'A proposal is waiting for you' : `${count} proposals are waiting for you`,
      body: `From the mission “${str(p.missionTitle, 'Untitled')}”. Open the inbox to approve or reject.`,
    };
  }
  if (event === 'mission.attention') {
    return {
      title: `“${str(p.missionTitle, 'A mission')}” needs your attention`,
      body: str(p.reason, 'Open the mission for details.'),
    };
  }
  return null;
}
