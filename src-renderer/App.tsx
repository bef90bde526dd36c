import { useSyncExternalStore } from 'react';
import { isUnauthorized, subscribeAuth } from './api/auth';
import { Unauthorized } from './features/auth/Unauthorized';
import { InboxPage } from './features/inbox/InboxPage';
import { MissionDetail } from './features/missions/MissionDetail';
import { MissionsPage } from './features/missions/MissionsPage';
import { Nav } from './features/nav/Nav';
import { SettingsPage } from './features/settings/SettingsPage';
import { StatusLine } from './features/status/StatusLine';
import { TodoPage } from './features/todo/TodoPage';
import { parseRoute, useHash, type Route } from './lib/router';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'inbox':
      return <InboxPage />;
    case 'missions':
      return <MissionsPage />;
    case 'mission':
      return <MissionDetail key={route.missionId} missionId={route.missionId} />;
    case 'todo':
      return <TodoPage />;
    case 'settings':
      return <SettingsPage />;
  }
}

export function App() {
  const unauthorized = useSyncExternalStore(subscribeAuth, isUnauthorized);
  const route = parseRoute(useHash());
  if (unauthorized) return <Unauthorized />;
  return (
    <div className="shell">
      <Nav current={route} />
      <main className="content">
        <Page route={route} />
      </main>
      <StatusLine />
    </div>
  );
}
