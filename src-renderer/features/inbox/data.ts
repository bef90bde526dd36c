import { useMemo } from 'react';
import { Agent, AI_APP, Mission, Proposal, TABLES } from '../../../src-shared/domain/ai';
import { parseRecords, useRecords } from '../../db/hooks';

export function useProposals(module?: string): Proposal[] | undefined {
  const records = useRecords(AI_APP, TABLES.proposals);
  return useMemo(() => {
    const all = parseRecords(records, Proposal);
    return module ? all?.filter((p) => p.module === module) : all;
  }, [records, module]);
}

export function usePendingCount(): number {
  const proposals = useProposals();
  return proposals?.filter((p) => p.status === 'pending').length ?? 0;
}

/** Names to show when a proposal was written without its agent's or mission's display name. */
export function useDisplayNames(): { agents: Map<string, string>; missions: Map<string, string> } {
  const agentRecords = useRecords(AI_APP, TABLES.agents);
  const missionRecords = useRecords(AI_APP, TABLES.missions);
  return useMemo(
    () => ({
      agents: new Map((parseRecords(agentRecords, Agent) ?? []).map((a) => [a.id, a.name])),
      missions: new Map((parseRecords(missionRecords, Mission) ?? []).map((m) => [m.id, m.title])),
    }),
    [agentRecords, missionRecords],
  );
}
