/**
 * Desktop notifications as data (pure). Only what needs the user: new proposals and missions that
 * need attention, nothing while the window is focused; plus the one-time "still running in the
 * tray" hint. Each notification names the renderer route its click opens.
 */
import type { EventName } from '../../src-shared/api';

export interface NotificationModel {
  title: string;
  body: string;
  /** the renderer's hash route the click opens (see src-renderer/lib/router.ts), or null: just show the window */
  route: string | null;
}

/** Hash routes of the renderer (src-renderer/lib/router.ts hrefFor); main cannot import renderer code. */
export const ROUTES = {
  inbox: '#/inbox',
  mission: (missionId: string) => `#/missions/${encodeURIComponent(missionId)}`,
} as const;

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
      route: ROUTES.inbox,
    };
  }
  if (event === 'mission.attention') {
    const missionId = typeof p.missionId === 'string' && p.missionId ? p.missionId : null;
    return {
      title: `“${str(p.missionTitle, 'A mission')}” needs your attention`,
      body: str(p.reason, 'Open the mission for details.'),
      route: missionId ? ROUTES.mission(missionId) : null,
    };
  }
  return null;
}

/** Shown once, the first time closing the window hides it instead of quitting. */
export function closeToTrayHint(platform: NodeJS.Platform): NotificationModel {
  const where = platform === 'darwin' ? 'menu bar' : platform === 'win32' ? 'notification area' : 'tray';
  return {
    title: 'Mission Companion is still running',
    body: `It keeps planning your missions from the ${where} and tells you when proposals arrive. Use Quit in its ${where} menu to stop it.`,
    route: null,
  };
}

/**
 * The window URL that shows `route`: the current app URL with its hash replaced. Only a hash route
 * is accepted, so a notification can never navigate the window anywhere else.
 */
export function urlWithRoute(currentUrl: string, route: string): string | null {
  if (!/^#\/[\w\-./%]*$/.test(route)) return null;
  let url: URL;
  try {
    url = new URL(currentUrl);
  } catch {
    return null;
  }
  url.hash = route;
  return url.href;
}
