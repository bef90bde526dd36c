/**
 * The soak test (issue 12): a simulated stretch of days, in minutes of real time. The real engine
 * on a real SQLite file, its runner on the test clock and its one timer (the loop below only moves
 * the clock to the runner's next wake-up or the reviewer's next visit, whichever is first, and
 * waits for the tick), THE scripted LLM server over HTTP answering as model.ts, the reviewer of
 * reviewer.ts, ten missions across every cadence (missions.ts). Every tick and visit is followed by
 * the waiting-duplicates check; the end by the checks of checks.ts; each simulated day by a heap
 * sample after a full GC and the database's size on disk.
 *
 * Used by soak.test.ts (a short form in `npm test`, the month in `npm run soak`).
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startHarness } from '../../engine/testing/harness';
import { tempDataDir } from '../../engine/testing/temp-db';
import { DB_FILE } from '../../engine/store/db';
import { startScriptedLlm } from '../llm-server';
import { ManualTimers } from '../manual-timers';
import { runStatus } from '../../../src-shared/domain/run-status';
import { type Records, autoAppliedTwice, pendingDuplicates, plannedWhileWaiting, readRecords, statusDisagreements } from './checks';
import { MANUAL_MISSION, SOAK_MISSIONS, seedSoakWorld } from './missions';
import { type SoakModelStats, soakModel } from './model';
import { seeded, streamSeed } from './random';
import { Reviewer, type ReviewerStats } from './reviewer';

const DAY = 86_400_000;
/** How often the heap is sampled (after a full GC), in simulated time. */
const SAMPLE_EVERY_MS = DAY / 4;
const TIME_ZONE = 'Europe/Berlin';
/** A Monday, 07:00 in Berlin; the month crosses the end of summer time (25 October) and ends in the past. */
export const SOAK_START = '2026-10-05T05:00:00.000Z';

export interface SoakOptions {
  days: number;
  seed?: number;
  /** when the simulated stretch starts (default SOAK_START; e.g. a month ago, to look at the result with today's charts) */
  start?: string;
  /** the runner's safety-net tick (default 15 min) */
  tickIntervalMs?: number;
  /** keep the data dir (for screenshots) instead of deleting it */
  dataDir?: string;
  /** called after each simulated day */
  onDay?: (day: number, figures: DayFigures) => void;
}

export interface DayFigures {
  day: number;
  runs: number;
  heapMb: number;
  dbBytes: number;
}

export interface SoakFigures {
  days: number;
  seed: number;
  realSeconds: number;
  ticks: number;
  /** ticks that found a mission due but held for review, summed over missions */
  skippedWaiting: number;
  llmRequests: number;
  model: SoakModelStats;
  reviewer: ReviewerStats;
  /** byStatus: as shown (runStatus: awaiting review, reviewed, done, failed) */
  runs: { total: number; byStatus: Record<string, number>; byMission: Record<string, number> };
  proposals: { total: number; byStatus: Record<string, number>; maxPendingPerMission: number };
  autoApplied: number;
  refused: Record<string, number>;
  /** the database file after the engine closed (WAL checkpointed) */
  dbBytes: number;
  dbBytesPerRun: number;
  /** the newest debug captures (kept locally, a fixed number: store/debug-captures.ts) */
  debugCaptureBytes: number;
  debugCaptures: number;
  /** per run, without the debug captures' fixed share: what a run adds for good */
  dbBytesPerRunBeyondDebug: number;
  /** bytes of JSON in the change log per table, and in the tick log */
  logBytesByTable: Record<string, number>;
  tickLogBytes: number;
  rssMb: number;
  /** heap after a full GC, MB, every 6 simulated hours */
  heapMb: number[];
  violations: {
    pendingDuplicates: string[];
    autoAppliedTwice: string[];
    statusDisagreements: string[];
    plannedWhileWaiting: string[];
  };
}

/** A full garbage collection, so heap samples compare live objects only. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function heapMb(): number {
  collectGarbage();
  return Math.round((process.memoryUsage().heapUsed / 1_048_576) * 10) / 10;
}

function dbBytesOnDisk(dataDir: string): number {
  const size = (f: string) => {
    try {
      return statSync(join(dataDir, f)).size;
    } catch {
      return 0;
    }
  };
  return size(DB_FILE) + size(`${DB_FILE}-wal`);
}

export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const seed = options.seed ?? 12;
  const realStart = performance.now();
  const model = soakModel(seed);
  const llm = await startScriptedLlm({ timers: new ManualTimers(), defaultReply: model.reply });
  if (options.dataDir) {
    if (existsSync(join(options.dataDir, DB_FILE))) throw new Error(`${options.dataDir} already holds a database: give the soak an empty directory.`);
    mkdirSync(options.dataDir, { recursive: true });
  }
  const tmp = options.dataDir ? { dir: options.dataDir, cleanup: () => undefined } : tempDataDir('companion-soak-');
  const h = await startHarness({
    dataDir: tmp.dir,
    scripted: llm,
    start: options.start ?? SOAK_START,
    llm: { plannerMode: 'tools' },
    runner: { tickIntervalMs: options.tickIntervalMs ?? 15 * 60_000, timeZone: TIME_ZONE, concurrency: 2 },
  });
  const { engine, clock } = h;
  const missionIds = SOAK_MISSIONS.map((m) => m.id);
  const reviewer = new Reviewer({ engine, random: seeded(streamSeed(seed, 'reviewer')), timeZone: TIME_ZONE, missionIds, manualMissionId: MANUAL_MISSION });
  const duplicates: string[] = [];
  const heap: number[] = [];
  let ticks = 0;
  let skippedWaiting = 0;
  let llmRequests = 0;
  try {
    await seedSoakWorld(engine, options.start ?? SOAK_START);
    engine.runner.start();
    const end = clock.now() + options.days * DAY;
    let visitAt = reviewer.nextVisit(clock.now());
    let nextSample = clock.now() + SAMPLE_EVERY_MS;
    while (clock.now() < end) {
      const tickAt = Date.parse(engine.runner.nextTickAt() ?? '') || Infinity;
      const at = Math.min(tickAt, visitAt, nextSample, end);
      if (at === tickAt) {
        const ticked = h.nextEvent('runner.tick');
        clock.set(new Date(Math.max(at, clock.now())).toISOString());
        const result = await ticked;
        ticks++;
        skippedWaiting += result.skipped['waiting-for-review'] ?? 0;
      } else {
        clock.set(new Date(at).toISOString());
        if (at === visitAt) {
          await reviewer.visit();
          visitAt = reviewer.nextVisit(visitAt);
        }
        if (at === nextSample) {
          // The harness keeps every event and the server every request: test-side records, let go here.
          llmRequests += llm.requests.length;
          llm.reset();
          h.events.length = 0;
          heap.push(heapMb());
          const day = (heap.length * SAMPLE_EVERY_MS) / DAY;
          if (Number.isInteger(day)) options.onDay?.(day, { day, runs: engine.store.listData('ai', 'aiIterations').length, heapMb: heap.at(-1)!, dbBytes: dbBytesOnDisk(engine.dataDir) });
          nextSample += SAMPLE_EVERY_MS;
        }
      }
      duplicates.push(...pendingDuplicates(engine.store, missionIds, TIME_ZONE));
    }
    llmRequests += llm.requests.length;
    const records = readRecords(engine.store);
    const violations = {
      pendingDuplicates: duplicates,
      autoAppliedTwice: autoAppliedTwice(records, TIME_ZONE),
      statusDisagreements: statusDisagreements(records),
      plannedWhileWaiting: plannedWhileWaiting(records, reviewer.runNowIterations),
    };
    const counted = countRecords(records);
    const rssMb = Math.round(process.memoryUsage().rss / 1_048_576);
    await h.close(); // checkpoints the WAL: what stays on disk
    const dbBytes = dbBytesOnDisk(tmp.dir);
    const inside = whatIsInside(tmp.dir);
    const perRun = (bytes: number) => (counted.runs.total ? Math.round(bytes / counted.runs.total) : 0);
    return {
      days: options.days,
      seed,
      realSeconds: Math.round((performance.now() - realStart) / 100) / 10,
      ticks,
      skippedWaiting,
      llmRequests,
      model: model.stats,
      reviewer: reviewer.stats,
      ...counted,
      dbBytes,
      dbBytesPerRun: perRun(dbBytes),
      dbBytesPerRunBeyondDebug: perRun(dbBytes - inside.debugCaptureBytes),
      ...inside,
      heapMb: heap,
      rssMb,
      violations,
    };
  } finally {
    await h.close().catch(() => undefined);
    await llm.close();
    tmp.cleanup();
  }
}

/** What the closed database holds, read with a connection of its own (a test helper may: store/owns-sql.test.ts). */
function whatIsInside(dataDir: string): Pick<SoakFigures, 'debugCaptureBytes' | 'debugCaptures' | 'logBytesByTable' | 'tickLogBytes'> {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  try {
    const debug = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(length(capture)), 0) AS bytes FROM iteration_debug').get() as { n: number; bytes: number };
    const log = db.prepare('SELECT table_name AS t, SUM(length(data) + length(field_meta) + length(COALESCE(actor, \'\'))) AS bytes FROM sync_changes GROUP BY table_name').all() as { t: string; bytes: number }[];
    const ticks = db.prepare('SELECT COALESCE(SUM(length(result)), 0) AS bytes FROM ticks').get() as { bytes: number };
    return { debugCaptures: debug.n, debugCaptureBytes: debug.bytes, logBytesByTable: Object.fromEntries(log.map((r) => [r.t, r.bytes])), tickLogBytes: ticks.bytes };
  } finally {
    db.close();
  }
}

/** Runs, proposals and steps counted. */
function countRecords(records: Records): Pick<SoakFigures, 'runs' | 'proposals' | 'autoApplied' | 'refused'> {
  const count = <T>(items: Iterable<T>, key: (t: T) => string | null) => {
    const out: Record<string, number> = {};
    for (const t of items) {
      const k = key(t);
      if (k !== null) out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const steps = records.iterations.flatMap((it) => it.steps);
  const pendingPerMission = count(records.proposals.values(), (p) => (p.status === 'pending' ? p.missionId : null));
  return {
    runs: {
      total: records.iterations.length,
      byStatus: count(records.iterations, (it) => runStatus(it, (id) => records.proposals.get(id)).status),
      byMission: count(records.iterations, (it) => it.missionId),
    },
    proposals: { total: records.proposals.size, byStatus: count(records.proposals.values(), (p) => p.status), maxPendingPerMission: Math.max(0, ...Object.values(pendingPerMission)) },
    autoApplied: steps.filter((s) => s.kind === 'write' && s.policy === 'auto' && !s.refused && !s.error).length,
    refused: count(steps, (s) => s.refused ?? null),
  };
}
