#!/usr/bin/env node
// `npm run bench [-- --quick]`: builds the benchmarks in bench/ (TypeScript, bundled by vite into
// out/bench/), runs each in its own Node process (so the engine's RSS is its own) and Chromium,
// prints one table with absolute figures, ratios to references measured in the same run, and the
// targets, records the run as a new file in bench/history/ (scripts/bench-history.mjs: commit,
// machine, load, every repetition; a bench that fails is recorded as not measured) and regenerates
// README's Performance tables from that history (scripts/bench-table.mjs).
// --quick runs a 10x smaller workload (under a minute; recorded too, as a quick run);
// --only <name> runs one bench and prints its figures, recording nothing (a part of a run).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { commitFacts, historyDir, loadSample, machineFacts, recordRun, RUN_FORMAT } from './bench-history.mjs';
import { benchRows, TARGETS } from './bench-rows.mjs';
import { writeReadmeTables } from './bench-table.mjs';
import { findChromium } from './chromium.mjs';
import { ENGINE_NODE_FLAGS } from './engine-flags.mjs';
import { HOW_TO_GET_POSTGRES, findPostgresBin } from './postgres.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(root, 'out', 'bench');
const quick = process.argv.includes('--quick');
// `--only engine|runner|hydrate|sync-server|sync-converge`: build all, run one, print its JSON.
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : null;
const BENCHES = ['engine', 'runner', 'hydrate', 'sync-server', 'sync-converge', 'history'];
if (only !== null && !BENCHES.includes(only)) {
  console.error(`bench: --only takes ${BENCHES.join(', ')}`);
  process.exit(2);
}
const chromium = findChromium();

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
        input: {
          engine: join(root, 'bench/engine.bench.ts'),
          hydrate: join(root, 'bench/hydrate.bench.ts'),
          runner: join(root, 'bench/runner.bench.ts'),
          'sync-server': join(root, 'bench/sync-server.bench.ts'),
          'sync-converge': join(root, 'bench/sync-converge.bench.ts'),
          history: join(root, 'bench/history.bench.ts'),
        },
        output: { format: 'esm', entryFileNames: '[name].mjs' },
      },
    },
  });
  // Browser side: one module (Dexie, zod and the replica code bundled in) and its hydration worker.
  await build({
    ...common,
    build: {
      ...common.build,
      outDir: join(outDir, 'page'),
      emptyOutDir: true,
      lib: { entry: join(root, 'bench/hydrate.page.ts'), formats: ['es'], fileName: () => 'page.js' },
    },
  });
  // The probe the app's page runs before the app (hydrate.year.ts): a classic script, for addInitScript.
  await build({
    ...common,
    build: {
      ...common.build,
      outDir: join(outDir, 'page'),
      emptyOutDir: false,
      lib: { entry: join(root, 'bench/hydrate.probe.page.ts'), formats: ['iife'], name: 'benchProbeModule', fileName: () => 'probe.js' },
    },
  });
  // The app's renderer as it ships (electron.vite.config.ts), for the year-of-use first load and inbox benches.
  await build({
    ...common,
    root: join(root, 'src-renderer'),
    plugins: [react()],
    build: { outDir: join(outDir, 'renderer'), emptyOutDir: true, minify: true },
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

const CLI = join(root, 'out', 'main', 'cli.js');
const partIndex = process.argv.indexOf('--part');
const extraArgs = (name) => {
  if (name === 'hydrate') return ['--page-dir', join(outDir, 'page'), '--renderer-dir', join(outDir, 'renderer')];
  // the history bench starts the headless host as people do: the app's own build, made first
  if (name === 'history') return ['--cli', CLI, ...(partIndex >= 0 ? ['--part', process.argv[partIndex + 1]] : []), ...(process.argv.includes('--keep') ? ['--keep'] : [])];
  return [];
};

/** The app's build (out/), for the history bench's host starts: what this checkout's code makes. */
function buildApp() {
  const built = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the app's build failed:\n${built.stdout}\n${built.stderr}`);
}

/**
 * Every bench of a run, one after the other, with the machine's load before the first and after
 * each. A bench that fails (or cannot run) leaves its figures out and says why; the others run.
 */
async function runAll() {
  const results = { engine: null, runner: null, hydrate: null, 'sync-server': null, 'sync-converge': null, history: null };
  const failures = {};
  const load = [loadSample('start')];
  for (const name of BENCHES) {
    if (name === 'hydrate' && !chromium) {
      failures.hydrate = 'no Chromium found (set CHROMIUM_PATH)';
      console.error(`[bench] ${failures.hydrate}: the hydrate bench is skipped.`);
      continue;
    }
    if (name === 'sync-server' && !findPostgresBin() && !process.env.TEST_DATABASE_URL) {
      failures['sync-server'] = `no PostgreSQL found. ${HOW_TO_GET_POSTGRES}`;
      console.error(`[bench] ${failures['sync-server']}: the sync server bench is skipped.`);
      continue;
    }
    try {
      if (name === 'history') buildApp();
      results[name] = await run(name, extraArgs(name));
    } catch (error) {
      failures[name] = error instanceof Error ? error.message : String(error);
      console.error(`[bench] ${failures[name]}`);
    }
    load.push(loadSample(`after ${name}`));
  }
  return { results, failures, load };
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
  const started = new Date();
  // What was measured: the commit and any uncommitted change to it, read before anything is built.
  const commit = commitFacts(root);
  await buildBenches();
  if (only) {
    // One bench while working on it: its raw figures, nothing recorded (a run is all the benches).
    if (only === 'history') buildApp();
    console.log(JSON.stringify(await run(only, extraArgs(only)), null, 2));
    return;
  }
  const { results, failures, load } = await runAll();
  const machine = machineFacts(ENGINE_NODE_FLAGS);
  const table = benchRows(results, failures);
  const loadText = load.map((l) => `${l.when} ${l.loadAverage[0]}`).join(', ');
  console.log(`\nMission Companion benchmarks${quick ? ' (--quick: 10x smaller)' : ''}: ${machine.cpus} x ${machine.model ?? 'cpu'}, ${machine.memoryGb} GB, Node ${machine.node} (engine flags: ${ENGINE_NODE_FLAGS.join(' ')}); 1-minute load average: ${loadText}\n`);
  printTable(table);
  const recorded = recordRun(historyDir(root), {
    format: RUN_FORMAT,
    date: started.toISOString(),
    mode: quick ? 'quick' : 'full',
    commit,
    machine,
    load,
    targets: TARGETS,
    ...results,
    failures,
    table,
    seconds: Math.round((Date.now() - started.getTime()) / 1000),
  });
  writeReadmeTables(root);
  console.log(`\nrecorded in bench/history/${recorded}; README's Performance tables regenerated (${Math.round((Date.now() - started.getTime()) / 1000)} s in all)`);
  if (Object.keys(failures).length) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
