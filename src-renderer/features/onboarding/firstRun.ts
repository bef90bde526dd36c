/**
 * First run: a new user opening the app (no explicit page in the URL) with no missions yet lands
 * on the welcome page instead of an empty inbox. Once they create a mission or skip, never again.
 */
import { useEffect, useRef } from 'react';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import { useRecords, useSyncState } from '../../db/hooks';
import { navigate } from '../../lib/router';

const KEY = 'mission-companion.onboarded';

export function isOnboarded(): boolean {
  try {
    return window.localStorage.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function markOnboarded(): void {
  try {
    window.localStorage.setItem(KEY, '1');
  } catch {
    // storage disabled: the welcome page shows again next time, which is harmless
  }
}

export function useFirstRunRedirect(hash: string): void {
  const missions = useRecords(AI_APP, TABLES.missions);
  const { lastSyncedAt } = useSyncState();
  const decided = useRef(false);
  useEffect(() => {
    if (decided.current) return;
    // An explicit page (a link, a reload, the user clicking around) is always respected.
    if (hash.replace(/^#\/?/, '') !== '' || isOnboarded()) {
      decided.current = true;
      return;
    }
    // Wait for the first sync: a returning user on a fresh browser has missions on the engine.
    if (!lastSyncedAt || !missions) return;
    decided.current = true;
    if (missions.length === 0) navigate({ page: 'welcome' }, { replace: true });
    else markOnboarded();
  }, [hash, missions, lastSyncedAt]);
}
