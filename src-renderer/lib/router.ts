/**
 * Hash routes (`#/missions/<id>`): they work the same from the headless host's `/` and from the
 * file the Electron window loads, with no server-side fallback needed.
 */
import { useSyncExternalStore } from 'react';

export type ModulePage = 'todo' | 'notes' | 'calendar' | 'goals';

export type Route =
  | { page: 'inbox' }
  | { page: 'welcome' }
  | { page: 'missions' }
  | { page: 'mission-new'; template?: string }
  | { page: 'mission'; missionId: string }
  | { page: 'mission-edit'; missionId: string }
  | { page: ModulePage }
  | { page: 'agents' }
  | { page: 'agent'; agentId: string }
  | { page: 'activity' }
  | { page: 'settings' };

const SIMPLE = new Set(['welcome', 'todo', 'notes', 'calendar', 'goals', 'activity', 'settings']);

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [page, id, sub] = parts;
  if (page === 'missions') {
    if (id === 'new') return sub ? { page: 'mission-new', template: sub } : { page: 'mission-new' };
    if (id) return sub === 'edit' ? { page: 'mission-edit', missionId: id } : { page: 'mission', missionId: id };
    return { page: 'missions' };
  }
  if (page === 'agents') return id ? { page: 'agent', agentId: id } : { page: 'agents' };
  if (page && SIMPLE.has(page)) return { page } as Route;
  return { page: 'inbox' };
}

export function hrefFor(route: Route): string {
  switch (route.page) {
    case 'mission':
      return `#/missions/${encodeURIComponent(route.missionId)}`;
    case 'mission-edit':
      return `#/missions/${encodeURIComponent(route.missionId)}/edit`;
    case 'mission-new':
      return route.template ? `#/missions/new/${encodeURIComponent(route.template)}` : '#/missions/new';
    case 'agent':
      return `#/agents/${encodeURIComponent(route.agentId)}`;
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

/** Goes to a route; `replace` keeps the current entry out of the history (redirects). */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = hrefFor(route);
  if (options.replace) {
    window.history.replaceState(window.history.state, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = href;
  }
}
