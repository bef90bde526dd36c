#!/usr/bin/env node
// `npm run bench [-- --quick]`: builds the benchmarks in bench/ (TypeScript, bundled by vite into
// out/bench/), runs each in its own Node process (so the engine's RSS is its own) and Chromium,
// prints one table with absolute figures, ratios to raw SQLite measured in the same run, and the
// targets, and writes bench/results.json. --quick runs a 10x smaller workload (under a minute);
// --only <name> runs one bench and prints its figures without touching results.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { findChromium } from './chromium.mjs';
import { HOW_TO_GET_POSTGRES, findPostgresBin } from './postgres.mjs';
import { ENGINE_NODE_FLAGS } from './engine-flags.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'out', 'bench');
const quick = process.argv.includes('--quick');
// `--only engine|runner|hydrate`: build all, run one, print its JSON.
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : null;
if (only !== null && !['engine', 'runner', 'hydrate', 'sync-server'].includes(only)) {
  console.error('bench: --only takes engine, runner, hydrate or sync-server');
  process.exit(2);
}
const chromium = findChromium();

const TARGETS = { appendRatio: 0.35, hydratePerSec: 50_000, rssMb: 300, syncRatio: 0.3 };

async function buildBenches() {
  const common = { configFile: false, root, logLevel: 'warn', build: { minify: false, target: 'es2023' } };
  // Node side: bare imports (better-sqlite3, zod, playwright) stay external and load from node_modules.
  await build({
    ...common,
    build: {
      ...common.build,
      ssr: true,
      outDir: join(outDir, 'node'),
      emptyOutDir: true,
      rollupOptions: {
        input: { engine: join(root, 'bench/engine.bench.ts'), hydrate: join(root, 'bench/hydrate.bench.ts'), runner: join(root, 'bench/runner.bench.ts'), 'sync-server': join(root, 'bench/sync-server.bench.ts') },
        output: { format: 'esm', entryFileNames: '[name].mjs' },
      },
    },
  });
  // Browser side: one self-contained module (Dexie, zod and the replica code bundled in).
  await build({
    ...common,
    build: {
      ...common.build,
      outDir: join(outDir, 'page'),
      emptyOutDir: true,
      lib: { entry: join(root, 'bench/hydrate.page.ts'), formats: ['es'], fileName: () => 'page.js' },
    },
  });
}

/** Runs one bench file in a fresh Node process; its JSON result comes back through a file. */
function run(name, extraArgs = []) {
  const out = join(outDir, `${name}.result.json`);
  const args = [...ENGINE_NODE_FLAGS, join(outDir, 'node', `${name}.mjs`), '--out', out, ...(quick ? ['--quick'] : []), ...extraArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(readFileSync(out, 'utf8'))) : reject(new Error(`${name} bench exited with ${code}`))));
  });
}

const int = (n) => Math.round(n).toLocaleString('en');
const yesNo = (ok) => (ok ? 'yes' : 'NO');

function rows(engine, hydrate) {
  const w = engine.workload;
  const out = [
    {
      bench: `append: ${int(w.changes)} changes over ${int(w.records)} records, batches of ${int(w.batch)}`,
      result: `${int(engine.append.perSec)} changes/s (${engine.append.seconds.toFixed(1)} s)`,
      reference: `raw inserts of the same rows: ${int(engine.rawInsert.perSec)} rows/s`,
      ratio: engine.appendRatio.toFixed(2),
      target: `>= ${TARGETS.appendRatio} of raw`,
      met: yesNo(engine.appendRatio >= TARGETS.appendRatio),
    },
    {
      bench: `pull: ${int(w.changes)} changes in pages of 5,000`,
      result: `${int(engine.pull.perSec)} changes/s (${engine.pull.seconds.toFixed(1)} s)`,
      reference: '',
      ratio: '',
      target: '',
      met: '',
    },
  ];
  out.push(
    hydrate
      ? {
          bench: `hydrate a new replica: ${int(hydrate.records)} records in pages of ${int(hydrate.pageSize)}, Chromium + Dexie`,
          result: `${int(hydrate.perSec)} records/s (median of ${hydrate.runsSeconds.length} runs: ${hydrate.runsSeconds.map((s) => s.toFixed(1)).join(', ')} s; the first with JIT and caches cold)`,
          reference: `bare IndexedDB, one row per record: ${int(hydrate.rawIdbPerSec)} records/s (${int(hydrate.rawIdbNoIndexPerSec)} without the index); the same records in chunk rows: ${int(hydrate.rawIdbChunksPerSec)} records/s; fetching the pages alone: ${(hydrate.breakdown.fetchOnlyMs / 1000).toFixed(1)} s`,
          ratio: `${hydrate.ratio.toFixed(2)} of one row per record`,
          target: `>= ${int(TARGETS.hydratePerSec)} records/s`,
          met: yesNo(hydrate.perSec >= TARGETS.hydratePerSec),
        }
      : { bench: 'hydrate a new replica (Chromium)', result: 'skipped: no Chromium', reference: '', ratio: '', target: '', met: '' },
  );
  out.push(
    {
      bench: 'point read of a record by id',
      result: `${int(engine.pointRead.engine)} reads/s (Store.get)`,
      reference: `raw SQL: ${int(engine.pointRead.raw)} reads/s`,
      ratio: engine.pointRead.ratio.toFixed(2),
      target: '',
      met: '',
    },
    {
      bench: `projection rebuild from ${int(w.changes)} changes`,
      result: `${engine.rebuild.seconds.toFixed(1)} s`,
      reference: `equals the incremental projection: ${engine.rebuild.equal ? 'yes' : 'NO'}`,
      ratio: '',
      target: 'equal',
      met: yesNo(engine.rebuild.equal),
    },
    {
      bench: `engine RSS after ${int(w.changes)} changes`,
      result: `${int(engine.rssMb)} MB`,
      reference: `of which V8 heap ${int(engine.memoryMb.heapTotal)} MB (${int(engine.memoryMb.heapUsed)} MB in use); database ${int(engine.dbMb)} MB`,
      ratio: '',
      target: `< ${TARGETS.rssMb} MB`,
      met: yesNo(engine.rssMb < TARGETS.rssMb),
    },
  );
  return out;
}

/** The runner's rows (bench/runner.bench.ts): tick overhead vs a full LWW replay, LLM concurrency. */
function runnerRows(r) {
  const s = r.size;
  return [
    {
      bench: `runner tick: find ${s.due} due of ${int(s.missions)} missions in ${int(s.changes)} changes`,
      result: `${r.scan.projectionMs.toFixed(1)} ms per tick`,
      reference: `full LWW replay of the missions' ${int(r.scan.replayedChanges)} changes: ${int(r.scan.replayMs)} ms`,
      ratio: `${int(r.scan.ratio)}x faster`,
      target: '< 20 ms per tick',
      met: yesNo(r.scan.projectionMs < 20),
    },
    {
      bench: `runner tick planning all ${s.due} due missions, LLM answering at once (in-process)`,
      result: `${int(r.tick.ms)} ms per tick (${r.tick.perMissionMs.toFixed(2)} ms per mission)`,
      reference: 'inputs, prompt, parse, one write transaction each',
      ratio: '',
      target: '',
      met: '',
    },
    {
      bench: `runner: ${s.concurrencyMissions} due missions, scripted LLM answering after ${s.llmDelayMs} ms`,
      result: `${(r.concurrency.parallelMs / 1000).toFixed(1)} s at concurrency ${r.concurrency.defaultConcurrency} (default)`,
      reference: `one at a time: ${(r.concurrency.serialMs / 1000).toFixed(1)} s`,
      ratio: `${r.concurrency.ratio.toFixed(2)}x faster`,
      target: '',
      met: '',
    },
  ];
}

/** The sync server's figures (bench/sync-server.bench.ts), printed on their own. */
function printSyncServer(r) {
  const w = r.workload;
  console.log(`\nSync server on PostgreSQL ${r.postgres} (server in its own process, HTTP on loopback; target >= ${TARGETS.syncRatio} of raw):`);
  console.log(`  push  ${int(w.changes)} changes in changesets of ${int(w.batch)}: ${int(r.push.perSec)} changes/s; raw INSERT of the same rows ${int(r.rawInsert.perSec)} rows/s; ratio ${r.pushRatio.toFixed(2)} (${yesNo(r.pushRatio >= TARGETS.syncRatio)})`);
  console.log(`  pull  ${int(w.changes)} changes in ${int(r.pull.pages)} pages: ${int(r.pull.perSec)} changes/s; raw SELECT of the same rows ${int(r.rawSelect.perSec)} rows/s; ratio ${r.pullRatio.toFixed(2)} (${yesNo(r.pullRatio >= TARGETS.syncRatio)})`);
  console.log(`  idle  ${int(r.idle.devices)} devices on the live channel: server RSS ${int(r.idle.rssMb)} MB (${int(r.idle.rssMbBefore)} MB before they connected, ~${int(r.idle.kbPerDevice)} KB per device; V8 heap in use ${int(r.idle.heapUsedMb)} MB)`);
}

function printTable(table) {
  const cols = ['bench', 'result', 'reference', 'ratio', 'target', 'met'];
  const widths = cols.map((c) => Math.max(c.length, ...table.map((r) => String(r[c]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(cols));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(line(cols.map((c) => r[c])));
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  await buildBenches();
  if (only) {
    // One bench while working on it: its raw figures, results.json untouched (it holds a whole run).
    const result = await run(only, only === 'hydrate' ? ['--page', join(outDir, 'page', 'page.js')] : []);
    console.log(JSON.stringify(result, null, 2));
    return;
  }
  const engine = await run('engine');
  const runner = await run('runner');
  let hydrate = null;
  if (chromium) hydrate = await run('hydrate', ['--page', join(outDir, 'page', 'page.js')]);
  else console.error('[bench] no Chromium found (set CHROMIUM_PATH): the hydrate bench is skipped.');
  let syncServer = null;
  if (findPostgresBin() || process.env.TEST_DATABASE_URL) syncServer = await run('sync-server');
  else console.error(`[bench] the sync server bench is skipped. ${HOW_TO_GET_POSTGRES}`);
  const table = [...rows(engine, hydrate), ...runnerRows(runner)];
  console.log(`\nMission Companion benchmarks${quick ? ' (--quick: 10x smaller)' : ''}: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${int(totalmem() / 2 ** 30)} GB, Node ${process.version} (engine flags: ${ENGINE_NODE_FLAGS.join(' ')})\n`);
  printTable(table);
  if (syncServer) printSyncServer(syncServer);
  const results = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? null, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, engineFlags: ENGINE_NODE_FLAGS },
    targets: TARGETS,
    engine,
    hydrate,
    runner,
    syncServer,
    table,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwritten to bench/results.json (${results.seconds} s in all)`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
