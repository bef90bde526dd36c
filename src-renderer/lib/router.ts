/**
 * Hash routes (`#/missions/<id>`): they work the same from the headless host's `/` and from the
 * file the Electron window loads, with no server-side fallback needed.
 */
import { useSyncExternalStore } from 'react';

export type Route =
  | { page: 'inbox' }
  | { page: 'missions' }
  | { page: 'mission'; missionId: string }
  | { page: 'todo' }
  | { page: 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'missions':
      return parts[1] ? { page: 'mission', missionId: parts[1] } : { page: 'missions' };
    case 'todo':
      return { page: 'todo' };
    case 'settings':
      return { page: 'settings' };
    default:
      return { page: 'inbox' };
  }
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'mission':
      return `#/missions/${encodeURIComponent(route.missionId)}`;
    default:
      return `#/${route.page}`;
  }
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

export function navigate(route: Route): void {
  window.location.hash = hrefFor(route);
}
