/**
 * Decisions on proposals. Approve re-validates the (possibly edited) params and the agent's policy,
 * runs the tool and records its effects with the proposal's new status in ONE transaction; a tool
 * failure marks the proposal failed (never approved). Only what a run planned can be approved
 * (binding.ts). Effect ids derive from the proposal id, so a second approve is a no-op. Reject
 * keeps the reason for the next prompt. Revert appends the inverse changes, attributed to the user.
 */
import { ApiError, issuesOf } from '../../../src-shared/api';
import { type AiActor, LOCAL_USER } from '../../../src-shared/domain/actor';
import { AI_APP, type Agent, DEFAULT_AGENT, Proposal, TABLES } from '../../../src-shared/domain/ai';
import { canonicalJson } from '../../../src-shared/lww';
import { getTool } from '../../../src-shared/tools/catalog';
import { resolvePolicy } from '../../../src-shared/tools/policy';
import type { Store } from '../store/store';
import { ToolError } from '../tools/types';
import { loadAgent } from '../runner/agents';
import { runBindingProblem } from './binding';
import { executeTool, revertExecution } from './executor';

export interface ProposalDeps {
  store: Store;
  now: () => Date;
  timeZone: () => string;
  changed: () => void;
}

/** Whether edited params say the same as the approved ones (after the tool's own parsing, e.g. defaults). */
function sameParams(toolName: string, edited: Record<string, unknown>, approved: Record<string, unknown>): boolean {
  const parsed = getTool(toolName)?.params.safeParse(edited);
  return canonicalJson(parsed?.success ? parsed.data : edited) === canonicalJson(approved);
}

export class Proposals {
  constructor(private readonly deps: ProposalDeps) {}

  /** The proposal's record as stored (synced from any replica), or NOT_FOUND. */
  private record(proposalId: string): Record<string, unknown> & { id: string } {
    const record = this.deps.store.getData(AI_APP, TABLES.proposals, proposalId);
    if (!record) throw new ApiError('NOT_FOUND', `No proposal with id "${proposalId}".`);
    return record;
  }

  /**
   * A proposal to act on: its record holds exactly the declared fields (the store's tombstone field
   * and anything undeclared dropped), or the decision is refused before a tool runs on its params.
   */
  private load(proposalId: string): Proposal {
    const parsed = Proposal.safeParse(this.record(proposalId));
    if (!parsed.success) {
      throw new ApiError('CONFLICT', 'This proposal was saved in a form this version cannot act on; reject it and run the mission again.', issuesOf(parsed.error));
    }
    return parsed.data;
  }

  /** What a decision answers: the proposal as the api declares it (a damaged record as it is, less its tombstone). */
  private answer(proposalId: string): Proposal {
    const record = this.record(proposalId);
    const parsed = Proposal.safeParse(record);
    if (parsed.success) return parsed.data;
    const { deletedAt: _tombstone, ...rest } = record;
    return rest as unknown as Proposal;
  }

  /** The proposal's agent; one deleted since keeps the default policy (the user is deciding, not the agent). */
  private agent(agentId: string): Agent {
    const lookup = loadAgent(this.deps.store, agentId);
    return lookup.ok ? lookup.agent : { ...DEFAULT_AGENT, id: agentId };
  }

  private update(id: string, fields: Partial<Proposal>): void {
    this.deps.store.appendLocal([{ app: AI_APP, table: TABLES.proposals, id, op: 'update', fields }], LOCAL_USER);
  }

  approve(proposalId: string, editedParams?: Record<string, unknown>, feedback?: string): Proposal {
    const current = this.load(proposalId);
    if (current.status === 'approved') {
      // a retried approval (its answer was lost) is answered again; other params would be ignored silently
      if (editedParams !== undefined && !sameParams(current.toolName, editedParams, current.params)) {
        throw new ApiError('CONFLICT', 'This proposal is already approved; the changed parameters were not applied. Revert it first to do it differently.');
      }
      return current;
    }
    if (current.status !== 'pending') throw new ApiError('CONFLICT', `This proposal is ${current.status}; only pending proposals can be approved.`);
    const unbound = runBindingProblem(this.deps.store, current);
    if (unbound) throw new ApiError('CONFLICT', unbound);
    const tool = getTool(current.toolName);
    if (!tool) throw new ApiError('CONFLICT', `The tool "${current.toolName}" no longer exists in this version of the app.`);
    const parsed = tool.params.safeParse(editedParams ?? current.params);
    if (!parsed.success) throw new ApiError('BAD_INPUT', `The parameters for ${tool.name} are invalid.`, issuesOf(parsed.error));
    const params = parsed.data as Record<string, unknown>;
    const agent = this.agent(current.agentId);
    if (resolvePolicy(tool, agent.policy) === 'deny') {
      throw new ApiError('CONFLICT', `Agent "${agent.name}" is no longer allowed to use ${tool.name} (policy: deny).`);
    }
    const now = this.deps.now();
    const actor: AiActor = {
      kind: 'ai',
      principalId: current.agentId,
      displayName: current.agentName ?? agent.name,
      missionId: current.missionId,
      iterationId: current.iterationId,
      rationale: current.rationale,
    };
    const decided = { decidedAt: now.toISOString(), decidedBy: LOCAL_USER.principalId, feedback: feedback?.trim() || null, ...whatWasDecided(current) };
    const edited = editedParams ? { params, originalParams: current.params } : {};
    this.deps.store.tx(() => {
      try {
        const execution = executeTool(this.deps.store, tool.name, params, { actor, idPrefix: current.id, now, timeZone: this.deps.timeZone() });
        this.update(current.id, { status: 'approved', ...decided, ...edited, execution });
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        this.update(current.id, { status: 'failed', ...decided, ...edited, execution: { at: now.toISOString(), eventIds: [], error: error.message } });
      }
    });
    this.deps.changed();
    return this.answer(proposalId);
  }

  reject(proposalId: string, feedback?: string): Proposal {
    // only the status matters here, so a damaged record can still be rejected
    const current = this.record(proposalId);
    if (current.status === 'rejected') return this.answer(proposalId);
    if (current.status !== 'pending') throw new ApiError('CONFLICT', `This proposal is ${current.status}; only pending proposals can be rejected.`);
    const decided = { decidedAt: this.deps.now().toISOString(), decidedBy: LOCAL_USER.principalId, feedback: feedback?.trim() || null };
    this.update(current.id, { status: 'rejected', ...decided, ...whatWasDecided(current) });
    this.deps.changed();
    return this.answer(proposalId);
  }

  revert(proposalId: string): Proposal {
    const current = this.load(proposalId);
    if (current.status === 'reverted') return current;
    if (current.status !== 'approved' || !current.execution) {
      throw new ApiError('CONFLICT', `This proposal is ${current.status}; only approved proposals can be reverted.`);
    }
    const execution = current.execution;
    this.deps.store.tx(() => {
      revertExecution(this.deps.store, execution, { actor: LOCAL_USER, idPrefix: current.id });
      this.update(current.id, { status: 'reverted', revertedAt: this.deps.now().toISOString() });
    });
    this.deps.changed();
    return this.answer(proposalId);
  }
}

/**
 * A decision also writes what it decided on (the step's tool, params and reasons), at the decision's
 * stamp. Two devices that planned one due time while apart stage different steps under one card id
 * (runner/plan-ids.ts); whichever plan's staging shows, a decided card then shows the step that was
 * decided, never a mix of one plan's step and the other's decision.
 */
function whatWasDecided(p: Partial<Proposal>): Partial<Proposal> {
  const fields: Partial<Proposal> = {};
  for (const key of ['module', 'toolName', 'params', 'rationale', 'summary', 'plannedBy'] as const) {
    if (p[key] !== undefined) (fields as Record<string, unknown>)[key] = p[key];
  }
  return fields;
}
