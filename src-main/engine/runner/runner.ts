/**
 * The embedded mission runner: what handlers.ts and the engine call. It wires three parts, each
 * in its own file (see README.md):
 *
 * - scheduler.ts: when missions run (the single timer, ticks, due and unscheduled missions);
 * - pipeline.ts: one run (claim, load, gates.ts, queue, plan, write, outcome);
 * - status.ts: what the UI is told (phases, throttled status, LLM health, tick history).
 *
 * Time comes in through `now` and `timers`, so tests drive it with a manual clock.
 */
import { ApiError, type RunnerStatus, type TickResult } from '../../../src-shared/api';
import { nextRunAfter } from '../../../src-shared/cadence';
import { LOCAL_USER } from '../../../src-shared/domain/actor';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import type { LlmClient } from '../llm/client';
import type { Settings } from '../settings';
import type { MissionRow } from '../store/missions-due';
import type { Store } from '../store/store';
import { realTimers, type Timers } from '../../timers';
import { TokenLedger } from './agents';
import { Claims } from './claims';
import { type ClaimServer, DueTimes } from './due-times';
import { type Gate, defaultGates } from './gates';
import type { RunOutcome } from './outcome';
import { RunPipeline } from './pipeline';
import { Scheduler, parseCadence } from './scheduler';
import { RunnerStatusBoard } from './status';
import type { MissionRecord } from './writer';

export { MAX_FAILURES } from './schedule';
export type { RunOutcome } from './outcome';

export type Emit = (event: string, payload: unknown) => void;

export interface RunnerDeps {
  store: Store;
  settings: Settings;
  llm: LlmClient;
  emit: Emit;
  now?: () => Date;
  /** the wake-up timer and the status throttle (default: Node's timers) */
  timers?: Timers;
  /** checks before a run may call the LLM (default: gates.ts `defaultGates`) */
  gates?: readonly Gate[];
  /** the sync client, which claims due times at the server (none: this device plans alone) */
  claimServer?: ClaimServer | null;
  /** this device, as its plans name it (default: an anonymous one) */
  device?: () => { id: string; name: string };
}

export class Runner {
  readonly ledger: TokenLedger;
  private readonly claims = new Claims();
  private readonly board: RunnerStatusBoard;
  private readonly scheduler: Scheduler;
  private readonly pipeline: RunPipeline;
  private readonly now: () => Date;

  constructor(private readonly deps: RunnerDeps) {
    const { store, settings, llm, emit } = deps;
    const now = (this.now = deps.now ?? (() => new Date()));
    const timers = deps.timers ?? realTimers;
    const claims = this.claims;
    const dueTimes = new DueTimes({ role: () => settings.get().runner.role, server: deps.claimServer ?? null, timeZone: () => settings.get().runner.timeZone });
    const device = deps.device ?? (() => ({ id: 'this-device', name: 'This device' }));
    this.ledger = new TokenLedger(store.tokenUsage, () => settings.get().runner.timeZone, now);
    this.board = new RunnerStatusBoard({
      store,
      settings,
      emit,
      now,
      timers,
      schedule: () => ({ nextTickAt: this.scheduler.nextTick(), nextDueAt: this.scheduler.earliestDue() }),
    });
    this.pipeline = new RunPipeline({
      store,
      settings,
      llm,
      emit,
      now,
      ledger: this.ledger,
      claims,
      gates: deps.gates ?? defaultGates({ ledger: this.ledger, waiting: (id) => store.iterations.waitingForReview().get(id), now }),
      status: this.board,
      runEnded: () => this.scheduler.schedule(),
      dueTimes,
      device,
    });
    this.scheduler = new Scheduler({
      store,
      settings,
      emit,
      now,
      timers,
      claims,
      runDue: (missionId) => this.pipeline.run(missionId, 'due'),
      setAside: (missionId, nextRunAt) => dueTimes.isSetAside(missionId, nextRunAt),
      tickEnded: (result) => this.board.recordTick(result),
    });
    let zoneInUse = settings.get().runner.timeZone;
    settings.onChange((s) => {
      this.pipeline.resize(s.runner.concurrency);
      if (s.runner.timeZone !== zoneInUse) {
        zoneInUse = s.runner.timeZone;
        this.scheduler.rescheduleWallClockMissions();
      }
      this.scheduler.schedule();
    });
  }

  start(): void {
    this.scheduler.start();
  }

  /** Stops scheduling, aborts in-flight LLM calls and resolves once their runs have let go. */
  async stop(): Promise<void> {
    const idle = this.scheduler.stop();
    this.board.stop();
    this.claims.abortAll();
    await idle;
    await this.claims.whenIdle();
  }

  /** Re-arms the timer (after data or settings changed). */
  schedule(): void {
    this.scheduler.schedule();
  }

  /** When the one timer fires next (null when the runner is not started). */
  nextTickAt(): string | null {
    return this.scheduler.nextTick();
  }

  dueMissions(now: Date): MissionRow[] {
    return this.scheduler.dueMissions(now);
  }

  tick(): Promise<TickResult> {
    return this.scheduler.tick();
  }

  /** The newest persisted ticks, newest first. */
  recentTicks(limit: number): TickResult[] {
    return this.board.recentTicks(limit);
  }

  async runNow(missionId: string): Promise<RunOutcome> {
    const mission = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
    if (!mission) throw new ApiError('NOT_FOUND', `No mission with id "${missionId}".`);
    if (mission.state !== 'active') throw new ApiError('CONFLICT', `The mission is ${mission.state}; resume it before running it.`);
    if (this.claims.has(missionId)) throw new ApiError('CONFLICT', 'This mission is already being planned; wait for the current run to finish.');
    return this.pipeline.run(missionId, 'manual');
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
    this.claims.abort(missionId);
  }

  /**
   * Called after data changed: abort runs whose mission was paused or deleted meanwhile, re-arm
   * the timer. `touched` (when known) names the tables written; only missions and proposals (a
   * decision ends a mission's wait for review) matter here, so a sync burst of other records does
   * not make every batch read the projection.
   */
  onDataChanged(touched?: readonly { app: string; table: string }[]): void {
    if (touched && !touched.some((t) => t.app === AI_APP && (t.table === TABLES.missions || t.table === TABLES.proposals))) return;
    for (const missionId of this.claims.missionIds()) {
      const m = this.deps.store.getData<MissionRecord>(AI_APP, TABLES.missions, missionId);
      if (!m || m.state !== 'active') this.abort(missionId);
    }
    this.scheduler.schedule();
  }

  debugCapture(iterationId: string) {
    return this.pipeline.debugCapture(iterationId);
  }

  pendingProposals(): number {
    return this.deps.store.iterations.pendingProposals();
  }

  /** What the status bar says about the endpoint: the last call's outcome, from a run or a connection test. */
  recordLlmHealth(error: string | null): void {
    this.board.recordLlmHealth(error);
  }

  status(): RunnerStatus {
    return this.board.status();
  }
}
