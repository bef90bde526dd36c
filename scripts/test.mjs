#!/usr/bin/env node
// `npm test`: the typecheck of every side (scripts/typecheck.mjs), the import-boundary check
// (scripts/layers.mjs), unit tests (vitest), the production build (electron-vite), then the
// end-to-end tests (Playwright in the system Chromium against the headless host). Runs under
// Node >= 22 (via scripts/node22.mjs). Every phase is a child process with inherited stdio; a
// summary line per phase (with its time) is printed at the end and the exit code is non-zero if
// anything failed. --unit-only and --e2e-only run just that phase (e2e after the build).
//
//   node scripts/node22.mjs scripts/test.mjs [--unit-only | --e2e-only] [args for the one test runner that runs]
//
// Chromium: $CHROMIUM_PATH, else the usual install locations. If it is missing and we are root on
// Debian/Ubuntu, it is installed with apt-get; otherwise one line says how to get it.
// PostgreSQL (the sync server's unit tests start a throwaway cluster, scripts/postgres.mjs): the
// same, before the unit tests; $TEST_DATABASE_URL (a running server) skips the check.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium, howToGetChromium } from './chromium.mjs';
import { HOW_TO_GET_POSTGRES, findPostgresBin } from './postgres.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
const e2eOnly = argv.includes('--e2e-only');
const unitOnly = argv.includes('--unit-only');
const passThrough = argv.filter((a) => a !== '--e2e-only' && a !== '--unit-only');

if (e2eOnly && unitOnly) {
  console.error('test: --e2e-only and --unit-only exclude each other.');
  process.exit(2);
}
if (passThrough.length > 0 && !e2eOnly && !unitOnly) {
  console.error(`test: extra arguments (${passThrough.join(' ')}) need --unit-only (for vitest) or --e2e-only (for Playwright).`);
  process.exit(2);
}

const checks = {
  typecheck: join(root, 'scripts', 'typecheck.mjs'),
  layers: join(root, 'scripts', 'layers.mjs'),
};
// what `npm ci` installs, checked up front so that a missing one says what to do
const bin = {
  dependencyCruiser: join(root, 'node_modules', 'dependency-cruiser', 'package.json'),
  typescript: join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  vitest: join(root, 'node_modules', 'vitest', 'vitest.mjs'),
  electronVite: join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
  playwright: join(root, 'node_modules', '@playwright', 'test', 'cli.js'),
};
for (const [name, path] of Object.entries(bin)) {
  if (!existsSync(path)) {
    console.error(`test: ${name} is not installed (${path} is missing): run \`npm ci\` first.`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium

function ensureChromium() {
  const found = findChromium();
  if (found) return found;
  if (process.env.CHROMIUM_PATH) {
    console.error(`e2e needs Chromium: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist.`);
    return null;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform === 'linux' && isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('Chromium is missing: installing it with apt-get (apt-get update && apt-get install -y chromium)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env }) : update;
    const after = findChromium();
    if (install.status === 0 && after) return after;
    console.error('e2e needs Chromium: `apt-get install -y chromium` did not succeed (see above).');
    return null;
  }
  console.error(howToGetChromium());
  return null;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

function aptInstall(pkg) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  return update.status === 0 && spawnSync('apt-get', ['install', '-y', '--no-install-recommends', pkg], { stdio: 'inherit', env }).status === 0;
}

function ensurePostgres() {
  if (process.env.TEST_DATABASE_URL || findPostgresBin()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.platform === 'linux' && isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('PostgreSQL is missing: installing it with apt-get (apt-get update && apt-get install -y postgresql)…');
    if (aptInstall('postgresql') && findPostgresBin()) return true;
  }
  console.error(HOW_TO_GET_POSTGRES);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Phases

let current = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (current) current.kill(signal);
    process.exit(130);
  });
}

function run(args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env });
    current = child;
    child.on('error', (error) => {
      console.error(`test: could not start ${args[0]}: ${error.message}`);
      current = null;
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      current = null;
      resolve(signal ? 1 : (code ?? 1));
    });
  });
}

const results = [];
async function phase(name, fn) {
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  const outcome = await fn();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push({ name, outcome, seconds });
  return outcome;
}
function skip(name, reason) {
  results.push({ name, outcome: `skipped (${reason})`, seconds: null });
}

const status = (code) => (code === 0 ? 'passed' : 'failed');

if (!e2eOnly && !unitOnly) {
  await phase('typecheck (tsc)', async () => status(await run([checks.typecheck])));
  await phase('layers (dependency-cruiser)', async () => status(await run([checks.layers])));
}

if (!e2eOnly) {
  if (!ensurePostgres()) process.exit(1);
  await phase('unit (vitest)', async () => status(await run([bin.vitest, 'run', ...(unitOnly ? passThrough : [])])));
}

if (!unitOnly) {
  const built = await phase('build (electron-vite)', async () => status(await run([bin.electronVite, 'build'])));
  if (built !== 'passed') {
    skip('e2e (playwright)', 'the build failed');
  } else {
    const chromium = ensureChromium();
    if (!chromium) {
      results.push({ name: 'e2e (playwright)', outcome: 'failed (no Chromium)', seconds: null });
    } else {
      await phase('e2e (playwright)', async () =>
        status(
          await run([bin.playwright, 'test', '--project=chromium', ...(e2eOnly ? passThrough : [])], {
            ...process.env,
            CHROMIUM_PATH: chromium,
            PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
          }),
        ),
      );
    }
  }
}

console.log('\n=== summary ===');
for (const r of results) console.log(`${r.name}: ${r.outcome}${r.seconds !== null ? ` in ${r.seconds} s` : ''}`);
const failed = results.some((r) => !r.outcome.startsWith('passed') && !r.outcome.startsWith('skipped'));
process.exit(failed ? 1 : 0);
