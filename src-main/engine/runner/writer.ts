/**
 * Writes the outcome of one mission run in ONE transaction: the iteration record, a proposal per
 * `propose` write step, the effects of `auto` write steps (attributed to the agent), the mission's
 * nextRunAt/lastRunAt/failureStreak/needsAttention and the agent's token use. The runner writes as
 * the system actor `system:mission-runner`; tool effects carry the agent, mission, iteration and
 * the step's rationale.
 *
 * A step that repeats this mission's work (repeats.ts) or that the planner could not use
 * (refusals.ts) is kept on the iteration as refused, with why; a run whose every write step was
 * refused is a failed run saying so.
 */
import { type AiActor, MISSION_RUNNER } from '../../../src-shared/domain/actor';
import {
  AI_APP,
  type Agent,
  type IterationDebug,
  type Iteration,
  type IterationStep,
  type Mission,
  type Proposal,
  TABLES,
  proposalIdFor,
} from '../../../src-shared/domain/ai';
import { REPEAT_REFUSALS, refusedRunText } from '../../../src-shared/domain/run-status';
import { PROMPT_VERSION } from '../../../src-shared/planner/prompt';
import { redactUrlCredentials } from '../../../src-shared/url-credentials';
import { getTool } from '../../../src-shared/tools/catalog';
import { resolvePolicy } from '../../../src-shared/tools/policy';
import { executeTool, runTool } from '../proposals/executor';
import type { Store } from '../store/store';
import { ToolError } from '../tools/types';
import type { TokenLedger } from './agents';
import { ITERATION_TEXT_CHARS, boundedCapture, boundedSteps, cutText, recordedReadResult } from './bounded-record';
import type { DebugCapture, PlanError, PlanOutcome, PlanStepOut } from './planner';
import { refusedStep, withoutRepaired } from './refusals';
import { Repeats } from './repeats';
import { type RunResult, nextLocalMidnight, scheduleAfterRun } from './schedule';

/** An iteration's summary is cut to this (the model's words; shown in lists and in later prompts). */
const SUMMARY_CHARS = 300;
const FAILURE_SUMMARY: Record<PlanError['kind'], string> = {
  llm: 'The LLM call failed.',
  length: 'The model ran out of tokens before finishing the plan.',
  'invalid-plan': 'The model did not produce a valid plan.',
  aborted: 'The run was cancelled.',
};

export type MissionRecord = Mission & { id: string };

export interface WriteContext {
  mission: MissionRecord;
  agent: Agent;
  iterationId: string;
  startedAt: Date;
  /** a due run's plan records are stamped at its due time (plan-ids.ts); null: now */
  planStamp: string | null;
  /** the device that planned it */
  plannedBy: { id: string; name: string };
}

export interface Written {
  status: Iteration['status'];
  proposals: number;
  autoExecuted: number;
  /** true when this failure parked the mission until the user resumes it */
  needsAttention: boolean;
  /** why the run failed, in words (null when it did not) */
  error: string | null;
}

export interface WriterDeps {
  store: Store;
  ledger: TokenLedger;
  now: () => Date;
  timeZone: () => string;
  /** the configured model, for iterations whose answer named none */
  model: () => string;
}

function bounded(summary: string): string {
  const text = summary.trim();
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS - 1)}…` : text;
}

export class IterationWriter {
  constructor(private readonly deps: WriterDeps) {}

  plan(ctx: WriteContext, outcome: PlanOutcome): Written {
    const { store, ledger } = this.deps;
    return store.tx(() => {
      // Read at write time: decisions made while the LLM was thinking count.
      const repeats = Repeats.load(store, ctx.mission, this.deps.now(), this.deps.timeZone());
      let proposals = 0;
      let autoExecuted = 0;
      const steps = withoutRepaired(outcome.steps).map((s, index) => {
        const step = this.step(ctx, s, index, repeats);
        if (step.proposalId) proposals++;
        else if (step.kind === 'write' && step.policy === 'auto' && !step.error) autoExecuted++;
        return step;
      });
      const writes = steps.filter((s) => s.kind === 'write');
      const allRefused = writes.length > 0 && writes.every((s) => s.refused);
      const error = allRefused ? refusedRunText(steps) : null;
      const status: Iteration['status'] = allRefused ? 'failed' : proposals > 0 ? 'awaiting-review' : 'done';
      this.iteration(ctx, {
        status,
        // a run none of whose changes could be used still has the model's summary; its error says why it failed
        summary:
          bounded(outcome.summary) ||
          (allRefused ? 'None of the changes the model proposed could be used.' : steps.length ? `${steps.length} step(s) planned` : 'Nothing to do this time.'),
        steps,
        model: outcome.model ?? this.deps.model(),
        usage: outcome.usage,
        latencyMs: outcome.latencyMs,
        plannerMode: outcome.mode,
        plannerNote: outcome.note,
        error,
      }, outcome.debug);
      // A plan that only repeats earlier work is no fault to back off from: the mission keeps its cadence.
      const onlyRepeats = writes.every((s) => s.refused && REPEAT_REFUSALS.has(s.refused));
      const needsAttention = this.advance(ctx.mission, allRefused && !onlyRepeats ? 'failed' : 'ok');
      ledger.record(ctx.agent.id, outcome.usage);
      return { status, proposals, autoExecuted, needsAttention, error };
    });
  }

  failure(ctx: WriteContext, error: PlanError): Written {
    const { store, ledger } = this.deps;
    return store.tx(() => {
      this.iteration(ctx, {
        status: 'failed',
        summary: FAILURE_SUMMARY[error.kind],
        steps: [],
        model: this.deps.model(),
        usage: error.usage,
        latencyMs: error.latencyMs,
        plannerMode: error.debug.conversations.at(-1)?.mode ?? null,
        plannerNote: error.note,
        error: error.message,
      }, error.debug);
      const needsAttention = this.advance(ctx.mission, 'failed');
      ledger.record(ctx.agent.id, error.usage);
      return { status: 'failed', proposals: 0, autoExecuted: 0, needsAttention, error: error.message };
    });
  }

  /** A run that did not happen, recorded so the user sees why (agent paused, over budget, broken record). */
  skip(ctx: WriteContext, reason: string, summary: string): Written {
    const result: RunResult = reason === 'invalid-mission' ? 'broken' : 'skipped';
    return this.deps.store.tx(() => {
      this.iteration(ctx, { status: 'skipped', summary, steps: [], model: null, usage: null, latencyMs: null, plannerMode: null, error: result === 'broken' ? summary : null }, null);
      const notBefore = reason === 'over-budget' ? nextLocalMidnight(this.deps.now(), this.deps.timeZone()) : null;
      const needsAttention = this.advance(ctx.mission, result, notBefore);
      return { status: 'skipped', proposals: 0, autoExecuted: 0, needsAttention, error: result === 'broken' ? summary : null };
    });
  }

  /** One plan step as recorded: refused, a read (what it asked for, not what it returned), an auto-executed write, or a staged proposal. */
  private step(ctx: WriteContext, s: PlanStepOut, index: number, repeats: Repeats): IterationStep {
    const { store } = this.deps;
    const tool = getTool(s.toolName);
    const step: IterationStep = { index, summary: s.summary || tool?.describe(s.params) || s.toolName, toolName: s.toolName, params: s.params, rationale: s.rationale, kind: s.kind };
    if (s.refused) return refusedStep(step, s.refused, tool);
    if (!tool) return refusedStep(step, 'unknown-tool', tool);
    const decision = resolvePolicy(tool, ctx.agent.policy);
    // Enforced here as well as in the offered tools: a denied tool never runs, whatever the model said.
    if (decision === 'deny') return refusedStep(step, 'denied', tool);
    const now = this.deps.now();
    const timeZone = this.deps.timeZone();
    const actor: AiActor = { kind: 'ai', principalId: ctx.agent.id, displayName: ctx.agent.name, missionId: ctx.mission.id, iterationId: ctx.iterationId, rationale: s.rationale };
    if (tool.kind === 'read') {
      if (s.result !== undefined) return { ...step, policy: 'auto', result: recordedReadResult(s.result) };
      try {
        return { ...step, policy: 'auto', result: recordedReadResult(runTool(store, tool.name, s.params, { actor, now, timeZone }).result) };
      } catch (error) {
        return { ...step, policy: 'auto', error: (error as Error).message };
      }
    }
    const repeat = repeats.match(tool.name, s.params);
    if (repeat) return refusedStep({ ...step, policy: decision }, repeat, tool);
    const proposalId = proposalIdFor(ctx.iterationId, index);
    if (decision === 'auto') {
      try {
        const result = executeTool(store, tool.name, s.params, { actor, idPrefix: proposalId, now, timeZone }).result;
        repeats.add(tool.name, s.params, 'already-done');
        return { ...step, policy: 'auto', result };
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        return { ...step, policy: 'auto', error: error.message };
      }
    }
    repeats.add(tool.name, s.params, 'already-proposed');
    const proposal: Proposal = {
      id: proposalId,
      missionId: ctx.mission.id,
      iterationId: ctx.iterationId,
      agentId: ctx.agent.id,
      agentName: ctx.agent.name,
      missionTitle: ctx.mission.title,
      module: tool.module,
      toolName: tool.name,
      params: s.params,
      rationale: s.rationale,
      summary: step.summary,
      status: 'pending',
      createdAt: now.toISOString(),
      decidedAt: null,
      decidedBy: null,
      feedback: null,
      execution: null,
      plannedBy: ctx.plannedBy,
    };
    store.appendLocal([{ app: AI_APP, table: TABLES.proposals, id: proposalId, op: 'insert', fields: proposal, eventId: `${proposalId}/staged`, ...stampOf(ctx) }], MISSION_RUNNER);
    return { ...step, policy: 'propose', proposalId };
  }

  private iteration(
    ctx: WriteContext,
    fields: Pick<Iteration, 'status' | 'summary' | 'steps' | 'model' | 'usage' | 'latencyMs' | 'plannerMode' | 'error'> & Pick<Partial<Iteration>, 'plannerNote'>,
    debug: DebugCapture | null,
  ): void {
    const now = this.deps.now().toISOString();
    const iteration: Iteration = {
      id: ctx.iterationId,
      missionId: ctx.mission.id,
      agentId: ctx.agent.id,
      source: 'runner',
      startedAt: ctx.startedAt.toISOString(),
      finishedAt: now,
      promptVersion: PROMPT_VERSION,
      plannedBy: ctx.plannedBy,
      ...fields,
      // within the per-change limit whatever the model said (bounded-record.ts), and never a
      // password written into a URL
      steps: boundedSteps(fields.steps),
      error: fields.error ? cutText(redactUrlCredentials(fields.error), ITERATION_TEXT_CHARS) : (fields.error ?? null),
      ...(fields.plannerNote ? { plannerNote: cutText(redactUrlCredentials(fields.plannerNote), ITERATION_TEXT_CHARS) } : {}),
    };
    this.deps.store.appendLocal(
      [{ app: AI_APP, table: TABLES.iterations, id: iteration.id, op: 'insert', fields: iteration, eventId: `${iteration.id}/written`, ...stampOf(ctx) }],
      MISSION_RUNNER,
    );
    if (debug) this.deps.store.debugCaptures.save(iteration.id, now, boundedCapture(debug));
  }

  debug(iterationId: string): IterationDebug | null {
    const stored = this.deps.store.debugCaptures.get<DebugCapture>(iterationId);
    return stored ? { iterationId, capturedAt: stored.capturedAt, ...stored.capture } : null;
  }

  /** Moves the mission to its next run; returns true when it now needs attention. */
  private advance(planned: MissionRecord, result: RunResult, notBefore: Date | null = null): boolean {
    const now = this.deps.now();
    // Re-read: the user may have changed the cadence while the LLM was thinking.
    const mission = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, planned.id) ?? planned;
    const next = scheduleAfterRun(mission.cadence, Number(mission.failureStreak) || 0, result, now, this.deps.timeZone(), notBefore);
    this.deps.store.appendLocal(
      [{ app: AI_APP, table: TABLES.missions, id: mission.id, op: 'update', fields: { ...next, lastRunAt: now.toISOString() } }],
      MISSION_RUNNER,
    );
    return next.needsAttention;
  }
}

/** The stamp of a run's plan records (iteration, proposals): its due time's, or a fresh one. */
function stampOf(ctx: WriteContext): { at?: string } {
  return ctx.planStamp ? { at: ctx.planStamp } : {};
}
