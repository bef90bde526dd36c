import type { ReactNode } from 'react';
import { hrefFor, type Route } from '../../lib/router';
import { usePendingCounts } from '../inbox/data';
import { UI_MODULES } from '../modules/catalog';

interface Item {
  route: Route;
  label: string;
  /** the module whose pending proposals the badge counts; 'all' for the inbox */
  badge?: string;
}

const MODULE_ITEMS: Item[] = UI_MODULES.filter((m) => m.page && m.module !== 'kontext').map((m) => ({ route: { page: m.page! }, label: m.label, badge: m.module }));

const GROUPS: { label: string | null; items: Item[] }[] = [
  {
    label: null,
    items: [
      { route: { page: 'inbox' }, label: 'Inbox', badge: 'all' },
      { route: { page: 'missions' }, label: 'Missions' },
    ],
  },
  { label: 'Modules', items: MODULE_ITEMS },
  {
    label: 'Companion',
    items: [
      { route: { page: 'agents' }, label: 'Agents' },
      { route: { page: 'activity' }, label: 'Activity' },
      { route: { page: 'settings' }, label: 'Settings' },
    ],
  },
];

const SECTION_OF: Partial<Record<Route['page'], Route['page']>> = {
  mission: 'missions',
  'mission-new': 'missions',
  'mission-edit': 'missions',
  agent: 'agents',
  welcome: 'inbox',
};

function isCurrent(item: Route, current: Route): boolean {
  return item.page === (SECTION_OF[current.page] ?? current.page);
}

function Badge({ count }: { count: number }): ReactNode {
  if (count <= 0) return null;
  return (
    <>
      <span className="nav-badge" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden"> ({count} pending)</span>
    </>
  );
}

export function Nav({ current }: { current: Route }) {
  const counts = usePendingCounts();
  return (
    <nav className="nav" aria-label="Main">
      <p className="brand">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>{' '}
        Mission Companion
      </p>
      {GROUPS.map((group) => (
        <div key={group.label ?? 'main'} className="nav-group">
          {group.label && (
            <p className="nav-group-label" aria-hidden="true">
              {group.label}
            </p>
          )}
          <ul>
            {group.items.map((item) => (
              <li key={item.label}>
                <a href={hrefFor(item.route)} aria-current={isCurrent(item.route, current) ? 'page' : undefined}>
                  <span>{item.label}</span>
                  {item.badge && <Badge count={item.badge === 'all' ? counts.total : (counts.byModule[item.badge] ?? 0)} />}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  );
}
