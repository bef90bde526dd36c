import { useMemo } from 'react';
import { AI_APP, Iteration, Mission, TABLES } from '../../../src-shared/domain/ai';
import { parseRecords, useRecords } from '../../db/hooks';

export function useMissions(): Mission[] | undefined {
  const records = useRecords(AI_APP, TABLES.missions);
  return useMemo(() => parseRecords(records, Mission)?.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '')), [records]);
}

/** The mission, null when it does not exist (or was deleted), undefined while loading. */
export function useMission(id: string): Mission | null | undefined {
  const missions = useMissions();
  return missions && (missions.find((m) => m.id === id) ?? null);
}

/** Iterations newest first, of one mission or (without an id) of all. */
export function useIterations(missionId?: string): Iteration[] | undefined {
  const records = useRecords(AI_APP, TABLES.iterations);
  return useMemo(
    () =>
      parseRecords(
        missionId ? records?.filter((r) => r.data.missionId === missionId) : records,
        Iteration,
      )?.sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    [records, missionId],
  );
}

export const STATE_TEXT: Record<Mission['state'], string> = {
  active: 'Active',
  paused: 'Paused',
  done: 'Completed',
  archived: 'Archived',
};

export const ITERATION_STATUS_TEXT: Record<Iteration['status'], string> = {
  running: 'Running',
  'awaiting-review': 'Awaiting review',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
};
