/**
 * When missions run. ONE timer, armed for the earlier of the safety-net interval and the earliest
 * nextRunAt no run holds (an exact wake-up, no polling lag), re-armed after every tick, run and
 * data change. A tick finds the due missions (active, nextRunAt <= now, not deleted) and runs
 * each; ticks never overlap.
 *
 * Waiting for review: a mission whose proposals wait (gates.ts `heldForReview`) keeps its past
 * nextRunAt but is left out of the earliest due time, so the timer does not fire for it again and
 * again; a tick that finds it due counts it as skipped ('waiting-for-review') and writes nothing
 * for it. A decision re-arms the timer (runner.onDataChanged), and the mission runs once.
 *
 * Catch-up: a mission whose runs were missed while the app was closed is due once; after that run
 * its next run is counted from now (see schedule.ts), so a week closed means ONE run, not seven.
 */
import type { TickResult } from '../../../src-shared/api';
import { nextRunAfter } from '../../../src-shared/cadence';
import { MISSION_RUNNER } from '../../../src-shared/domain/actor';
import { AI_APP, type Cadence, Mission, TABLES } from '../../../src-shared/domain/ai';
import type { Settings } from '../settings';
import type { MissionRow } from '../store/missions-due';
import type { LocalChange, Store } from '../store/store';
import type { TimerHandle, Timers } from '../../timers';
import type { Claims } from './claims';
import { heldForReview } from './gates';
import { type RunOutcome, addOutcome, emptyTick } from './outcome';
import type { Emit } from './runner';

/** setTimeout's ceiling (~24.8 days): a later wake-up fires early, and the tick re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SchedulerDeps {
  store: Store;
  settings: Settings;
  emit: Emit;
  now: () => Date;
  timers: Timers;
  claims: Claims;
  /** runs one due mission (the run pipeline) */
  runDue: (missionId: string) => Promise<RunOutcome>;
  /** a due time this device decided not to plan (due-times.ts): no wake-up for it, the safety-net tick looks again */
  setAside?: (missionId: string, nextRunAt: string) => boolean;
  /** a tick ended (the status board keeps and announces it) */
  tickEnded: (result: TickResult) => void;
}

export class Scheduler {
  private timer: TimerHandle | null = null;
  private nextTickAt: Date | null = null;
  private tickInFlight: Promise<TickResult> | null = null;
  private started = false;
  /** set by stop(): no more timers, the database is about to close */
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    this.started = true;
    this.schedule();
  }

  /** No more timers; resolves when the tick in flight (if any) has ended. */
  async stop(): Promise<void> {
    this.started = false;
    this.stopped = true;
    this.disarm();
    await this.tickInFlight?.catch(() => undefined);
  }

  /** Re-arms the single timer: the earlier of the safety-net interval and the earliest unclaimed nextRunAt. */
  schedule(): void {
    // A tick in flight re-arms when it ends; arming now would only produce an overlap-skipped tick.
    if (!this.started || this.stopped || this.tickInFlight) return;
    this.disarm();
    const { tickIntervalMs, paused } = this.deps.settings.get().runner;
    const now = this.deps.now().getTime();
    let at = now + tickIntervalMs;
    const due = paused ? null : this.earliestDue();
    if (due) at = Math.min(at, Math.max(now, Date.parse(due)));
    this.nextTickAt = new Date(at);
    this.timer = this.deps.timers.setTimeout(() => void this.tick().catch(() => undefined), Math.min(at - now, MAX_TIMER_MS));
    this.timer.unref?.();
  }

  /** When the timer fires next (null when the runner is not started). */
  nextTick(): string | null {
    return this.started ? (this.nextTickAt?.toISOString() ?? null) : null;
  }

  /**
   * The earliest nextRunAt of an active mission that no run holds, that is not held for review and
   * not set aside (a due time left to another device); the index yields them in order.
   */
  earliestDue(): string | null {
    const { claims, store, setAside } = this.deps;
    const waiting = store.iterations.waitingForReview();
    const wanted = (r: { id: string; at: string; planWhileWaiting: boolean }) => !claims.has(r.id) && !heldForReview(r, waiting.get(r.id)) && !setAside?.(r.id, r.at);
    // Missions skipped here are few; read further only when some are.
    for (let limit = claims.size + waiting.size + 1; ; limit *= 4) {
      const rows = store.missionsDue.earliest(limit);
      const found = rows.find(wanted);
      if (found || rows.length < limit) return found?.at ?? null;
    }
  }

  dueMissions(now: Date): MissionRow[] {
    return this.deps.store.missionsDue.due(now.toISOString());
  }

  async tick(): Promise<TickResult> {
    if (this.tickInFlight) return { ...emptyTick(this.deps.now()), overlapSkipped: true };
    this.disarm();
    const ended = () => {
      this.tickInFlight = null;
      this.schedule();
    };
    // Re-armed before the tick is announced, so the status that goes out with it has the next wake-up.
    this.tickInFlight = this.runTick().then(
      (result) => {
        ended();
        this.deps.tickEnded(result);
        return result;
      },
      (error: unknown) => {
        ended();
        throw error;
      },
    );
    return this.tickInFlight;
  }

  /**
   * After the time zone changed: upcoming runs of daily, weekly and cron missions move to the same
   * wall-clock time in the new zone. Interval missions and overdue runs are left as they are.
   */
  rescheduleWallClockMissions(): void {
    const now = this.deps.now();
    const timeZone = this.deps.settings.get().runner.timeZone;
    const changes = this.deps.store.missionsDue.upcoming(now.toISOString()).flatMap((m): LocalChange[] => {
      const cadence = parseCadence(m.cadence);
      if (!cadence || cadence.kind === 'manual' || cadence.kind === 'interval') return [];
      const next = nextRunAfter(cadence, now, timeZone)?.toISOString() ?? null;
      return next && next !== m.nextRunAt ? [nextRunChange(m.id, next)] : [];
    });
    this.updateMissions(changes);
  }

  private async runTick(): Promise<TickResult> {
    const started = this.deps.now();
    const startedMs = performance.now();
    const result = emptyTick(started);
    if (this.deps.settings.get().runner.paused) {
      result.skipped.paused = 1;
    } else {
      this.scheduleUnscheduled(started);
      const due = this.dueMissions(started);
      result.due = due.length;
      const outcomes = await Promise.all(due.map((m) => this.deps.runDue(m.id)));
      for (const o of outcomes) addOutcome(result, o);
    }
    // a duration measured, not a time of day: the one reading of the machine's clock here
    result.durationMs = Math.round(performance.now() - startedMs);
    return result;
  }

  /**
   * Active missions with a cadence but no nextRunAt (written by an older client, or imported) get
   * one, so they cannot silently never run. Missions waiting for the user (needsAttention) keep none.
   */
  private scheduleUnscheduled(now: Date): void {
    const timeZone = this.deps.settings.get().runner.timeZone;
    const changes = this.deps.store.missionsDue.unscheduled().flatMap((m): LocalChange[] => {
      const cadence = parseCadence(m.cadence);
      const next = cadence ? nextRunAfter(cadence, now, timeZone) : null;
      return next ? [nextRunChange(m.id, next.toISOString())] : [];
    });
    this.updateMissions(changes);
  }

  /** Runner-made changes to missions' schedules, announced so replicas pull them. */
  private updateMissions(changes: LocalChange[]): void {
    if (!changes.length) return;
    this.deps.store.appendLocal(changes, MISSION_RUNNER);
    this.deps.emit('sync.changed', { seq: this.deps.store.maxSeq() });
  }

  private disarm(): void {
    this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** A cadence from a synced record, or null when it is malformed. */
export function parseCadence(value: unknown): Cadence | null {
  const parsed = Mission.shape.cadence.safeParse(value);
  return parsed.success ? parsed.data : null;
}

function nextRunChange(missionId: string, nextRunAt: string): LocalChange {
  return { app: AI_APP, table: TABLES.missions, id: missionId, op: 'update', fields: { nextRunAt } };
}
