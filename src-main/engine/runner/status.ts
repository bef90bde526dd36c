/**
 * What the runner tells the UI about itself: the runs in flight and their phases (each change a
 * `runner.phase` event at once), the `runner.status` snapshot (emitted throttled), the endpoint's
 * health, and the tick history (persisted, each tick a `runner.tick` event).
 */
import type { RunPhase, RunnerStatus, RunningIteration, TickResult } from '../../../src-shared/api';
import type { Settings } from '../settings';
import type { Store } from '../store/store';
import type { TimerHandle, Timers } from '../../timers';
import type { Emit } from './runner';
import type { WriteContext } from './writer';

/**
 * Status snapshots cost a few queries; with many runs they would be taken hundreds of times a
 * second. One every STATUS_EVERY_MS is plenty for the UI (phase changes go out at once as runner.phase).
 */
export const STATUS_EVERY_MS = 100;

type Running = RunningIteration & { agentId: string };

export interface StatusDeps {
  store: Store;
  settings: Settings;
  emit: Emit;
  now: () => Date;
  timers: Timers;
  /** the scheduler's view: when it wakes up next (null when stopped or paused), the earliest unclaimed due time */
  schedule: () => { nextTickAt: string | null; nextDueAt: string | null };
}

export class RunnerStatusBoard {
  private readonly running = new Map<string, Running>();
  private lastTick: TickResult | null;
  private llmHealth: { lastError: string | null; lastOkAt: string | null } = { lastError: null, lastOkAt: null };
  private queued: TimerHandle | null = null;
  private lastStatusAt = -Infinity;
  private stopped = false;

  constructor(private readonly deps: StatusDeps) {
    this.lastTick = deps.store.ticks.latest();
  }

  /** A run entered a phase: announced at once, and in the next status. */
  setPhase(run: WriteContext, phase: RunPhase, round?: number): void {
    const running: Running = {
      missionId: run.mission.id,
      missionTitle: run.mission.title,
      iterationId: run.iterationId,
      agentId: run.agent.id,
      phase,
      phaseStartedAt: this.deps.now().toISOString(),
      startedAt: run.startedAt.toISOString(),
      ...(round ? { round } : {}),
    };
    this.running.set(run.iterationId, running);
    this.deps.emit('runner.phase', running);
    this.queueStatus();
  }

  /** A run ended (written, skipped or aborted). */
  runEnded(iterationId: string): void {
    this.running.delete(iterationId);
    this.queueStatus();
  }

  /** Keeps a tick's result, announces it and the status at once. */
  recordTick(result: TickResult): void {
    this.deps.store.ticks.append(result);
    this.lastTick = result;
    this.deps.emit('runner.tick', result);
    this.emitStatus();
  }

  /** The newest persisted ticks, newest first. */
  recentTicks(limit: number): TickResult[] {
    return this.deps.store.ticks.recent(limit);
  }

  /** What the status bar says about the endpoint: the last call's outcome, from a run or a connection test. */
  recordLlmHealth(error: string | null): void {
    this.llmHealth = error === null ? { lastError: null, lastOkAt: this.deps.now().toISOString() } : { ...this.llmHealth, lastError: error };
    this.emitStatus();
  }

  status(): RunnerStatus {
    const { settings, store } = this.deps;
    const { runner, llm: endpoint } = settings.get();
    const now = this.deps.now().getTime();
    const schedule = this.deps.schedule();
    return {
      paused: runner.paused,
      running: [...this.running.values()].map((r) => ({ ...r, phaseElapsedMs: Math.max(0, now - Date.parse(r.phaseStartedAt)) })),
      lastTick: this.lastTick,
      nextTickAt: runner.paused ? null : schedule.nextTickAt,
      nextDueAt: schedule.nextDueAt,
      pendingProposals: store.iterations.pendingProposals(),
      quarantined: store.quarantinedCount(),
      llm: {
        configured: Boolean(endpoint.baseUrl && endpoint.model),
        ...this.llmHealth,
        // what the configured endpoint was found to support (persisted per endpoint; see Settings)
        capabilities: settings.capabilities(),
      },
    };
  }

  /** No more emissions: the database is about to close. */
  stop(): void {
    this.stopped = true;
    this.deps.timers.clearTimeout(this.queued);
    this.queued = null;
  }

  /** A status goes out at most STATUS_EVERY_MS after the last one. */
  private queueStatus(): void {
    if (this.queued || this.stopped) return;
    // Clamped, so a wall clock set back cannot hold the status for longer than one interval.
    const wait = Math.min(STATUS_EVERY_MS, Math.max(0, this.lastStatusAt + STATUS_EVERY_MS - this.deps.now().getTime()));
    this.queued = this.deps.timers.setTimeout(() => {
      this.queued = null;
      this.emitStatus();
    }, wait);
    this.queued.unref?.();
  }

  private emitStatus(): void {
    this.lastStatusAt = this.deps.now().getTime();
    this.deps.emit('runner.status', this.status());
  }
}
