import { useLayoutEffect, useSyncExternalStore } from 'react';
import { isUnauthorized, subscribeAuth } from './api/auth';
import { ActivityPage } from './features/activity/ActivityPage';
import { AgentDetail } from './features/agents/AgentDetail';
import { AgentsPage } from './features/agents/AgentsPage';
import { Unauthorized } from './features/auth/Unauthorized';
import { CalendarPage } from './features/calendar/CalendarPage';
import { GoalsPage } from './features/goals/GoalsPage';
import { InboxPage } from './features/inbox/InboxPage';
import { MissionDetail } from './features/missions/MissionDetail';
import { MissionEditorPage } from './features/missions/MissionEditorPage';
import { MissionsPage } from './features/missions/MissionsPage';
import { Nav } from './features/nav/Nav';
import { NotesPage } from './features/notes/NotesPage';
import { useFirstRunRedirect } from './features/onboarding/firstRun';
import { WelcomePage } from './features/onboarding/WelcomePage';
import { SettingsPage } from './features/settings/SettingsPage';
import { StatusBar } from './features/status/StatusBar';
import { useNotifications } from './features/status/useNotifications';
import { TodoPage } from './features/todo/TodoPage';
import { hrefFor, parseRoute, useHash, type Route } from './lib/router';
import { Toaster } from './ui/Toaster';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'inbox':
      return <InboxPage />;
    case 'welcome':
      return <WelcomePage />;
    case 'missions':
      return <MissionsPage />;
    case 'mission-new':
      return <MissionEditorPage key={`new-${route.template ?? ''}`} template={route.template} />;
    case 'mission':
      return <MissionDetail key={route.missionId} missionId={route.missionId} />;
    case 'mission-edit':
      return <MissionEditorPage key={`edit-${route.missionId}`} missionId={route.missionId} />;
    case 'todo':
      return <TodoPage />;
    case 'notes':
      return <NotesPage />;
    case 'calendar':
      return <CalendarPage />;
    case 'goals':
      return <GoalsPage />;
    case 'agents':
      return <AgentsPage />;
    case 'agent':
      return <AgentDetail key={route.agentId} agentId={route.agentId} />;
    case 'activity':
      return <ActivityPage />;
    case 'settings':
      return <SettingsPage />;
  }
}

/** Another page starts at its top, not at the scroll position the previous page was left at. */
function useScrollResetOn(key: string): void {
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
  }, [key]);
}

function Shell() {
  const hash = useHash();
  const route = parseRoute(hash);
  useFirstRunRedirect(hash);
  useScrollResetOn(hrefFor(route));
  useNotifications();
  return (
    <div className="shell">
      <Nav current={route} />
      <main className="content" id="main">
        <Page route={route} />
      </main>
      <StatusBar />
      <Toaster />
    </div>
  );
}

export function App() {
  const unauthorized = useSyncExternalStore(subscribeAuth, isUnauthorized);
  if (unauthorized) return <Unauthorized />;
  return <Shell />;
}
