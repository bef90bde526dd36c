/**
 * The embedded mission runner.
 *
 * Scheduling: ONE timer, armed for the earlier of the safety-net interval and the earliest
 * nextRunAt (an exact wake-up, no polling lag), re-armed after every tick, run and data change.
 * A tick finds due missions (active, nextRunAt <= now, not deleted) and plans them; ticks never
 * overlap, and each run holds a claim on its mission so a tick and runNow never plan it twice.
 * LLM calls share a semaphore (setting `runner.concurrency`). Pausing or deleting a mission, or
 * stopping the runner, aborts its in-flight LLM call.
 *
 * Catch-up: a mission whose runs were missed while the app was closed is due once; after that run
 * its next run is counted from now (see schedule.ts), so a week closed means ONE run, not seven.
 *
 * Gates before any LLM call, each recorded: the agent must exist, be active and be under its daily
 * token budget (fail-closed). An agent runs at most maxConcurrentMissions due missions at once: the
 * others queue for the agent's slots, then for the LLM's.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, type RunPhase, type RunnerStatus, type RunningIteration, type TickResult } from '../../../src-shared/api';
import { nextRunAfter } from '../../../src-shared/cadence';
import { LOCAL_USER, MISSION_RUNNER } from '../../../src-shared/domain/actor';
import { AI_APP, type Agent, type Cadence, DEFAULT_AGENT, DEFAULT_AGENT_ID, type Iteration, Mission, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import { type PastIteration, RECENT_ITERATIONS } from '../../../src-shared/planner/prompt';
import { TOOLS, TOOLS_BY_NAME, type ToolDef, getTool } from '../../../src-shared/tools/catalog';
import { resolvePolicy } from '../../../src-shared/tools/policy';
import type { LlmClient } from '../llm/client';
import { runTool } from '../proposals/executor';
import type { Settings } from '../settings';
import type { LocalChange, RecordsQuery, Store } from '../store/store';
import { TokenLedger, loadAgent } from './agents';
import { resolveInputs } from './inputs';
import { type PlanOutcome, PlanError, plan } from './planner';
import { Semaphore } from './semaphore';
import { IterationWriter, type MissionRecord, type WriteContext, type Written } from './writer';

export { MAX_FAILURES } from './schedule';
const TICKS_KEEP = 1000;
/**
 * Active missions through the partial index of the migration: its WHERE is spelled literally (a
 * bound parameter would not prove the index applies), so a tick reads only active missions by
 * nextRunAt, however large the log and the other tables are.
 */
const ACTIVE_MISSIONS = `FROM records INDEXED BY records_due_missions
  WHERE app_id = 'ai' AND table_name = 'aiMissions' AND deleted = 0 AND json_extract(data, '$.state') = 'active'`;
const NEXT_RUN = `json_extract(data, '$.nextRunAt')`;
const STATUS_EVERY_MS = 100;
/** setTimeout's ceiling (~24.8 days) */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type Emit = (event: string, payload: unknown) => void;

export interface RunOutcome {
  iterationId: string | null;
  status: Iteration['status'];
  error: string | null;
  proposals: number;
  autoExecuted: number;
  tokens: number;
  /** why the mission was not planned (the tick counts these by reason) */
  skipped?: string;
  parseFailure?: boolean;
  llmError?: boolean;
}

export interface RunnerDeps {
  store: Store;
  settings: Settings;
  llm: LlmClient;
  emit: Emit;
  now?: () => Date;
}

type Running = RunningIteration & { agentId: string };

const NOT_RUN: RunOutcome = { iterationId: null, status: 'skipped', error: null, proposals: 0, autoExecuted: 0, tokens: 0 };

class Aborted extends Error {
  override name = 'AbortError';
}

export class Runner {
  /** missionId -> the controller that aborts its run: the claim */
  private readonly claims = new Map<string, AbortController>();
  private readonly running = new Map<string, Running>();
  private readonly semaphore: Semaphore;
  /** per agent: its due missions planned at once */
  private readonly agentSlots = new Map<string, Semaphore>();
  readonly ledger: TokenLedger;
  private readonly writer: IterationWriter;
  private tickInFlight: Promise<TickResult> | null = null;
  private lastTick: TickResult | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextTickAt: Date | null = null;
  private started = false;
  /** set by stop(): no more timers, the database is about to close */
  private stopped = false;
  private statusTimer: NodeJS.Timeout | null = null;
  private lastStatusAt = -Infinity;
  private llmHealth: { lastError: string | null; lastOkAt: string | null } = { lastError: null, lastOkAt: null };
  private readonly now: () => Date;
  private readonly sql: Record<'due' | 'earliest' | 'upcoming' | 'unscheduled' | 'pending' | 'recentIterations', RecordsQuery>;

  constructor(private readonly deps: RunnerDeps) {
    this.now = deps.now ?? (() => new Date());
    const { store } = deps;
    this.sql = {
      due: store.recordsQuery(`SELECT record_id AS id, data ${ACTIVE_MISSIONS} AND ${NEXT_RUN} > '' AND ${NEXT_RUN} <= ?`),
      upcoming: store.recordsQuery(`SELECT record_id AS id, data ${ACTIVE_MISSIONS} AND ${NEXT_RUN} > ?`),
      earliest: store.recordsQuery(`SELECT record_id AS id, ${NEXT_RUN} AS at ${ACTIVE_MISSIONS} AND ${NEXT_RUN} > '' ORDER BY ${NEXT_RUN} LIMIT ?`),
      unscheduled: store.recordsQuery(
        `SELECT record_id AS id, data ${ACTIVE_MISSIONS} AND ${NEXT_RUN} IS NULL
         AND COALESCE(json_extract(data, '$.needsAttention'), 0) = 0 AND COALESCE(json_extract(data, '$.cadence.kind'), 'manual') <> 'manual'`,
      ),
      pending: store.recordsQuery(`SELECT COUNT(*) AS n FROM records INDEXED BY records_proposals_status WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0 AND json_extract(data, '$.status') = 'pending'`),
      recentIterations: store.recordsQuery(
        `SELECT data FROM records INDEXED BY records_iterations_mission
         WHERE app_id = 'ai' AND table_name = 'aiIterations' AND deleted = 0 AND json_extract(data, '$.missionId') = ?
         ORDER BY json_extract(data, '$.startedAt') DESC LIMIT ?`,
      ),
    };
    const timeZone = () => deps.settings.get().runner.timeZone;
    this.ledger = new TokenLedger(deps.store, timeZone, this.now);
    this.writer = new IterationWriter({ store: deps.store, ledger: this.ledger, now: this.now, timeZone, model: () => deps.llm.currentConfig().model });
    this.semaphore = new Semaphore(deps.settings.get().runner.concurrency);
    let zoneInUse = timeZone();
    deps.settings.onChange((s) => {
      this.semaphore.resize(s.runner.concurrency);
      if (s.runner.timeZone !== zoneInUse) {
        zoneInUse = s.runner.timeZone;
        this.rescheduleWallClockMissions();
      }
      this.schedule();
    });
    const last = deps.store.db.prepare('SELECT result FROM ticks ORDER BY id DESC LIMIT 1').get() as { result: string } | undefined;
    if (last) this.lastTick = JSON.parse(last.result) as TickResult;
  }

  start(): void {
    this.started = true;
    this.schedule();
  }

  /** Stops scheduling, aborts in-flight LLM calls and waits until their runs have let go. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.statusTimer = null;
    for (const controller of this.claims.values()) controller.abort();
    await this.tickInFlight?.catch(() => undefined);
    while (this.claims.size) await new Promise((r) => setTimeout(r, 10));
  }

  // -------------------------------------------------------------------------------------------
  // Scheduling

  /** Re-arms the single timer: the earlier of the safety-net interval and the earliest unclaimed nextRunAt. */
  schedule(): void {
    // A tick in flight re-arms when it ends; arming now would only produce an overlap-skipped tick.
    if (!this.started || this.stopped || this.tickInFlight) return;
    if (this.timer) clearTimeout(this.timer);
    const { tickIntervalMs, paused } = this.deps.settings.get().runner;
    const now = this.now().getTime();
    let at = now + tickIntervalMs;
    const due = paused ? null : this.earliestDue();
    if (due) at = Math.min(at, Math.max(now, Date.parse(due)));
    this.nextTickAt = new Date(at);
    this.timer = setTimeout(() => void this.tick().catch(() => undefined), Math.min(at - now, MAX_TIMER_MS));
    this.timer.unref?.();
  }

  /** The earliest nextRunAt of an active mission that no run holds (the index yields them in order). */
  private earliestDue(): string | null {
    const rows = this.sql.earliest.all(this.claims.size + 1) as { id: string; at: string }[];
    return rows.find((r) => !this.claims.has(r.id))?.at ?? null;
  }

  dueMissions(now: Date): MissionRecord[] {
    return missionRows(this.sql.due, now.toISOString());
  }

  /** Runner-made changes to missions' schedules, announced so replicas pull them. */
  private updateMissions(changes: LocalChange[]): void {
    if (!changes.length) return;
    this.deps.store.appendLocal(changes, MISSION_RUNNER);
    this.deps.emit('sync.changed', { seq: this.deps.store.maxSeq() });
  }

  /**
   * Active missions with a cadence but no nextRunAt (written by an older client, or imported) get
   * one, so they cannot silently never run. Missions waiting for the user (needsAttention) keep none.
   */
  private scheduleUnscheduled(now: Date): void {
    const timeZone = this.deps.settings.get().runner.timeZone;
    const changes = missionRows(this.sql.unscheduled).flatMap((m): LocalChange[] => {
      const cadence = parseCadence(m.cadence);
      const next = cadence ? nextRunAfter(cadence, now, timeZone) : null;
      return next ? [{ app: AI_APP, table: TABLES.missions, id: m.id, op: 'update', fields: { nextRunAt: next.toISOString() } }] : [];
    });
    this.updateMissions(changes);
  }

  /**
   * After the time zone changed: upcoming runs of daily, weekly and cron missions move to the same
   * wall-clock time in the new zone. Interval missions and overdue runs are left as they are.
   */
  private rescheduleWallClockMissions(): void {
    const now = this.now();
    const timeZone = this.deps.settings.get().runner.timeZone;
    const changes = missionRows(this.sql.upcoming, now.toISOString()).flatMap((m): LocalChange[] => {
      const cadence = parseCadence(m.cadence);
      if (!cadence || cadence.kind === 'manual' || cadence.kind === 'interval') return [];
      const next = nextRunAfter(cadence, now, timeZone)?.toISOString() ?? null;
      return next && next !== m.nextRunAt ? [{ app: AI_APP, table: TABLES.missions, id: m.id, op: 'update', fields: { nextRunAt: next } }] : [];
    });
    this.updateMissions(changes);
  }

  // -------------------------------------------------------------------------------------------
  // Ticks

  async tick(): Promise<TickResult> {
    if (this.tickInFlight) return { ...emptyTick(this.now()), overlapSkipped: true };
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.tickInFlight = this.runTick().finally(() => {
      this.tickInFlight = null;
      this.schedule();
    });
    return this.tickInFlight;
  }

  private async runTick(): Promise<TickResult> {
    const started = this.now();
    const startedMs = performance.now();
    const result = emptyTick(started);
    if (this.deps.settings.get().runner.paused) {
      result.skipped.paused = 1;
    } else {
      this.scheduleUnscheduled(started);
      const due = this.dueMissions(started);
      result.due = due.length;
      const outcomes = await Promise.all(due.map((m) => this.runMission(m.id, 'due')));
      for (const o of outcomes) addOutcome(result, o);
    }
    result.durationMs = Math.round(performance.now() - startedMs);
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

  /** The newest persisted ticks, newest first. */
  recentTicks(limit: number): TickResult[] {
    const rows = this.deps.store.db.prepare('SELECT result FROM ticks ORDER BY id DESC LIMIT ?').all(limit) as { result: string }[];
    return rows.map((r) => JSON.parse(r.result) as TickResult);
  }

  // -------------------------------------------------------------------------------------------
  // Missions: run now, pause, resume, abort

  async runNow(missionId: string): Promise<RunOutcome> {
    const mission = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
    if (!mission) throw new ApiError('NOT_FOUND', `No mission with id "${missionId}".`);
    if (mission.state !== 'active') throw new ApiError('CONFLICT', `The mission is ${mission.state}; resume it before running it.`);
    if (this.claims.has(missionId)) throw new ApiError('CONFLICT', 'This mission is already being planned; wait for the current run to finish.');
    return this.runMission(missionId, 'manual');
  }

  /** Active again, failure streak cleared, next run from the cadence in the user's time zone. */
  resume(missionId: string): { nextRunAt: string | null } {
    const mission = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
    if (!mission) throw new ApiError('NOT_FOUND', `No mission with id "${missionId}".`);
    const cadence = parseCadence(mission.cadence);
    if (!cadence) throw new ApiError('BAD_INPUT', 'The mission has an invalid cadence; edit it before resuming.');
    const next = nextRunAfter(cadence, this.now(), this.deps.settings.get().runner.timeZone);
    const nextRunAt = next?.toISOString() ?? null;
    this.deps.store.appendLocal(
      [{ app: AI_APP, table: TABLES.missions, id: missionId, op: 'update', fields: { state: 'active', needsAttention: false, failureStreak: 0, nextRunAt } }],
      LOCAL_USER,
    );
    return { nextRunAt };
  }

  pause(missionId: string): void {
    if (!this.deps.store.getData(AI_APP, TABLES.missions, missionId)) throw new ApiError('NOT_FOUND', `No mission with id "${missionId}".`);
    this.deps.store.appendLocal([{ app: AI_APP, table: TABLES.missions, id: missionId, op: 'update', fields: { state: 'paused' } }], LOCAL_USER);
    this.abort(missionId);
  }

  /** Aborts the in-flight run of a mission (paused, deleted, or the app quitting). */
  abort(missionId: string): void {
    this.claims.get(missionId)?.abort();
  }

  /**
   * Called after data changed: abort runs whose mission was paused or deleted meanwhile, re-arm
   * the timer. `touched` (when known) names the tables written; only missions matter here, so a
   * sync burst of other records does not make every batch read the projection.
   */
  onDataChanged(touched?: readonly { app: string; table: string }[]): void {
    if (touched && !touched.some((t) => t.app === AI_APP && t.table === TABLES.missions)) return;
    for (const missionId of this.claims.keys()) {
      const m = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
      if (!m || m.state !== 'active') this.abort(missionId);
    }
    this.schedule();
  }

  // -------------------------------------------------------------------------------------------
  // One run

  private async runMission(missionId: string, trigger: 'due' | 'manual'): Promise<RunOutcome> {
    if (this.claims.has(missionId)) return { ...NOT_RUN, skipped: 'already-running' };
    const controller = new AbortController();
    this.claims.set(missionId, controller);
    const iterationId = randomUUID();
    try {
      const record = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
      if (!record || record.state !== 'active') return { ...NOT_RUN, skipped: 'not-active' };
      const startedAt = this.now();
      const parsed = Mission.safeParse(record);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const why = `The mission record is invalid (${issue?.path.join('.')}: ${issue?.message}); edit the mission, then resume it.`;
        return this.skip({ mission: record, agent: placeholderAgent(record.agentId), iterationId, startedAt }, 'invalid-mission', why);
      }
      const mission = { ...parsed.data, id: missionId };
      const lookup = loadAgent(this.deps.store, mission.agentId);
      if (!lookup.ok) return this.skip({ mission, agent: placeholderAgent(mission.agentId), iterationId, startedAt }, lookup.reason, lookup.message);
      const ctx: WriteContext = { mission, agent: lookup.agent, iterationId, startedAt };
      const gate = this.gate(ctx);
      if (gate) return this.skip(ctx, gate.reason, gate.message);
      this.setPhase(ctx, 'queued');
      // A run the user asked for is not held back by the agent's limit; it still queues for the LLM.
      const agentSlot = trigger === 'due' ? this.agentSlot(ctx.agent) : null;
      await agentSlot?.acquire(controller.signal);
      try {
        await this.semaphore.acquire(controller.signal);
        try {
          return await this.planAndWrite(ctx, controller.signal);
        } finally {
          this.semaphore.release();
        }
      } finally {
        agentSlot?.release();
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError' || controller.signal.aborted) return { ...NOT_RUN, skipped: 'aborted' };
      throw error;
    } finally {
      this.claims.delete(missionId);
      this.running.delete(iterationId);
      this.schedule(); // the run moved nextRunAt (a no-op during a tick, which re-arms when it ends)
      this.queueStatus();
    }
  }

  /** Why this run may not call the LLM (recorded as a skipped iteration), or null. */
  private gate({ agent }: WriteContext): { reason: string; message: string } | null {
    if (agent.state !== 'active') return { reason: `agent-${agent.state}`, message: `Skipped: agent "${agent.name}" is ${agent.state}.` };
    const overBudget = this.ledger.overBudget(agent);
    return overBudget ? { reason: 'over-budget', message: overBudget } : null;
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
    const settings = this.deps.settings.get();
    const timeZone = settings.runner.timeZone;
    this.setPhase(ctx, 'resolving-inputs');
    const inputs = resolveInputs(this.deps.store, ctx.mission.inputs);
    const allowed = this.allowedTools(ctx.agent);
    const recentIterations = this.recentIterations(ctx.mission.id);
    let outcome: PlanOutcome;
    try {
      outcome = await plan({ mission: ctx.mission, agent: ctx.agent, inputs, recentIterations, tools: [...allowed.values()], now: this.now(), timeZone }, settings.llm.plannerMode, {
        llm: this.deps.llm,
        allowed,
        catalog: TOOLS_BY_NAME,
        decision: (tool) => resolvePolicy(tool, ctx.agent.policy),
        capabilities: this.deps.settings,
        signal,
        runRead: (name, params) => runTool(this.deps.store, name, params, { actor: MISSION_RUNNER, now: this.now(), timeZone }).result,
        onPhase: (phase, round) => this.setPhase(ctx, phase, round),
      });
      this.recordLlmHealth(null);
      // Paused or deleted while the answer was on its way: the plan is no longer wanted (its tokens were spent).
      if (signal.aborted) {
        this.ledger.record(ctx.agent.id, outcome.usage);
        throw new Aborted('aborted');
      }
    } catch (error) {
      if (!(error instanceof PlanError)) throw error; // Aborted included
      if (error.kind === 'aborted' || signal.aborted) {
        // Nothing is written for a cancelled run, but what it spent counts against the agent's budget.
        this.ledger.record(ctx.agent.id, error.usage);
        throw new Aborted('aborted');
      }
      if (error.kind === 'llm') this.recordLlmHealth(error.message);
      this.setPhase(ctx, 'writing');
      const written = this.writer.failure(ctx, error);
      this.afterWrite(ctx, written, error.message);
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
    this.setPhase(ctx, 'writing');
    const written = this.writer.plan(ctx, outcome);
    this.afterWrite(ctx, written, null);
    return { iterationId: ctx.iterationId, status: written.status, error: null, proposals: written.proposals, autoExecuted: written.autoExecuted, tokens: outcome.usage.totalTokens };
  }

  /** The tools offered to this agent's model: everything its policy does not deny. */
  private allowedTools(agent: Agent): Map<string, ToolDef> {
    return new Map(TOOLS.filter((t) => resolvePolicy(t, agent.policy) !== 'deny').map((t) => [t.name, t]));
  }

  /** The last iterations of a mission with each step's fate, so the model sees feedback and rejections. */
  private recentIterations(missionId: string): PastIteration[] {
    const rows = this.sql.recentIterations.all(missionId, RECENT_ITERATIONS) as { data: string }[];
    return rows.map((row) => {
      const it = JSON.parse(row.data) as Iteration;
      return {
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
      };
    });
  }

  private afterWrite(ctx: WriteContext, written: Written, error: string | null): void {
    this.deps.emit('sync.changed', { seq: this.deps.store.maxSeq() });
    if (written.proposals > 0) this.deps.emit('proposals.created', { count: written.proposals, missionId: ctx.mission.id, missionTitle: ctx.mission.title });
    if (written.needsAttention) {
      this.deps.emit('mission.attention', {
        missionId: ctx.mission.id,
        missionTitle: ctx.mission.title,
        reason: error ? `Too many runs in a row failed; the last error: ${error}` : 'The mission cannot run as it is; open it to see why.',
      });
    }
  }

  debugCapture(iterationId: string) {
    return this.writer.debug(iterationId);
  }

  // -------------------------------------------------------------------------------------------
  // Status

  private setPhase(ctx: WriteContext, phase: RunPhase, round?: number): void {
    const running: Running = {
      missionId: ctx.mission.id,
      missionTitle: ctx.mission.title,
      iterationId: ctx.iterationId,
      agentId: ctx.agent.id,
      phase,
      phaseStartedAt: this.now().toISOString(),
      startedAt: ctx.startedAt.toISOString(),
      ...(round ? { round } : {}),
    };
    this.running.set(ctx.iterationId, running);
    this.deps.emit('runner.phase', running);
    this.queueStatus();
  }

  pendingProposals(): number {
    return (this.sql.pending.get() as { n: number }).n;
  }

  /** What the status bar says about the endpoint: the last call's outcome, from a run or a connection test. */
  recordLlmHealth(error: string | null): void {
    this.llmHealth = error === null ? { lastError: null, lastOkAt: this.now().toISOString() } : { ...this.llmHealth, lastError: error };
    this.emitStatus();
  }

  status(): RunnerStatus {
    const settings = this.deps.settings.get();
    const now = this.now().getTime();
    return {
      paused: settings.runner.paused,
      running: [...this.running.values()].map((r) => ({ ...r, phaseElapsedMs: Math.max(0, now - Date.parse(r.phaseStartedAt)) })),
      lastTick: this.lastTick,
      nextTickAt: this.started && !settings.runner.paused ? (this.nextTickAt?.toISOString() ?? null) : null,
      nextDueAt: this.earliestDue(),
      pendingProposals: this.pendingProposals(),
      quarantined: this.deps.store.quarantinedCount(),
      llm: {
        configured: Boolean(settings.llm.baseUrl && settings.llm.model),
        ...this.llmHealth,
        capabilities: this.deps.settings.capabilities(),
      },
    };
  }

  /**
   * Status snapshots cost a few queries; with many runs they would be taken hundreds of times a
   * second. One every STATUS_EVERY_MS is plenty for the UI (phase changes go out at once as runner.phase).
   */
  private queueStatus(): void {
    if (this.statusTimer || this.stopped) return;
    const wait = Math.max(0, this.lastStatusAt + STATUS_EVERY_MS - performance.now());
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.emitStatus();
    }, wait);
    this.statusTimer.unref?.();
  }

  private emitStatus(): void {
    this.lastStatusAt = performance.now();
    this.deps.emit('runner.status', this.status());
  }
}

function missionRows(statement: RecordsQuery, ...params: unknown[]): MissionRecord[] {
  return (statement.all(...params) as { id: string; data: string }[]).map((r) => ({ ...(JSON.parse(r.data) as Mission), id: r.id }));
}

/** A cadence from a synced record, or null when it is malformed. */
function parseCadence(value: unknown): Cadence | null {
  const parsed = Mission.shape.cadence.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** Stands in for an agent that cannot be loaded, so the skip is still recorded under the mission's agent id. */
function placeholderAgent(agentId: unknown): Agent {
  return { ...DEFAULT_AGENT, id: typeof agentId === 'string' && agentId ? agentId : DEFAULT_AGENT_ID };
}

function addOutcome(result: TickResult, o: RunOutcome): void {
  if (o.skipped) result.skipped[o.skipped] = (result.skipped[o.skipped] ?? 0) + 1;
  else if (o.status === 'failed') result.failed++;
  else result.planned++;
  result.proposals += o.proposals;
  result.autoExecuted += o.autoExecuted;
  result.tokens += o.tokens;
  if (o.parseFailure) result.parseFailures++;
  if (o.llmError) result.llmErrors++;
}

function emptyTick(at: Date): TickResult {
  return { scannedAt: at.toISOString(), due: 0, planned: 0, failed: 0, proposals: 0, autoExecuted: 0, parseFailures: 0, llmErrors: 0, skipped: {}, durationMs: 0, tokens: 0 };
}
