/**
 * What the prompt shows of a mission's past: its last iterations with each step's fate (approved,
 * rejected with the user's feedback, failed, executed), so the model learns from decisions.
 */
import { AI_APP, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import { type PastIteration, RECENT_ITERATIONS } from '../../../src-shared/planner/prompt';
import { getTool } from '../../../src-shared/tools/catalog';
import type { Store } from '../store/store';

export function pastIterations(store: Store, missionId: string): PastIteration[] {
  return store.iterations.recentIterations(missionId, RECENT_ITERATIONS).map((it) => ({
    startedAt: it.startedAt,
    status: it.status,
    summary: it.summary,
    error: it.error ?? null,
    steps: (it.steps ?? []).map((s) => {
      const p = s.proposalId ? store.getData<Proposal>(AI_APP, TABLES.proposals, s.proposalId) : null;
      return {
        toolName: s.toolName,
        summary: s.summary || getTool(s.toolName)?.describe(s.params) || s.toolName,
        status: p ? p.status : s.error ? 'failed' : s.kind === 'read' ? 'read' : 'executed',
        feedback: p?.feedback ?? null,
      };
    }),
  }));
}
