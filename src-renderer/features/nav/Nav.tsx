import { hrefFor, type Route } from '../../lib/router';
import { usePendingCount } from '../inbox/data';

const ITEMS: { route: Route; label: string }[] = [
  { route: { page: 'inbox' }, label: 'Inbox' },
  { route: { page: 'missions' }, label: 'Missions' },
  { route: { page: 'todo' }, label: 'Todo' },
  { route: { page: 'settings' }, label: 'Settings' },
];

function isCurrent(item: Route, current: Route): boolean {
  return item.page === current.page || (item.page === 'missions' && current.page === 'mission');
}

export function Nav({ current }: { current: Route }) {
  const pending = usePendingCount();
  return (
    <nav className="nav" aria-label="Main">
      <p className="brand">Mission Companion</p>
      <ul>
        {ITEMS.map((item) => (
          <li key={item.label}>
            <a href={hrefFor(item.route)} aria-current={isCurrent(item.route, current) ? 'page' : undefined}>
              {item.label}
              {item.route.page === 'inbox' && pending > 0 && (
                <>
                  <span className="nav-badge" aria-hidden="true">
                    {pending}
                  </span>
                  <span className="visually-hidden"> ({pending} pending)</span>
                </>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
