/**
 * The history keeper: once a day (and on demand, `history.compact`) it keeps what grows per run
 * within its rules (README "Data and history"):
 * 1. archives runs and decided proposals older than the horizon (archive.ts);
 * 2. compacts the log older than the horizon into one snapshot per record (store/compaction.ts),
 *    never at or past the floor a sync client sets (its first change the server has not
 *    acknowledged, `addFloor`);
 * 3. drops compact audit entries older than `activityDays`, debug captures older than the horizon
 *    and token counts older than TOKEN_DAYS_KEPT days.
 * Every part goes in small steps, each one short transaction, with the event loop free between
 * them and a WAL checkpoint every CHECKPOINT_EVERY_STEPS, so a tick or an api call waits for at
 * most one step; the run records its longest step.
 * At most one run at a time; a run in progress is shared by whoever asks for one. Time comes in
 * through `now` and `timers`; step durations are measured (`measure`) for the record only.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { HistoryRun, HistoryStatus } from '../../../src-shared/api';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import type { Settings } from '../settings';
import type { Store } from '../store/store';
import { realTimers, type TimerHandle, type Timers } from '../../timers';
import { type ArchiveCursor, FIRST_PAGE } from '../store/history-queries';
import { REPEAT_HORIZON_MAX_MS } from '../runner/repeats';
import { archiveIterationsPage, archiveProposalsPage, type ArchivePage } from './archive';

export const DAY_MS = 86_400_000;
/** How often the keeper looks whether a run is due (a run is due a day after the last). */
export const CHECK_EVERY_MS = 3_600_000;
/** The first look after the engine starts: later than the start itself, when people wait for the app. */
export const FIRST_CHECK_MS = 5 * 60_000;
/** Log rows folded per compaction step (a few ms each on an idle 2-core machine; the history bench). */
export const COMPACT_ROWS_PER_STEP = 100;
/** Records archived per step. */
export const ARCHIVE_RECORDS_PER_STEP = 50;
/**
 * A checkpoint after this many steps, as a step of its own: a compaction step dirties a few
 * hundred pages (compacted events' hashes and bases land on random pages), and SQLite's own
 * checkpoint every ~80 MB of WAL made about one step in forty wait for it. Measured on the
 * history bench's 1M-change year: without these, the longest step 400 ms (p99 143 ms); every 4
 * steps, 138 ms; every 2 steps, 69 ms (p99 11 ms, checkpoints at most 25 ms); the same total time.
 */
export const CHECKPOINT_EVERY_STEPS = 2;
/** Audit trail entries dropped per step. */
export const AUDIT_ROWS_PER_STEP = 5_000;
/** Token counts per agent and day are kept this long (budgets need only today). */
export const TOKEN_DAYS_KEPT = 400;

export interface HistoryKeeperDeps {
  store: Store;
  settings: Settings;
  now: () => Date;
  timers?: Timers;
  /** after records changed (archived runs and proposals), so replicas pull */
  changed: (touched: readonly { app: string; table: string }[]) => void;
  /** lets other work run between two steps (default: the next turn of the event loop) */
  yieldBetweenSteps?: () => Promise<unknown>;
  /** a monotonic clock in ms for the steps' durations (default: performance.now) */
  measure?: () => number;
}

/** A floor: the first log seq that must stay (a change a sync server has not acknowledged), or null for none. */
export type FloorProvider = () => number | null;

class Stopped extends Error {}

export class HistoryKeeper {
  private readonly timers: Timers;
  private readonly floors = new Set<FloorProvider>();
  private timer: TimerHandle | null = null;
  private nextCheckAt: Date | null = null;
  private running: Promise<HistoryRun> | null = null;
  private stopping = false;

  constructor(private readonly deps: HistoryKeeperDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  /** Starts the daily schedule: a first look FIRST_CHECK_MS after now, then every CHECK_EVERY_MS. */
  start(): void {
    this.stopping = false;
    this.schedule(FIRST_CHECK_MS);
  }

  /** Stops the schedule; a run in progress stops after its current step. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.nextCheckAt = null;
    await this.running?.catch(() => undefined);
  }

  /**
   * Keeps every log row from the seq `provider` returns (a sync client: its first change the
   * server has not acknowledged). Returns the function that removes it.
   */
  addFloor(provider: FloorProvider): () => void {
    this.floors.add(provider);
    return () => this.floors.delete(provider);
  }

  /** Runs now (or joins the run in progress). */
  runNow(): Promise<HistoryRun> {
    return this.run('asked');
  }

  status(): HistoryStatus {
    const { horizonDays, activityDays } = this.deps.settings.get().history;
    return {
      horizonDays,
      activityDays,
      compactedThrough: this.deps.store.compactedThrough(),
      running: this.running !== null,
      lastRun: this.lastRun(),
      nextCheckAt: this.nextCheckAt?.toISOString() ?? null,
    };
  }

  lastRun(): HistoryRun | null {
    const text = this.deps.store.state.text('history_last_run');
    if (!text) return null;
    try {
      return JSON.parse(text) as HistoryRun;
    } catch {
      return null;
    }
  }

  /** A run is due when none ever ran or the last started a day ago or more. */
  due(): boolean {
    const last = this.lastRun();
    return !last || this.deps.now().getTime() - Date.parse(last.startedAt) >= DAY_MS;
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    this.nextCheckAt = new Date(this.deps.now().getTime() + ms);
    this.timer = this.timers.setTimeout(() => void this.check(), ms);
    this.timer.unref?.();
  }

  private async check(): Promise<void> {
    this.timer = null;
    if (this.due()) await this.run('daily').catch(() => undefined); // kept in the run's record
    this.schedule(CHECK_EVERY_MS);
  }

  private floor(): number | null {
    let floor: number | null = null;
    for (const provider of this.floors) {
      const seq = provider();
      if (seq !== null && (floor === null || seq < floor)) floor = seq;
    }
    return floor;
  }

  private run(reason: HistoryRun['reason']): Promise<HistoryRun> {
    if (!this.running) {
      this.running = this.execute(reason).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async execute(reason: HistoryRun['reason']): Promise<HistoryRun> {
    const { store, settings } = this.deps;
    const measure = this.deps.measure ?? (() => performance.now());
    const pause = this.deps.yieldBetweenSteps ?? (() => nextTurn());
    const started = this.deps.now();
    const startedMs = measure();
    const { horizonDays, activityDays } = settings.get().history;
    const cutoff = new Date(started.getTime() - horizonDays * DAY_MS).toISOString();
    // Archiving cuts params: never within the window the runner's repeat check compares them in.
    const archiveCutoff = new Date(started.getTime() - Math.max(horizonDays * DAY_MS, REPEAT_HORIZON_MAX_MS)).toISOString();
    const at = started.toISOString();
    const run: HistoryRun = {
      reason,
      startedAt: at,
      finishedAt: at,
      horizonDays,
      cutoff,
      keepFrom: this.floor(),
      archivedRuns: 0,
      archivedProposals: 0,
      compactedChanges: 0,
      compactedRecords: 0,
      unreadable: 0,
      compactedThrough: store.compactedThrough(),
      prunedActivity: 0,
      prunedDebugCaptures: 0,
      prunedTokenDays: 0,
      steps: 0,
      longestStepMs: 0,
      longestStep: null,
      totalMs: 0,
      error: null,
    };
    const step = async <T>(part: HistoryRun['longestStep'], work: () => T): Promise<T> => {
      if (this.stopping) throw new Stopped('The engine is shutting down.');
      const stepStarted = measure();
      const result = work();
      run.steps++;
      const ms = measure() - stepStarted;
      if (ms > run.longestStepMs) [run.longestStepMs, run.longestStep] = [ms, part];
      await pause();
      if (++sinceCheckpoint === CHECKPOINT_EVERY_STEPS) await checkpoint();
      return result;
    };
    let sinceCheckpoint = 0;
    const checkpoint = async () => {
      const started = measure();
      store.checkpoint();
      run.steps++;
      const ms = measure() - started;
      sinceCheckpoint = 0;
      if (ms > run.longestStepMs) [run.longestStepMs, run.longestStep] = [ms, 'checkpoint'];
      await pause();
    };
    const archiveAll = async (part: HistoryRun['longestStep'], page: (after: ArchiveCursor) => ArchivePage): Promise<number> => {
      let archived = 0;
      for (let after: ArchiveCursor | null = FIRST_PAGE; after !== null; ) {
        const done: ArchivePage = await step(part, () => page(after!));
        archived += done.archived;
        after = done.nextAfter;
      }
      return archived;
    };
    try {
      run.archivedRuns = await archiveAll('archive runs', (after) => archiveIterationsPage(store, after, archiveCutoff, at, ARCHIVE_RECORDS_PER_STEP));
      run.archivedProposals = await archiveAll('archive proposals', (after) => archiveProposalsPage(store, after, archiveCutoff, at, ARCHIVE_RECORDS_PER_STEP));
      if (run.archivedRuns + run.archivedProposals > 0) {
        this.deps.changed([
          { app: AI_APP, table: TABLES.iterations },
          { app: AI_APP, table: TABLES.proposals },
        ]);
      }
      for (let done = false; !done; ) {
        const compacted = await step('compact the log', () => store.compactStep({ before: cutoff, keepFrom: (run.keepFrom = this.floor()) }, COMPACT_ROWS_PER_STEP));
        run.compactedChanges += compacted.folded;
        run.compactedRecords += compacted.records;
        run.unreadable += compacted.unreadable;
        run.compactedThrough = compacted.through;
        done = compacted.done;
      }
      const activityCutoff = new Date(started.getTime() - activityDays * DAY_MS).toISOString();
      for (let pruned = AUDIT_ROWS_PER_STEP; pruned === AUDIT_ROWS_PER_STEP; ) {
        pruned = await step('prune the audit trail', () => store.history.pruneAuditTrail(activityCutoff, AUDIT_ROWS_PER_STEP));
        run.prunedActivity += pruned;
      }
      run.prunedDebugCaptures = await step('prune debug captures', () => store.debugCaptures.pruneBefore(cutoff));
      const tokenDay = new Date(started.getTime() - TOKEN_DAYS_KEPT * DAY_MS).toISOString().slice(0, 10);
      run.prunedTokenDays = await step('prune token counts', () => store.tokenUsage.pruneBefore(tokenDay));
    } catch (error) {
      run.error = error instanceof Stopped ? error.message : `History compaction stopped: ${(error as Error).message}`;
    }
    run.finishedAt = this.deps.now().toISOString();
    run.totalMs = measure() - startedMs;
    // A run stopped by the shutdown is not a run of the day: the next start tries again.
    if (!this.stopping) store.state.set('history_last_run', JSON.stringify(run));
    if (run.error && !this.stopping) throw new Error(run.error);
    return run;
  }
}
