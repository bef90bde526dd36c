import { useMemo } from 'react';
import { Agent, AI_APP, DEFAULT_AGENT, Mission, Proposal, TABLES } from '../../../src-shared/domain/ai';
import { parseRecords, useRecords } from '../../db/hooks';

export interface ProposalFilter {
  module?: string;
  missionId?: string;
}

export function useProposals(filter: ProposalFilter = {}): Proposal[] | undefined {
  const records = useRecords(AI_APP, TABLES.proposals);
  const { module, missionId } = filter;
  return useMemo(
    () => parseRecords(records, Proposal)?.filter((p) => (!module || p.module === module) && (!missionId || p.missionId === missionId)),
    [records, module, missionId],
  );
}

export interface PendingCounts {
  total: number;
  byModule: Record<string, number>;
  byMission: Record<string, number>;
  /** when the oldest waiting proposal of each mission was made */
  oldestByMission: Record<string, string>;
}

export function usePendingCounts(): PendingCounts {
  const proposals = useProposals();
  return useMemo(() => {
    const counts: PendingCounts = { total: 0, byModule: {}, byMission: {}, oldestByMission: {} };
    for (const p of proposals ?? []) {
      if (p.status !== 'pending') continue;
      counts.total++;
      counts.byModule[p.module] = (counts.byModule[p.module] ?? 0) + 1;
      counts.byMission[p.missionId] = (counts.byMission[p.missionId] ?? 0) + 1;
      const oldest = counts.oldestByMission[p.missionId];
      if (!oldest || p.createdAt < oldest) counts.oldestByMission[p.missionId] = p.createdAt;
    }
    return counts;
  }, [proposals]);
}

export interface DisplayNames {
  agents: Map<string, string>;
  missions: Map<string, string>;
}

/** Names to show when a proposal was written without its agent's or mission's display name. */
export function useDisplayNames(): DisplayNames {
  const agentRecords = useRecords(AI_APP, TABLES.agents);
  const missionRecords = useRecords(AI_APP, TABLES.missions);
  return useMemo(
    () => ({
      // The default agent exists without a record until someone edits it.
      agents: new Map([[DEFAULT_AGENT.id, DEFAULT_AGENT.name], ...(parseRecords(agentRecords, Agent) ?? []).map((a) => [a.id, a.name] as const)]),
      missions: new Map((parseRecords(missionRecords, Mission) ?? []).map((m) => [m.id, m.title])),
    }),
    [agentRecords, missionRecords],
  );
}

/** Proposal statuses in words. */
export const STATUS_TEXT: Record<Proposal['status'], string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  expired: 'Expired',
  failed: 'Failed',
  reverted: 'Reverted',
};
