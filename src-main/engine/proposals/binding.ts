/**
 * An approval runs a tool in an agent's name, so a proposal must be what a run planned: its
 * iteration exists, belongs to the same mission and agent, and has the write step this proposal
 * was staged for, with the same tool and the same params (compared by their canonical JSON, the
 * params' hash). A proposal record written any other way (pushed, or changed after staging on
 * another replica) is refused before any tool runs.
 */
import { AI_APP, type Proposal, TABLES, proposalIdFor } from '../../../src-shared/domain/ai';
import { canonicalJson } from '../../../src-shared/lww';
import type { Store } from '../store/store';

interface StepLike {
  index?: unknown;
  toolName?: unknown;
  params?: unknown;
  kind?: unknown;
  proposalId?: unknown;
}

const REJECT = 'Reject it; the next run plans again.';

/** Why `proposal` cannot be approved as its run's step, or null when it is that step. */
export function runBindingProblem(store: Store, proposal: Proposal): string | null {
  const run = store.getData<{ missionId?: unknown; agentId?: unknown; steps?: unknown }>(AI_APP, TABLES.iterations, proposal.iterationId);
  if (!run) return `No run of this mission planned this proposal (its run is not here). ${REJECT}`;
  if (run.missionId !== proposal.missionId || run.agentId !== proposal.agentId) {
    return `This proposal names another mission or agent than the run that planned it. ${REJECT}`;
  }
  const steps: StepLike[] = Array.isArray(run.steps) ? (run.steps as StepLike[]) : [];
  const step = steps.find((s) => s?.proposalId === proposal.id);
  if (!step || step.kind !== 'write' || typeof step.index !== 'number' || proposalIdFor(proposal.iterationId, step.index) !== proposal.id) {
    return `The run that this proposal names did not plan it. ${REJECT}`;
  }
  if (step.toolName !== proposal.toolName || canonicalJson(step.params) !== canonicalJson(proposal.params)) {
    return `This proposal was changed after its run planned it (the action or its details differ). ${REJECT}`;
  }
  return null;
}
