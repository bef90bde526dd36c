/**
 * One run of one mission, step by step: claim the mission -> load it and its agent -> this
 * device's turn for the due time (due-times.ts) -> gates -> queue (the agent's slots, then the
 * LLM's) -> plan -> write -> outcome. Every step that stops a run records why (a skipped or failed
 * iteration), except an abort and a due time left to another device, which write nothing.
 *
 * An agent runs at most maxConcurrentMissions due missions at once: the others queue for the
 * agent's slots, then for the LLM's (setting `runner.concurrency`). Pausing or deleting a
 * mission, or stopping the runner, aborts its run through its claim.
 */
import { MISSION_RUNNER } from '../../../src-shared/domain/actor';
import { AI_APP, type Agent, DEFAULT_AGENT, DEFAULT_AGENT_ID, Mission, TABLES } from '../../../src-shared/domain/ai';
import { TOOLS, TOOLS_BY_NAME, type ToolDef } from '../../../src-shared/tools/catalog';
import { resolvePolicy } from '../../../src-shared/tools/policy';
import type { LlmClient } from '../llm/client';
import { runTool } from '../proposals/executor';
import type { Settings } from '../settings';
import type { Store } from '../store/store';
import { type TokenLedger, loadAgent } from './agents';
import type { Claims } from './claims';
import type { DueTimes } from './due-times';
import { type Gate, type Trigger, firstRefusal } from './gates';
import { awaitingReview, pastIterations } from './history';
import { resolveInputs } from './inputs';
import { NOT_RUN, type RunOutcome } from './outcome';
import { canonicalDueAt, dueIterationId, manualIterationId, planStamp } from './plan-ids';
import { type PlanOutcome, PlanError, plan } from './planner';
import type { Emit } from './runner';
import { Semaphore } from './semaphore';
import type { RunnerStatusBoard } from './status';
import { IterationWriter, type MissionRecord, type WriteContext, type Written } from './writer';

export type { Trigger } from './gates';

export interface PipelineDeps {
  store: Store;
  settings: Settings;
  llm: LlmClient;
  emit: Emit;
  now: () => Date;
  ledger: TokenLedger;
  claims: Claims;
  gates: readonly Gate[];
  status: RunnerStatusBoard;
  /** a run ended: its mission's nextRunAt moved, so the timer is re-armed */
  runEnded: () => void;
  /** whether this device plans a due time (runner role, claim at the sync server) */
  dueTimes: DueTimes;
  /** this device, as its plans name it */
  device: () => { id: string; name: string };
}

class Aborted extends Error {
  override name = 'AbortError';
}

export class RunPipeline {
  /** LLM calls at once (setting `runner.concurrency`) */
  private readonly llmSlots: Semaphore;
  /** per agent: its due missions planned at once */
  private readonly agentSlots = new Map<string, Semaphore>();
  private readonly writer: IterationWriter;

  constructor(private readonly deps: PipelineDeps) {
    const { store, settings, llm, ledger, now } = deps;
    this.llmSlots = new Semaphore(settings.get().runner.concurrency);
    this.writer = new IterationWriter({ store, ledger, now, timeZone: () => settings.get().runner.timeZone, model: () => llm.currentConfig().model });
  }

  /** The LLM's slots follow the setting. */
  resize(concurrency: number): void {
    this.llmSlots.resize(concurrency);
  }

  async run(missionId: string, trigger: Trigger): Promise<RunOutcome> {
    const { claims, store, status } = this.deps;
    const claim = claims.take(missionId);
    if (!claim) return { ...NOT_RUN, skipped: 'already-running' };
    let iterationId: string | null = null;
    try {
      const record = store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
      if (!record || record.state !== 'active') return { ...NOT_RUN, skipped: 'not-active' };
      const startedAt = this.deps.now();
      const device = this.deps.device();
      // A due run plans its due time; its ids and stamps derive from it (plan-ids.ts).
      const dueAt = trigger === 'due' ? canonicalDueAt(record.nextRunAt) : null;
      iterationId = dueAt ? dueIterationId(missionId, dueAt) : manualIterationId(missionId, store.clock.now());
      const plan = { iterationId, startedAt, planStamp: dueAt ? planStamp(dueAt, store.clock.nodeId) : null, plannedBy: device };
      const parsed = Mission.safeParse(record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const why = `The mission record is invalid (${issue?.path.join('.')}: ${issue?.message}); edit the mission, then resume it.`;
        return this.skip({ mission: record, agent: placeholderAgent(record.agentId), ...plan }, 'invalid-mission', why);
      }
      const mission = { ...parsed.data, id: missionId };
      const lookup = loadAgent(store, mission.agentId);
      const ctx: WriteContext = { mission, agent: lookup.ok ? lookup.agent : placeholderAgent(mission.agentId), ...plan };
      const refusal = lookup.ok ? firstRefusal(this.deps.gates, { ...ctx, trigger }) : null;
      // A quiet refusal writes nothing: the mission keeps its due time (gates.ts). It comes before the
      // claim, so a mission held for review never takes a due time from another device.
      if (refusal?.quiet) return { ...NOT_RUN, skipped: refusal.reason, error: refusal.message };
      if (dueAt) {
        const hold = store.get(AI_APP, TABLES.iterations, iterationId)
          ? this.deps.dueTimes.alreadyPlanned(missionId, dueAt)
          : await this.deps.dueTimes.decide(missionId, dueAt, claim.signal);
        if (claim.signal.aborted) return { ...NOT_RUN, skipped: 'aborted' };
        // Another device plans this due time: nothing is written here (due-times.ts).
        if (hold) return { ...NOT_RUN, skipped: hold.reason, error: hold.message };
      }
      if (!lookup.ok) return this.skip(ctx, lookup.reason, lookup.message);
      if (refusal) return this.skip(ctx, refusal.reason, refusal.message);
      status.setPhase(ctx, 'queued');
      return await this.queued(ctx, trigger, claim.signal);
    } catch (error) {
      if ((error as Error).name === 'AbortError' || claim.signal.aborted) return { ...NOT_RUN, skipped: 'aborted' };
      throw error;
    } finally {
      claims.release(missionId);
      if (iterationId) status.runEnded(iterationId);
      this.deps.runEnded(); // a no-op during a tick, which re-arms when it ends
    }
  }

  /** Waits for the agent's slot (due runs only: the user's Run now is not held back), then the LLM's. */
  private async queued(ctx: WriteContext, trigger: Trigger, signal: AbortSignal): Promise<RunOutcome> {
    const agentSlot = trigger === 'due' ? this.agentSlot(ctx.agent) : null;
    await agentSlot?.acquire(signal);
    try {
      await this.llmSlots.acquire(signal);
      try {
        return await this.planAndWrite(ctx, signal);
      } finally {
        this.llmSlots.release();
      }
    } finally {
      agentSlot?.release();
    }
  }

  /** The agent's slots, sized to its current maxConcurrentMissions (the record may have changed). */
  private agentSlot(agent: Agent): Semaphore {
    let slots = this.agentSlots.get(agent.id);
    if (!slots) {
      slots = new Semaphore(agent.maxConcurrentMissions);
      this.agentSlots.set(agent.id, slots);
    } else slots.resize(agent.maxConcurrentMissions);
    return slots;
  }

  private skip(ctx: WriteContext, reason: string, summary: string): RunOutcome {
    const written = this.writer.skip(ctx, reason, summary);
    this.afterWrite(ctx, written, null);
    return { ...NOT_RUN, iterationId: ctx.iterationId, skipped: reason, error: summary };
  }

  private async planAndWrite(ctx: WriteContext, signal: AbortSignal): Promise<RunOutcome> {
    const { store, status } = this.deps;
    const settings = this.deps.settings.get();
    const timeZone = settings.runner.timeZone;
    status.setPhase(ctx, 'resolving-inputs');
    const inputs = resolveInputs(store, ctx.mission.inputs);
    const allowed = allowedTools(ctx.agent);
    const recentIterations = pastIterations(store, ctx.mission.id);
    const pending = awaitingReview(store, ctx.mission.id);
    let outcome: PlanOutcome;
    try {
      const context = { mission: ctx.mission, agent: ctx.agent, inputs, recentIterations, awaitingReview: pending, tools: [...allowed.values()], now: this.deps.now(), timeZone };
      outcome = await plan(context, settings.llm.plannerMode, {
        llm: this.deps.llm,
        allowed,
        catalog: TOOLS_BY_NAME,
        decision: (tool) => resolvePolicy(tool, ctx.agent.policy),
        // what each endpoint was found to support is remembered in the settings (persisted per endpoint)
        capabilities: this.deps.settings,
        signal,
        runRead: (name, params) => runTool(store, name, params, { actor: MISSION_RUNNER, now: this.deps.now(), timeZone }).result,
        onPhase: (phase, round) => status.setPhase(ctx, phase, round),
      });
      status.recordLlmHealth(null);
      // Paused or deleted while the answer was on its way: the plan is no longer wanted (its tokens were spent).
      if (signal.aborted) {
        this.deps.ledger.record(ctx.agent.id, outcome.usage);
        throw new Aborted('aborted');
      }
    } catch (error) {
      if (!(error instanceof PlanError)) throw error; // Aborted included
      if (error.kind === 'aborted' || signal.aborted) {
        // Nothing is written for a cancelled run, but what it spent counts against the agent's budget.
        this.deps.ledger.record(ctx.agent.id, error.usage);
        throw new Aborted('aborted');
      }
      if (error.kind === 'llm') status.recordLlmHealth(error.message);
      status.setPhase(ctx, 'writing');
      this.afterWrite(ctx, this.writer.failure(ctx, error), error.message);
      return {
        iterationId: ctx.iterationId,
        status: 'failed',
        error: error.message,
        proposals: 0,
        autoExecuted: 0,
        tokens: error.usage.totalTokens,
        parseFailure: error.kind === 'invalid-plan',
        llmError: error.kind === 'llm',
      };
    }
    status.setPhase(ctx, 'writing');
    const written = this.writer.plan(ctx, outcome);
    this.afterWrite(ctx, written, written.error);
    return { iterationId: ctx.iterationId, status: written.status, error: written.error, proposals: written.proposals, autoExecuted: written.autoExecuted, tokens: outcome.usage.totalTokens };
  }

  private afterWrite(ctx: WriteContext, written: Written, error: string | null): void {
    const { emit, store } = this.deps;
    emit('sync.changed', { seq: store.maxSeq() });
    if (written.proposals > 0) emit('proposals.created', { count: written.proposals, missionId: ctx.mission.id, missionTitle: ctx.mission.title });
    if (written.needsAttention) {
      emit('mission.attention', {
        missionId: ctx.mission.id,
        missionTitle: ctx.mission.title,
        reason: error ? `Too many runs in a row failed; the last error: ${error}` : 'The mission cannot run as it is; open it to see why.',
      });
    }
  }

  debugCapture(iterationId: string) {
    return this.writer.debug(iterationId);
  }
}

/** The tools offered to this agent's model: everything its policy does not deny. */
function allowedTools(agent: Agent): Map<string, ToolDef> {
  return new Map(TOOLS.filter((t) => resolvePolicy(t, agent.policy) !== 'deny').map((t) => [t.name, t]));
}

/** Stands in for an agent that cannot be loaded, so the skip is still recorded under the mission's agent id. */
function placeholderAgent(agentId: unknown): Agent {
  return { ...DEFAULT_AGENT, id: typeof agentId === 'string' && agentId ? agentId : DEFAULT_AGENT_ID };
}
