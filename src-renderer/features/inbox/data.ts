import { useMemo } from 'react';
import { Agent, AI_APP, DEFAULT_AGENT, Mission, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import { parseRecords, useRecords } from '../../db/hooks';
import { useProposalsOf } from '../../db/proposals';

export interface ProposalFilter {
  module?: string;
  missionId?: string;
}

/**
 * Every proposal (whatever its status) of a mission and/or module; undefined while loading. Reads
 * the whole history of its filter: the inbox reads pending ones and recent decisions by index
 * instead (src-renderer/db/proposals.ts).
 */
export function useProposals(filter: ProposalFilter = {}): Proposal[] | undefined {
  const { module, missionId } = filter;
  const proposals = useProposalsOf(missionId);
  return useMemo(() => (module ? proposals?.filter((p) => p.module === module) : proposals), [proposals, module]);
}

export { usePendingCounts, usePendingProposals, type PendingCounts } from '../../db/proposals';

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
