/**
 * The embedded mission runner. A tick finds due missions (active, nextRunAt <= now, not deleted),
 * claims each so no two runs plan the same mission, plans them with bounded LLM concurrency, and
 * writes each outcome in ONE transaction: the iteration, its proposals, auto-executed effects and
 * the mission's next run. `nextRunAt` advances after every run, successful or failed; failures back
 * off exponentially and, after MAX_FAILURES in a row, park the mission until the user resumes it.
 */
import { randomUUID } from 'node:crypto';
import { type RunPhase, type RunnerStatus, type RunningIteration, type TickResult, ApiError } from '../../../src-shared/api';
import { nextRunAfter, wallClock } from '../../../src-shared/cadence';
import { type AiActor, MISSION_RUNNER } from '../../../src-shared/domain/actor';
import {
  AI_APP,
  type Agent,
  DEFAULT_AGENT,
  DEFAULT_AGENT_ID,
  type Iteration,
  type IterationStep,
  type Mission,
  type Proposal,
  TABLES,
  type Usage,
  proposalIdFor,
} from '../../../src-shared/domain/ai';
import { PROMPT_VERSION, type PastIteration } from '../../../src-shared/planner/prompt';
import { TOOLS, TOOLS_BY_NAME, type ToolDef, getTool } from '../../../src-shared/tools/catalog';
import { resolvePolicy } from '../../../src-shared/tools/policy';
import type { LlmClient } from '../llm/client';
import { executeTool, runTool } from '../proposals/executor';
import type { Settings } from '../settings';
import type { Store } from '../store/store';
import { ToolError } from '../tools/types';
import { resolveInputs } from './inputs';
import { type PlanOutcome, PlanError, plan } from './planner';
import { Semaphore } from './semaphore';

export const MAX_FAILURES = 5;
const BACKOFF_BASE_MS = 60_000;
const DEBUG_KEEP = 200;
const TICKS_KEEP = 1000;

export type Emit = (event: string, payload: unknown) => void;

export interface RunOutcome {
  iterationId: string | null;
  status: Iteration['status'];
  error: string | null;
  proposals: number;
  autoExecuted: number;
  tokens: number;
  skipped?: string;
  parseFailure?: boolean;
  llmError?: boolean;
}

type MissionRecord = Mission & { id: string };

export interface RunnerDeps {
  store: Store;
  settings: Settings;
  llm: LlmClient;
  emit: Emit;
  now?: () => Date;
}

export class Runner {
  private readonly claims = new Map<string, AbortController>();
  private readonly running = new Map<string, RunningIteration>();
  private readonly semaphore: Semaphore;
  private tickInFlight: Promise<TickResult> | null = null;
  private lastTick: TickResult | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextTickAt: Date | null = null;
  private started = false;
  private llmHealth: { lastError: string | null; lastOkAt: string | null } = { lastError: null, lastOkAt: null };
  private readonly now: () => Date;

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.semaphore = new Semaphore(deps.settings.get().runner.concurrency);
    deps.settings.onChange((s) => {
      this.semaphore.resize(s.runner.concurrency);
      this.schedule();
    });
    const last = deps.store.db.prepare('SELECT result FROM ticks ORDER BY id DESC LIMIT 1').get() as { result: string } | undefined;
    if (last) this.lastTick = JSON.parse(last.result) as TickResult;
  }

  start(): void {
    this.started = true;
    this.schedule();
  }

  /** Stops scheduling, aborts in-flight LLM calls and waits for their transactions to finish. */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const controller of this.claims.values()) controller.abort();
    await this.tickInFlight?.catch(() => undefined);
    while (this.claims.size) await new Promise((r) => setTimeout(r, 10));
  }

  /** Re-arms the single timer: the earlier of the safety-net interval and the earliest nextRunAt. */
  schedule(): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    const { tickIntervalMs, paused } = this.deps.settings.get().runner;
    const now = this.now().getTime();
    let at = now + tickIntervalMs;
    const due = this.earliestDue();
    if (due && !paused) at = Math.min(at, Math.max(now, Date.parse(due)));
    this.nextTickAt = new Date(at);
    this.timer = setTimeout(() => void this.tick().catch(() => undefined), Math.min(at - now, 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private earliestDue(): string | null {
    const row = this.deps.store.db
      .prepare(
        `SELECT MIN(json_extract(data, '$.nextRunAt')) AS at FROM records
         WHERE app_id = 'ai' AND table_name = 'aiMissions' AND deleted = 0 AND json_extract(data, '$.state') = 'active'`,
      )
      .get() as { at: string | null };
    return row.at;
  }

  dueMissions(now: Date): MissionRecord[] {
    return this.deps.store.query<MissionRecord>(
      AI_APP,
      TABLES.missions,
      `json_extract(data, '$.state') = 'active' AND json_extract(data, '$.nextRunAt') IS NOT NULL AND json_extract(data, '$.nextRunAt') <= ?`,
      [now.toISOString()],
    );
  }

  async tick(): Promise<TickResult> {
    if (this.tickInFlight) {
      return { ...emptyTick(this.now()), overlapSkipped: true };
    }
    this.tickInFlight = this.runTick().finally(() => {
      this.tickInFlight = null;
      this.schedule();
    });
    return this.tickInFlight;
  }

  private async runTick(): Promise<TickResult> {
    const started = this.now();
    const result = emptyTick(started);
    if (this.deps.settings.get().runner.paused) {
      result.skipped.paused = 1;
    } else {
      const due = this.dueMissions(started);
      result.due = due.length;
      const outcomes = await Promise.all(due.map((m) => this.runMission(m.id, 'due')));
      for (const o of outcomes) {
        if (o.skipped) result.skipped[o.skipped] = (result.skipped[o.skipped] ?? 0) + 1;
        else if (o.status === 'failed') result.failed++;
        else result.planned++;
        result.proposals += o.proposals;
        result.autoExecuted += o.autoExecuted;
        result.tokens += o.tokens;
        if (o.parseFailure) result.parseFailures++;
        if (o.llmError) result.llmErrors++;
      }
    }
    result.durationMs = this.now().getTime() - started.getTime();
    this.recordTick(result);
    return result;
  }

  private recordTick(result: TickResult): void {
    const db = this.deps.store.db;
    db.prepare('INSERT INTO ticks (scanned_at, result) VALUES (?, ?)').run(result.scannedAt, JSON.stringify(result));
    db.prepare('DELETE FROM ticks WHERE id <= (SELECT MAX(id) FROM ticks) - ?').run(TICKS_KEEP);
    this.lastTick = result;
    this.deps.emit('runner.tick', result);
    this.emitStatus();
  }

  recentTicks(limit: number): TickResult[] {
    const rows = this.deps.store.db.prepare('SELECT result FROM ticks ORDER BY id DESC LIMIT ?').all(limit) as { result: string }[];
    return rows.map((r) => JSON.parse(r.result) as TickResult);
  }

  async runNow(missionId: string): Promise<RunOutcome> {
    const mission = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
    if (!mission) throw new ApiError('NOT_FOUND', `No mission with id "${missionId}".`);
    if (mission.state !== 'active') throw new ApiError('CONFLICT', `The mission is ${mission.state}; resume it before running it.`);
    if (this.claims.has(missionId)) throw new ApiError('CONFLICT', 'This mission is already being planned; wait for the current run to finish.');
    const outcome = await this.runMission(missionId, 'manual');
    this.schedule();
    return outcome;
  }

  /** Aborts the in-flight run of a mission (paused, deleted, or the app quitting). */
  abort(missionId: string): void {
    this.claims.get(missionId)?.abort();
  }

  /** Called after data changed: abort runs whose mission was paused or deleted meanwhile. */
  onDataChanged(): void {
    for (const missionId of this.claims.keys()) {
      const m = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
      if (!m || m.state !== 'active') this.abort(missionId);
    }
    this.schedule();
  }

  private agentFor(mission: MissionRecord): Agent {
    const id = mission.agentId || DEFAULT_AGENT_ID;
    const stored = this.deps.store.getData<Agent>(AI_APP, TABLES.agents, id);
    if (stored) return { ...DEFAULT_AGENT, ...stored, id };
    return DEFAULT_AGENT;
  }

  private runningForAgent(agentId: string): number {
    return [...this.running.values()].filter((r) => (r as RunningIteration & { agentId?: string }).agentId === agentId).length;
  }

  tokensToday(agentId: string): number {
    const day = this.localDay(this.now());
    const row = this.deps.store.db.prepare('SELECT tokens FROM token_usage WHERE day = ? AND agent_id = ?').get(day, agentId) as { tokens: number } | undefined;
    return row?.tokens ?? 0;
  }

  private localDay(at: Date): string {
    const w = wallClock(at, this.deps.settings.get().runner.timeZone);
    return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  }

  private async runMission(missionId: string, trigger: 'due' | 'manual'): Promise<RunOutcome> {
    const none: RunOutcome = { iterationId: null, status: 'skipped', error: null, proposals: 0, autoExecuted: 0, tokens: 0 };
    if (this.claims.has(missionId)) return { ...none, skipped: 'already-running' };
    const controller = new AbortController();
    this.claims.set(missionId, controller);
    const iterationId = randomUUID();
    try {
      const mission = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
      if (!mission || mission.state !== 'active') return { ...none, skipped: 'not-active' };
      const agent = this.agentFor(mission);
      if (agent.state !== 'active') {
        return this.writeSkip(mission, agent, iterationId, `agent-${agent.state}`, `Skipped: agent "${agent.name}" is ${agent.state}.`);
      }
      if (agent.maxTokensPerDay !== null && agent.maxTokensPerDay !== undefined && this.tokensToday(agent.id) >= agent.maxTokensPerDay) {
        return this.writeSkip(
          mission,
          agent,
          iterationId,
          'over-budget',
          `Skipped: agent "${agent.name}" used ${this.tokensToday(agent.id)} of its ${agent.maxTokensPerDay} tokens today.`,
        );
      }
      if (trigger === 'due' && this.runningForAgent(agent.id) >= agent.maxConcurrentMissions) return { ...none, skipped: 'agent-concurrency' };
      const startedAt = this.now();
      this.setPhase(mission, agent, iterationId, 'queued', startedAt);
      await this.semaphore.acquire(controller.signal);
      try {
        return await this.planAndWrite(mission, agent, iterationId, startedAt, controller.signal);
      } finally {
        this.semaphore.release();
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError' || controller.signal.aborted) return { ...none, skipped: 'aborted' };
      throw error;
    } finally {
      this.claims.delete(missionId);
      this.running.delete(iterationId);
      this.emitStatus();
    }
  }

  private setPhase(mission: MissionRecord, agent: Agent, iterationId: string, phase: RunPhase, startedAt: Date, round?: number): void {
    const now = this.now().toISOString();
    this.running.set(iterationId, {
      missionId: mission.id,
      missionTitle: mission.title,
      iterationId,
      phase,
      phaseStartedAt: now,
      startedAt: startedAt.toISOString(),
      ...(round ? { round } : {}),
      agentId: agent.id,
    } as RunningIteration);
    this.emitStatus();
  }

  private allowedTools(agent: Agent): Map<string, ToolDef> {
    return new Map(TOOLS.filter((t) => resolvePolicy(t, agent.policy) !== 'deny').map((t) => [t.name, t]));
  }

  private recentIterations(missionId: string): PastIteration[] {
    const iterations = this.deps.store
      .query<Iteration>(AI_APP, TABLES.iterations, `json_extract(data, '$.missionId') = ?`, [missionId])
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, 3);
    return iterations.map((it) => ({
      startedAt: it.startedAt,
      status: it.status,
      summary: it.summary,
      error: it.error ?? null,
      steps: (it.steps ?? []).map((s) => {
        const p = s.proposalId ? this.deps.store.getData<Proposal>(AI_APP, TABLES.proposals, s.proposalId) : null;
        return {
          toolName: s.toolName,
          summary: s.summary || getTool(s.toolName)?.describe(s.params) || s.toolName,
          status: p ? p.status : s.error ? 'failed' : s.kind === 'read' ? 'read' : 'executed',
          feedback: p?.feedback ?? null,
        };
      }),
    }));
  }

  private async planAndWrite(mission: MissionRecord, agent: Agent, iterationId: string, startedAt: Date, signal: AbortSignal): Promise<RunOutcome> {
    const settings = this.deps.settings.get();
    const timeZone = settings.runner.timeZone;
    this.setPhase(mission, agent, iterationId, 'resolving-inputs', startedAt);
    const inputs = resolveInputs(this.deps.store, mission.inputs ?? []);
    const allowed = this.allowedTools(agent);
    const recentIterations = this.recentIterations(mission.id);
    this.setPhase(mission, agent, iterationId, 'calling-llm', startedAt);
    let outcome: PlanOutcome;
    try {
      outcome = await plan(
        { mission, agent, inputs, recentIterations, tools: [...allowed.values()], now: this.now(), timeZone },
        settings.llm.plannerMode,
        {
          llm: this.deps.llm,
          allowed,
          catalog: TOOLS_BY_NAME,
          signal,
          runRead: (name, params) => runTool(this.deps.store, name, params, { actor: MISSION_RUNNER, now: this.now(), timeZone }).result,
          onRound: (round) => this.setPhase(mission, agent, iterationId, 'calling-llm', startedAt, round),
        },
      );
      this.llmHealth = { lastError: null, lastOkAt: this.now().toISOString() };
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      if (error.kind === 'aborted') throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      if (error.kind === 'llm') this.llmHealth = { ...this.llmHealth, lastError: error.message };
      this.setPhase(mission, agent, iterationId, 'writing', startedAt);
      return this.writeFailure(mission, agent, iterationId, startedAt, error);
    }
    this.setPhase(mission, agent, iterationId, 'writing', startedAt);
    return this.writePlan(mission, agent, iterationId, startedAt, outcome);
  }

  private writePlan(mission: MissionRecord, agent: Agent, iterationId: string, startedAt: Date, outcome: PlanOutcome): RunOutcome {
    const { store } = this.deps;
    const timeZone = this.deps.settings.get().runner.timeZone;
    const now = this.now();
    let proposals = 0;
    let autoExecuted = 0;
    store.tx(() => {
      const steps: IterationStep[] = outcome.steps.map((s, index) => {
        const tool = getTool(s.toolName);
        const step: IterationStep = { index, summary: s.summary || tool?.describe(s.params) || s.toolName, toolName: s.toolName, params: s.params, rationale: s.rationale, kind: s.kind };
        if (s.refused || !tool) {
          return { ...step, policy: 'deny', error: `Refused: ${s.refused ?? 'unknown tool'}; nothing was run.` };
        }
        const decision = resolvePolicy(tool, agent.policy);
        // Policy is enforced here as well as in the prompt: a denied tool never runs, whatever the model said.
        if (decision === 'deny') return { ...step, policy: 'deny', error: 'Refused: denied by policy; nothing was run.' };
        const actor: AiActor = { kind: 'ai', principalId: agent.id, displayName: agent.name, missionId: mission.id, iterationId, rationale: s.rationale };
        if (tool.kind === 'read') {
          if (s.result !== undefined) return { ...step, policy: 'auto', result: s.result };
          try {
            return { ...step, policy: 'auto', result: runTool(store, tool.name, s.params, { actor, now, timeZone }).result };
          } catch (error) {
            return { ...step, policy: 'auto', error: (error as Error).message };
          }
        }
        const proposalId = proposalIdFor(iterationId, index);
        if (decision === 'auto') {
          try {
            const execution = executeTool(store, tool.name, s.params, { actor, idPrefix: proposalId, now, timeZone });
            autoExecuted++;
            return { ...step, policy: 'auto', result: execution.result };
          } catch (error) {
            if (!(error instanceof ToolError)) throw error;
            return { ...step, policy: 'auto', error: error.message };
          }
        }
        proposals++;
        const proposal: Proposal = {
          id: proposalId,
          missionId: mission.id,
          iterationId,
          agentId: agent.id,
          agentName: agent.name,
          missionTitle: mission.title,
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
        };
        store.appendLocal([{ app: AI_APP, table: TABLES.proposals, id: proposalId, op: 'insert', fields: proposal, eventId: `${proposalId}/staged` }], MISSION_RUNNER);
        return { ...step, policy: 'propose', proposalId };
      });
      const iteration: Iteration = {
        id: iterationId,
        missionId: mission.id,
        agentId: agent.id,
        source: 'runner',
        startedAt: startedAt.toISOString(),
        finishedAt: now.toISOString(),
        status: proposals > 0 ? 'awaiting-review' : 'done',
        summary: outcome.summary || (steps.length ? `${steps.length} step(s) planned` : 'Nothing to do this time.'),
        steps,
        model: outcome.model ?? this.deps.llm.currentConfig().model,
        usage: outcome.usage,
        latencyMs: outcome.latencyMs,
        promptVersion: PROMPT_VERSION,
        plannerMode: outcome.mode,
        error: null,
      };
      this.writeIteration(iteration, outcome.debug);
      this.advanceMission(mission, now, false);
      this.recordTokens(agent.id, outcome.usage);
    });
    this.afterWrite(mission, proposals);
    return { iterationId, status: proposals > 0 ? 'awaiting-review' : 'done', error: null, proposals, autoExecuted, tokens: outcome.usage.totalTokens };
  }

  private writeFailure(mission: MissionRecord, agent: Agent, iterationId: string, startedAt: Date, error: PlanError): RunOutcome {
    const now = this.now();
    let attention = false;
    this.deps.store.tx(() => {
      this.writeIteration(
        {
          id: iterationId,
          missionId: mission.id,
          agentId: agent.id,
          source: 'runner',
          startedAt: startedAt.toISOString(),
          finishedAt: now.toISOString(),
          status: 'failed',
          summary: error.kind === 'invalid-plan' ? 'The model did not produce a valid plan.' : 'The LLM call failed.',
          steps: [],
          model: this.deps.llm.currentConfig().model,
          usage: error.usage,
          latencyMs: null,
          promptVersion: PROMPT_VERSION,
          plannerMode: error.debug.mode,
          error: error.message,
        },
        error.debug,
      );
      attention = this.advanceMission(mission, now, true);
      this.recordTokens(agent.id, error.usage);
    });
    this.afterWrite(mission, 0);
    if (attention) {
      this.deps.emit('mission.attention', {
        missionId: mission.id,
        missionTitle: mission.title,
        reason: `${MAX_FAILURES} runs in a row failed; the last error: ${error.message}`,
      });
    }
    return {
      iterationId,
      status: 'failed',
      error: error.message,
      proposals: 0,
      autoExecuted: 0,
      tokens: error.usage.totalTokens,
      parseFailure: error.kind === 'invalid-plan',
      llmError: error.kind === 'llm',
    };
  }

  private writeSkip(mission: MissionRecord, agent: Agent, iterationId: string, reason: string, summary: string): RunOutcome {
    const now = this.now();
    this.deps.store.tx(() => {
      this.writeIteration(
        {
          id: iterationId,
          missionId: mission.id,
          agentId: agent.id,
          source: 'runner',
          startedAt: now.toISOString(),
          finishedAt: now.toISOString(),
          status: 'skipped',
          summary,
          steps: [],
          model: null,
          usage: null,
          latencyMs: null,
          promptVersion: PROMPT_VERSION,
          error: null,
        },
        null,
      );
      this.advanceMission(mission, now, false, true);
    });
    this.afterWrite(mission, 0);
    return { iterationId, status: 'skipped', error: null, proposals: 0, autoExecuted: 0, tokens: 0, skipped: reason };
  }

  private writeIteration(iteration: Iteration, debug: unknown): void {
    this.deps.store.appendLocal(
      [{ app: AI_APP, table: TABLES.iterations, id: iteration.id, op: 'insert', fields: iteration, eventId: `${iteration.id}/written` }],
      MISSION_RUNNER,
    );
    if (debug) {
      const db = this.deps.store.db;
      db.prepare('INSERT OR REPLACE INTO iteration_debug (iteration_id, captured_at, capture) VALUES (?, ?, ?)').run(
        iteration.id,
        this.now().toISOString(),
        JSON.stringify(debug),
      );
      db.prepare('DELETE FROM iteration_debug WHERE iteration_id NOT IN (SELECT iteration_id FROM iteration_debug ORDER BY captured_at DESC LIMIT ?)').run(DEBUG_KEEP);
    }
  }

  debugCapture(iterationId: string): unknown {
    const row = this.deps.store.db.prepare('SELECT capture FROM iteration_debug WHERE iteration_id = ?').get(iterationId) as { capture: string } | undefined;
    return row ? JSON.parse(row.capture) : null;
  }

  /**
   * The next run after this one. Success: from the cadence, counted from now (a mission that missed
   * runs while the app was closed runs once, then resumes its rhythm). Failure: exponential back-off,
   * never later than the cadence's own next run; after MAX_FAILURES the mission waits for the user.
   * Returns true when the mission now needs attention.
   */
  private advanceMission(mission: MissionRecord, now: Date, failed: boolean, skipped = false): boolean {
    const cadenceNext = nextRunAfter(mission.cadence, now, this.deps.settings.get().runner.timeZone);
    const streak = failed ? (mission.failureStreak ?? 0) + 1 : skipped ? (mission.failureStreak ?? 0) : 0;
    let nextRunAt: string | null = cadenceNext?.toISOString() ?? null;
    let needsAttention = false;
    if (failed) {
      if (streak >= MAX_FAILURES) {
        needsAttention = true;
        nextRunAt = null;
      } else if (cadenceNext) {
        const backoff = now.getTime() + BACKOFF_BASE_MS * 2 ** (streak - 1);
        nextRunAt = new Date(Math.min(backoff, cadenceNext.getTime())).toISOString();
      }
    }
    this.deps.store.appendLocal(
      [
        {
          app: AI_APP,
          table: TABLES.missions,
          id: mission.id,
          op: 'update',
          fields: { nextRunAt, lastRunAt: now.toISOString(), failureStreak: streak, needsAttention },
        },
      ],
      MISSION_RUNNER,
    );
    return needsAttention;
  }

  private recordTokens(agentId: string, usage: Usage | null): void {
    if (!usage?.totalTokens) return;
    this.deps.store.db
      .prepare('INSERT INTO token_usage (day, agent_id, tokens) VALUES (?, ?, ?) ON CONFLICT(day, agent_id) DO UPDATE SET tokens = tokens + excluded.tokens')
      .run(this.localDay(this.now()), agentId, usage.totalTokens);
  }

  private afterWrite(mission: MissionRecord, proposals: number): void {
    this.deps.emit('sync.changed', { seq: this.deps.store.maxSeq() });
    if (proposals > 0) this.deps.emit('proposals.created', { count: proposals, missionId: mission.id, missionTitle: mission.title });
  }

  pendingProposals(): number {
    const row = this.deps.store.db
      .prepare(`SELECT COUNT(*) AS n FROM records WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0 AND json_extract(data, '$.status') = 'pending'`)
      .get() as { n: number };
    return row.n;
  }

  status(): RunnerStatus {
    const settings = this.deps.settings.get();
    return {
      paused: settings.runner.paused,
      running: [...this.running.values()].map(({ missionId, missionTitle, iterationId, phase, phaseStartedAt, startedAt, round }) => ({
        missionId,
        missionTitle,
        iterationId,
        phase,
        phaseStartedAt,
        startedAt,
        ...(round ? { round } : {}),
      })),
      lastTick: this.lastTick,
      nextTickAt: this.started && !settings.runner.paused ? (this.nextTickAt?.toISOString() ?? null) : null,
      nextDueAt: this.earliestDue(),
      pendingProposals: this.pendingProposals(),
      quarantined: this.deps.store.quarantinedCount(),
      llm: { configured: Boolean(settings.llm.baseUrl && settings.llm.model), ...this.llmHealth },
    };
  }

  private emitStatus(): void {
    this.deps.emit('runner.status', this.status());
  }
}

function emptyTick(at: Date): TickResult {
  return {
    scannedAt: at.toISOString(),
    due: 0,
    planned: 0,
    failed: 0,
    proposals: 0,
    autoExecuted: 0,
    parseFailures: 0,
    llmErrors: 0,
    skipped: {},
    durationMs: 0,
    tokens: 0,
  };
}
