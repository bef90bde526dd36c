/**
 * Runner benchmarks, each side by side with its baseline in the same run:
 *
 * 1. Tick overhead, LLM excluded: 10k missions (100 due) in a log of 1M changes. Finding the due
 *    missions from the projection (what every tick does) vs a full field-level LWW replay of the
 *    missions' changes in the log (the upstream's per-tick approach before its snapshots) → ratio.
 *    Also a whole tick planning the 100 due missions against an in-process LLM that answers at once
 *    (inputs, prompt, parse, one write transaction each): the runner's own cost per tick.
 * 2. LLM concurrency: 100 due missions against the scripted OpenAI-compatible server answering after
 *    200 ms, wall time of one tick at the default concurrency (2) vs one at a time → ratio.
 *
 * Run by scripts/bench.mjs like the other bench files: `--out <file>` (JSON results), `--quick`.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChangeIn } from '../src-shared/domain/change';
import { type FieldValues, type LwwRecord, isDeleted, mergeFields } from '../src-shared/lww';
import { createEngine, type Engine } from '../src-main/engine/index';
import { MemorySecretStore } from '../src-main/engine/settings';
import { DB_FILE } from '../src-main/engine/store/db';
import { parseWrites } from '../src-main/engine/store/store';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { FULL, QUICK, batches, type Workload } from './workload';

interface Size {
  /** changes in the log, missions' included */
  changes: number;
  missions: number;
  due: number;
  ticks: number;
  /** missions for the concurrency run */
  concurrencyMissions: number;
  llmDelayMs: number;
}

const FULL_SIZE: Size = { changes: FULL.changes, missions: 10_000, due: 100, ticks: 7, concurrencyMissions: 100, llmDelayMs: 200 };
const QUICK_SIZE: Size = { changes: QUICK.changes, missions: 2_000, due: 100, ticks: 5, concurrencyMissions: 20, llmDelayMs: 200 };

export interface RunnerResults {
  size: Size;
  /** medians of `size.ticks` runs each (the first cold), and every run in order */
  scan: { projectionMs: number; replayMs: number; ratio: number; replayedChanges: number; target: string; projectionRunsMs: number[]; replayRunsMs: number[] };
  tick: { ms: number; perMissionMs: number; planned: number; runsMs: number[] };
  concurrency: { defaultConcurrency: number; parallelMs: number; serialMs: number; ratio: number; missions: number; llmDelayMs: number };
}

const NOW = new Date('2026-11-20T09:00:00.000Z');
const PAST = '2026-11-20T08:00:00.000Z';
const FUTURE = '2026-11-27T08:00:00.000Z';
const EMPTY_PLAN = '```json\n{"summary":"nothing to do","steps":[]}\n```';

function log(message: string): void {
  process.stderr.write(`[runner] ${message}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const stamp = (i: number) => `${new Date(Date.parse('2026-06-01T00:00:00.000Z') + i).toISOString()}-0000-00000000000000b2`;

/** 10k mission inserts (the first `due` due now) and one update each, as a renderer and the runner would write them. */
function* missionChanges(size: Size): Generator<ChangeIn[]> {
  for (const op of ['insert', 'update'] as const) {
    for (let start = 0; start < size.missions; start += 1000) {
      const batch: ChangeIn[] = [];
      for (let i = start; i < Math.min(start + 1000, size.missions); i++) {
        const at = stamp(op === 'insert' ? i : size.missions + i);
        const fields: NonNullable<ChangeIn['fields']> =
          op === 'insert'
            ? {
                title: { value: `Mission ${i}`, at },
                objective: { value: 'Keep the week planned', at },
                cadence: { value: { kind: 'interval', everyMinutes: 60 }, at },
                state: { value: i >= size.due && i % 10 === 9 ? 'paused' : 'active', at },
                failureStreak: { value: 0, at },
                nextRunAt: { value: FUTURE, at },
              }
            : { nextRunAt: { value: i < size.due ? PAST : FUTURE, at }, lastRunAt: { value: '2026-11-19T08:00:00.000Z', at } };
        batch.push({ eventId: `mission-${op}-${i}`, app: 'ai', table: 'aiMissions', id: `mission-${i}`, op, fields });
      }
      yield batch;
    }
  }
}

/** An LLM that answers at once, in-process: what is left of a tick is the runner's own work. */
const instantFetch = (async () =>
  Response.json({
    id: 'x',
    object: 'chat.completion',
    model: 'bench',
    choices: [{ index: 0, message: { role: 'assistant', content: EMPTY_PLAN }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 500, completion_tokens: 20, total_tokens: 520 },
  })) as unknown as typeof fetch;

function engineAt(dir: string, overrides: { baseUrl: string; concurrency?: number }, fetchImpl?: typeof fetch): Engine {
  return createEngine({
    dataDir: dir,
    secrets: new MemorySecretStore(),
    overrides: {
      llm: { baseUrl: overrides.baseUrl, model: 'bench', plannerMode: 'json', timeoutMs: 60_000 },
      runner: { timeZone: 'UTC', ...(overrides.concurrency ? { concurrency: overrides.concurrency } : {}) },
    },
    llmDeps: fetchImpl ? { fetch: fetchImpl } : {},
    now: () => NOW,
    autoStart: false,
  });
}

/**
 * The upstream way: fold every change of every mission with field-level LWW, then filter the due
 * ones. It reads the log through a connection of its own (`reader`): the Store keeps its SQL.
 */
function replayDue(reader: Database.Database, now: Date): { due: number; changes: number } {
  const rows = reader
    .prepare(`SELECT record_id, op, data, field_meta FROM sync_changes WHERE app_id = 'ai' AND table_name = 'aiMissions' ORDER BY seq`)
    .all() as { record_id: string; op: string; data: string; field_meta: string }[];
  const missions = new Map<string, LwwRecord>();
  for (const row of rows) {
    const writes = parseWrites(row.data, row.field_meta, row.op);
    if (typeof writes === 'string') continue;
    missions.set(row.record_id, mergeFields(missions.get(row.record_id), writes).record);
  }
  const cutoff = now.toISOString();
  let due = 0;
  for (const m of missions.values()) {
    const data = m.data as FieldValues & { state?: string; nextRunAt?: string | null };
    if (!isDeleted(m) && data.state === 'active' && typeof data.nextRunAt === 'string' && data.nextRunAt <= cutoff) due++;
  }
  return { due, changes: rows.length };
}

/** Puts the benchmark's due missions back to due (untimed), so every measured tick plans the same work. */
/**
 * Makes the first `size.due` missions due again, at a due time of their own for repetition `rep`:
 * the runner plans each due time of a mission once (its plan's ids derive from it), so a tick that
 * found them due at a time already planned would skip them all as "already planned".
 */
function makeDueAgain(engine: Engine, size: Size, rep: number): void {
  const dueAt = new Date(Date.parse(PAST) - (rep + 1) * 60_000).toISOString();
  engine.store.push(
    'bench-reset',
    Array.from({ length: size.due }, (_, i) => ({
      eventId: `reset-${rep}-${i}`,
      app: 'ai',
      table: 'aiMissions',
      id: `mission-${i}`,
      op: 'update' as const,
      fields: { nextRunAt: { value: dueAt, at: engine.store.clock.now() } },
    })),
  );
}

async function tickOverhead(size: Size): Promise<Pick<RunnerResults, 'scan' | 'tick'>> {
  const tmp = tempDataDir('companion-runner-bench-');
  const engine = engineAt(tmp.dir, { baseUrl: 'http://llm.invalid/v1' }, instantFetch);
  let reader: Database.Database | undefined;
  try {
    const missionChangeCount = size.missions * 2;
    const w: Workload = { ...(size === FULL_SIZE ? FULL : QUICK), changes: size.changes - missionChangeCount };
    log(`log: ${w.changes.toLocaleString('en')} task changes + ${missionChangeCount.toLocaleString('en')} mission changes`);
    for (const batch of batches(w)) engine.store.push('bench', batch);
    for (const batch of missionChanges(size)) engine.store.push('bench', batch);
    if (engine.store.maxSeq() !== size.changes) throw new Error(`expected ${size.changes} changes, found ${engine.store.maxSeq()}`);

    reader = new Database(join(tmp.dir, DB_FILE), { readonly: true });
    reader.pragma('cache_size = -8192');
    log('finding due missions: projection vs full LWW replay');
    const projection: number[] = [];
    const replay: number[] = [];
    let replayed = 0;
    for (let i = 0; i < size.ticks; i++) {
      let started = performance.now();
      const found = engine.runner.dueMissions(NOW).length;
      projection.push(performance.now() - started);
      started = performance.now();
      const r = replayDue(reader, NOW);
      replay.push(performance.now() - started);
      replayed = r.changes;
      if (found !== size.due || r.due !== size.due) throw new Error(`due: projection ${found}, replay ${r.due}, expected ${size.due}`);
    }

    log(`whole ticks planning ${size.due} missions against an instant LLM`);
    const ticks: number[] = [];
    let planned = 0;
    for (let i = 0; i < size.ticks; i++) {
      makeDueAgain(engine, size, i);
      const started = performance.now();
      const result = await engine.runner.tick();
      ticks.push(performance.now() - started);
      planned = result.planned;
      if (result.planned !== size.due) throw new Error(`tick planned ${result.planned} of ${size.due}: ${JSON.stringify(result)}`);
    }
    const projectionMs = median(projection);
    const replayMs = median(replay);
    const tickMs = median(ticks);
    return {
      scan: { projectionMs, replayMs, ratio: replayMs / projectionMs, replayedChanges: replayed, target: 'projection < 20 ms per tick', projectionRunsMs: projection, replayRunsMs: replay },
      tick: { ms: tickMs, perMissionMs: tickMs / size.due, planned, runsMs: ticks },
    };
  } finally {
    reader?.close();
    await engine.close();
    tmp.cleanup();
  }
}

/**
 * The scripted OpenAI-compatible server (src-main/testing/llm-server/cli.ts) as a child process: it runs as
 * plain TypeScript under Node >= 23.6, so this works however this file was bundled. Scripted over
 * its control endpoint to answer every request with an empty plan after `delayMs`.
 */
async function scriptedServer(delayMs: number): Promise<{ url: string; close(): void }> {
  const args = ['--experimental-strip-types', llmServerPath(), '--port', '0'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the scripted LLM server did not start')), 10_000);
    child.once('exit', (code) => reject(new Error(`the scripted LLM server exited (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /Scripted LLM at (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const control = await fetch(url.replace(/\/v1$/, '/__control/default'), { method: 'POST', body: JSON.stringify({ content: EMPTY_PLAN, delayMs }) });
  if (!control.ok) throw new Error(`scripting the LLM server failed: ${control.status}`);
  return { url, close: () => child.kill() };
}

/** The server's entry: next to the working directory, or above this (possibly bundled) file. */
function llmServerPath(): string {
  const relative = join('src-main', 'testing', 'llm-server', 'cli.ts');
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
  }
  return join(process.cwd(), relative);
}

async function concurrency(size: Size): Promise<RunnerResults['concurrency']> {
  const llm = await scriptedServer(size.llmDelayMs);
  const wall = async (concurrency: number | undefined): Promise<number> => {
    const tmp = tempDataDir('companion-runner-bench-');
    const engine = engineAt(tmp.dir, { baseUrl: llm.url, concurrency });
    try {
      engine.store.push(
        'bench',
        Array.from({ length: size.concurrencyMissions }, (_, i) => ({
          eventId: `m-${i}`,
          app: 'ai',
          table: 'aiMissions',
          id: `m-${i}`,
          op: 'insert' as const,
          data: { title: `Mission ${i}`, objective: 'x', cadence: { kind: 'interval', everyMinutes: 60 }, state: 'active', failureStreak: 0, nextRunAt: PAST },
        })),
      );
      const started = performance.now();
      const result = await engine.runner.tick();
      if (result.planned !== size.concurrencyMissions) throw new Error(`planned ${result.planned} of ${size.concurrencyMissions}: ${JSON.stringify(result)}`);
      return performance.now() - started;
    } finally {
      await engine.close();
      tmp.cleanup();
    }
  };
  try {
    const defaultConcurrency = 2;
    log(`${size.concurrencyMissions} due missions, LLM answering after ${size.llmDelayMs} ms: default concurrency`);
    const parallelMs = await wall(undefined);
    log('one at a time');
    const serialMs = await wall(1);
    return { defaultConcurrency, parallelMs, serialMs, ratio: serialMs / parallelMs, missions: size.concurrencyMissions, llmDelayMs: size.llmDelayMs };
  } finally {
    llm.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const size = args.includes('--quick') ? QUICK_SIZE : FULL_SIZE;
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const overhead = await tickOverhead(size);
  const results: RunnerResults = { size, ...overhead, concurrency: await concurrency(size) };
  const json = JSON.stringify(results, null, 2);
  if (out) writeFileSync(out, json);
  else process.stdout.write(`${json}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[runner] failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
