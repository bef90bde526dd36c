/**
 * A year of data feels like day one (issue 15, engine half), each figure with its reference or
 * target in the same run:
 *
 * 1. Host start → ready with a big log: the year-of-use dataset at 1M changes (issue 15's mix,
 *    arrival times spread over the year), seeded through the Store; then `cli.js serve` started
 *    as a person starts it, timed from spawn to its "Companion ready" line: after a clean shutdown
 *    and after a killed one (the full integrity check runs then), against the same start on an
 *    empty data dir (what starting Node and the app costs whatever the data).
 * 2. The history keeper's run on that year (horizon 90 days): its longest step (how long a tick or
 *    an api call can wait for it), its steps and total time, the log before and after.
 * 3. The database after a year lived hour by hour (src-main/testing/year-of-use-lived.ts: one hourly
 *    mission planned by the real runner, the user's decisions and edits every evening, the daily
 *    history run) against the same year with nothing ever compacted or archived.
 *
 * Run by scripts/bench.mjs (`--out <file>`, `--cli <out/main/cli.js>`, `--quick`: 100k changes and a
 * mission every 6 hours).
 * `--part start|pause|year` runs one part, `--keep` leaves its data dirs (while working on it).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ENGINE_NODE_FLAGS } from '../scripts/engine-flags.mjs';
import { createEngine, type Engine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { DB_FILE } from '../src-main/engine/store/db';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { ManualTimers } from '../src-main/testing/manual-timers';
import { seedYearOfUse, YEAR_OF_USE_END } from '../src-main/testing/year-of-use';
import { liveYear, type LivedYearOptions, type LivedYearSummary, plannerReply } from '../src-main/testing/year-of-use-lived';

const TOKEN = 'bench-token-0123456789';
const STARTS = 5;

interface Size {
  changes: number;
  lived: LivedYearOptions;
}
const FULL_SIZE: Size = { changes: 1_000_000, lived: { days: 365, everyMinutes: 60 } };
const QUICK_SIZE: Size = { changes: 100_000, lived: { days: 365, everyMinutes: 360, proposeEvery: 2 } };

export interface StartResults {
  changes: number;
  dbMb: number;
  seedSeconds: number;
  /** spawn → ready, each start in order (median first) */
  cleanSeconds: number;
  cleanRunsSeconds: number[];
  uncleanSeconds: number;
  uncleanRunsSeconds: number[];
  /** what the open's full check took in the unclean starts (from the host's log) */
  uncleanCheckRunsMs: number[];
  emptySeconds: number;
  emptyRunsSeconds: number[];
}

export interface PauseResults {
  changes: number;
  horizonDays: number;
  longestStepMs: number;
  longestStep: string | null;
  steps: number;
  totalSeconds: number;
  archivedRuns: number;
  archivedProposals: number;
  compactedChanges: number;
  logRowsBefore: number;
  logRowsAfter: number;
  dbMbBefore: number;
  dbMbAfter: number;
  /** of dbMbAfter, free pages (the file does not shrink; later writes reuse them) */
  freeMbAfter: number;
}

export interface YearResults {
  lived: LivedYearSummary & { everyMinutes: number };
  /** the database file after the year, closed cleanly (WAL checkpointed) */
  dbMb: number;
  /** of it, pages on SQLite's free list (reused by later writes) */
  freeMb: number;
  tables: Record<string, number>;
  seconds: number;
  /** the same year with a horizon longer than the year: nothing compacted or archived */
  uncompacted: { dbMb: number; tables: Record<string, number>; seconds: number };
}

export interface HistoryResults {
  start: StartResults | null;
  pause: PauseResults | null;
  year: YearResults | null;
}

function log(message: string): void {
  process.stderr.write(`[history] ${message}\n`);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const mb = (bytes: number) => bytes / 2 ** 20;

function openEngine(dir: string, now: () => Date, extra: Partial<Parameters<typeof createEngine>[0]> = {}): Engine {
  return createEngine({ dataDir: dir, secrets: new MemorySecretStore(), now, autoStart: false, ...extra });
}

/** Bytes per table and index (SQLite's dbstat), in MB, largest first. */
function tableSizes(engine: Engine): Record<string, number> {
  return engine.store.databaseFacts().objects;
}

// ---------------------------------------------------------------------------------------------
// 1. start → ready

interface Host {
  ready: Promise<number>;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  stderr(): string;
}

/** The headless host's entry (out/main/cli.js, built by scripts/bench.mjs before this bench). */
let cli = '';

function startHost(dir: string): Host {
  const started = performance.now();
  const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, cli, 'serve', '--data-dir', dir, '--port', '0', '--token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Companion ready at')) resolve((performance.now() - started) / 1000);
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then(() => reject(new Error(`the host exited before it was ready: ${err}`)));
  });
  return {
    ready,
    stderr: () => err,
    async stop(signal) {
      if (signal === 'SIGTERM') {
        // once it answers the api, its signal handlers are in place
        const url = /Companion ready at (http:\/\/[^/]+)\//.exec(out)![1];
        await fetch(`${url}/api/runner.status`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' });
      }
      child.kill(signal);
      await exited;
    },
  };
}

/** `count` starts, each stopped with `stop`; their spawn → ready times in s. */
async function starts(dir: string, count: number, stop: 'SIGTERM' | 'SIGKILL'): Promise<number[]> {
  const seconds: number[] = [];
  for (let i = 0; i < count; i++) {
    const host = startHost(dir);
    seconds.push(await host.ready);
    await host.stop(stop);
  }
  return seconds;
}

/** The open's check times the host logged (`database opened`), in order. */
function loggedChecks(dir: string): { check: string; reason: string; ms: number }[] {
  const text = readFileSync(join(dir, 'logs', 'companion.log'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { msg: string; check: string; reason: string; ms: number })
    .filter((e) => e.msg === 'database opened');
}

async function seedYear(dir: string, changes: number): Promise<{ seconds: number; dbMb: number }> {
  let at = new Date(YEAR_OF_USE_END);
  const engine = openEngine(dir, () => at);
  const started = performance.now();
  seedYearOfUse(engine.store, { changes }, (instant) => (at = new Date(instant)));
  const seconds = (performance.now() - started) / 1000;
  await engine.close();
  return { seconds, dbMb: mb(statSync(join(dir, DB_FILE)).size) };
}

async function startBench(dir: string, size: Size): Promise<StartResults> {
  const empty = tempDataDir('companion-bench-empty-');
  try {
    log('start → ready on an empty data dir');
    const emptyRuns = await starts(empty.dir, STARTS, 'SIGTERM');
    log('start → ready after a clean shutdown');
    const cleanRuns = await starts(dir, STARTS, 'SIGTERM');
    log('start → ready after a killed host (the full check runs)');
    await starts(dir, 1, 'SIGKILL');
    const uncleanRuns = await starts(dir, STARTS, 'SIGKILL');
    await starts(dir, 1, 'SIGTERM'); // leaves the file closed cleanly again
    const checks = loggedChecks(dir).filter((c) => c.reason === 'unclean-shutdown');
    return {
      changes: size.changes,
      dbMb: mb(statSync(join(dir, DB_FILE)).size),
      seedSeconds: 0,
      cleanSeconds: median(cleanRuns),
      cleanRunsSeconds: cleanRuns,
      uncleanSeconds: median(uncleanRuns),
      uncleanRunsSeconds: uncleanRuns,
      uncleanCheckRunsMs: checks.slice(-STARTS).map((c) => Math.round(c.ms)),
      emptySeconds: median(emptyRuns),
      emptyRunsSeconds: emptyRuns,
    };
  } finally {
    empty.cleanup();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. the history run's longest step

async function pauseBench(dir: string, size: Size): Promise<PauseResults> {
  const engine = openEngine(dir, () => new Date(YEAR_OF_USE_END));
  try {
    const before = engine.store.databaseFacts();
    log(`history run on ${size.changes.toLocaleString('en')} changes (horizon ${engine.settings.get().history.horizonDays} days)`);
    const run = await engine.history.runNow();
    const after = engine.store.databaseFacts();
    return {
      changes: size.changes,
      horizonDays: run.horizonDays,
      longestStepMs: run.longestStepMs,
      longestStep: run.longestStep,
      steps: run.steps,
      totalSeconds: run.totalMs / 1000,
      archivedRuns: run.archivedRuns,
      archivedProposals: run.archivedProposals,
      compactedChanges: run.compactedChanges,
      logRowsBefore: before.logRows,
      logRowsAfter: after.logRows,
      dbMbBefore: before.fileMb,
      dbMbAfter: after.fileMb,
      freeMbAfter: after.freeMb,
    };
  } finally {
    await engine.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. a year lived

/** An LLM answering in-process, at once, with the lived year's plans in order. */
function plannerFetch(options: LivedYearOptions): typeof fetch {
  let calls = 0;
  return (async () =>
    Response.json({
      id: 'x',
      object: 'chat.completion',
      model: 'bench',
      choices: [{ index: 0, message: { role: 'assistant', content: plannerReply(calls++, options) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 900, completion_tokens: 120, total_tokens: 1020 },
    })) as unknown as typeof fetch;
}

async function liveYearIn(dir: string, options: LivedYearOptions, horizonDays: number): Promise<{ summary: LivedYearSummary; dbMb: number; freeMb: number; tables: Record<string, number>; seconds: number }> {
  const timers = new ManualTimers(Date.parse('2025-11-29T00:00:00.000Z'));
  const engine = openEngine(dir, () => new Date(timers.now()), {
    timers,
    llmDeps: { fetch: plannerFetch(options) },
    overrides: { llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'bench', plannerMode: 'json' }, runner: { timeZone: 'UTC' }, history: { horizonDays } },
  });
  const started = performance.now();
  let summary: LivedYearSummary;
  try {
    summary = await liveYear({ setTime: (iso) => timers.advance(Date.parse(iso) - timers.now()), call: (method, input) => engine.call(method as never, input) }, options);
  } finally {
    await engine.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const reopened = openEngine(dir, () => new Date(timers.now()));
  try {
    const facts = reopened.store.databaseFacts();
    return { summary, dbMb: mb(statSync(join(dir, DB_FILE)).size), freeMb: facts.freeMb, tables: facts.objects, seconds };
  } finally {
    await reopened.close();
  }
}

/** `--keep`: leave the data dirs for a look inside (their paths are logged). */
const keep = process.argv.includes('--keep');

async function yearBench(size: Size): Promise<YearResults> {
  const compacted = tempDataDir('companion-bench-year-');
  const plain = tempDataDir('companion-bench-year-plain-');
  if (keep) log(`keeping ${compacted.dir} and ${plain.dir}`);
  try {
    log(`a year lived: a mission every ${size.lived.everyMinutes} minutes, daily use, the daily history run`);
    const year = await liveYearIn(compacted.dir, size.lived, 90);
    log('the same year, nothing compacted or archived');
    const reference = await liveYearIn(plain.dir, size.lived, 3650);
    return {
      lived: { ...year.summary, everyMinutes: size.lived.everyMinutes ?? 60 },
      dbMb: year.dbMb,
      freeMb: year.freeMb,
      tables: year.tables,
      seconds: year.seconds,
      uncompacted: { dbMb: reference.dbMb, tables: reference.tables, seconds: reference.seconds },
    };
  } finally {
    if (!keep) {
      compacted.cleanup();
      plain.cleanup();
    }
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const size = args.includes('--quick') ? QUICK_SIZE : FULL_SIZE;
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const part = args.includes('--part') ? args[args.indexOf('--part') + 1] : null;
  const results: HistoryResults = { start: null, pause: null, year: null };
  cli = args.includes('--cli') ? args[args.indexOf('--cli') + 1]! : '';
  if (part === null || part === 'start' || part === 'pause') {
    if (!cli) throw new Error('pass --cli <out/main/cli.js> (scripts/bench.mjs does)');
    const tmp = tempDataDir('companion-bench-start-');
    if (keep) log(`keeping ${tmp.dir}`);
    try {
      log(`seeding a year of use: ${size.changes.toLocaleString('en')} changes through the Store`);
      const seeded = await seedYear(tmp.dir, size.changes);
      if (part !== 'pause') results.start = { ...(await startBench(tmp.dir, size)), seedSeconds: seeded.seconds };
      if (part !== 'start') results.pause = await pauseBench(tmp.dir, size);
    } finally {
      if (!keep) tmp.cleanup();
    }
  }
  if (part === null || part === 'year') results.year = await yearBench(size);
  const json = JSON.stringify(results, null, 2);
  if (out) writeFileSync(out, json);
  else process.stdout.write(`${json}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[history] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
