import { describe, expect, it } from 'vitest';
import { hrefFor, parseRoute, type Route } from './router';

describe('hash routes', () => {
  it('round-trips every route, including ids that need escaping', () => {
    const routes: Route[] = [
      { page: 'inbox' },
      { page: 'welcome' },
      { page: 'missions' },
      { page: 'mission-new' },
      { page: 'mission-new', template: 'weekly-planning' },
      { page: 'mission', missionId: 'a/b c?d' },
      { page: 'mission-edit', missionId: 'a/b c?d' },
      { page: 'todo' },
      { page: 'notes' },
      { page: 'calendar' },
      { page: 'goals' },
      { page: 'agents' },
      { page: 'agent', agentId: 'agent:default' },
      { page: 'activity' },
      { page: 'settings' },
    ];
    for (const r of routes) expect(parseRoute(hrefFor(r))).toEqual(r);
  });

  it('falls back to the inbox for empty or unknown hashes', () => {
    expect(parseRoute('')).toEqual({ page: 'inbox' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'inbox' });
  });
});
