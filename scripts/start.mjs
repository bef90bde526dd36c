#!/usr/bin/env node
// `npm start`: builds when out/ is stale (one line), then starts the Electron app — or, where
// Electron cannot run (no binary and none downloadable, no display, running as root on Linux), the
// headless host with the same UI in the browser, saying why in one line. Runs under Node >= 22 (via
// scripts/node22.mjs). Signals are passed on, and the app is stopped when npm goes away
// (scripts/run-child.mjs); this exits when it does.
//
//   npm start [-- --headless] [-- args…]   args go to Electron, or to `cli.js serve`
//   npm start -- url [--port N …]          prints the headless host's sign-in URL (also `tick`)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-state.mjs';
import { electronBinary as findElectronBinary, electronDir as electronPackageDir } from './electron-binary.mjs';
import { ELECTRON_JS_FLAGS, ENGINE_NODE_FLAGS } from './engine-flags.mjs';
import { exitLike, runChild } from './run-child.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
// `url` and `tick` are commands of the headless CLI, whatever else could start here
const cliCommand = argv[0] === 'url' || argv[0] === 'tick';
const forceHeadless = argv.includes('--headless');
const args = argv.filter((a) => a !== '--headless');
const electronDir = electronPackageDir(root);
const electronBinary = () => findElectronBinary(root);
const INSTALL_TIMEOUT_MS = 60_000;
/** an Electron that dies this soon after starting did not really start */
const EARLY_EXIT_MS = 5_000;

function firstLine(text) {
  const line = String(text)
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('at '));
  return line ? line.replace(/^(Error|RequestError|HTTPError):\s*/, '').slice(0, 200) : '';
}

/** Tries `node node_modules/electron/install.js` once; returns null on success or the reason. */
function downloadElectron() {
  const installer = join(electronDir, 'install.js');
  if (!existsSync(installer)) return 'the electron package is not installed (run npm ci)';
  console.log(`Electron's binary is not downloaded yet: fetching it (up to ${INSTALL_TIMEOUT_MS / 1000} s)…`);
  const r = spawnSync(process.execPath, [installer], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'pipe'],
    timeout: INSTALL_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    encoding: 'utf8',
  });
  if (r.error && r.error.code === 'ETIMEDOUT') return `its download did not finish within ${INSTALL_TIMEOUT_MS / 1000} s`;
  if (r.error) return `its installer could not run: ${r.error.message}`;
  if (r.status !== 0) return `its download failed: ${firstLine(r.stderr) || `exit code ${r.status}`}`;
  return electronBinary() ? null : 'its installer finished but no binary is there';
}

/** null when Electron can be started here, else the reason in a few words. */
function whyNoElectron() {
  if (forceHeadless) return '--headless was given';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display: neither DISPLAY nor WAYLAND_DISPLAY is set';
  if (process.platform === 'linux' && typeof process.getuid === 'function' && process.getuid() === 0) {
    return "running as root, where Electron's sandbox cannot start";
  }
  if (electronBinary()) return null;
  return downloadElectron();
}

// ---------------------------------------------------------------------------------------------

/** Runs Electron; `early` when it exited with an error this soon that it did not really start. */
async function runElectron(env) {
  const started = Date.now();
  const result = await runChild(electronBinary(), [ELECTRON_JS_FLAGS, root, ...args], { cwd: root, env });
  const early = result.error !== null || (Date.now() - started < EARLY_EXIT_MS && result.code !== 0 && !result.signal);
  return { ...result, early };
}

/** The headless CLI (out/main/cli.js) with `cliArgs`, told that `npm start` launched it. */
async function runCli(cliArgs) {
  const cli = join(root, 'out', 'main', 'cli.js');
  if (!existsSync(cli)) {
    console.error(`The headless host is not built (${cli} is missing).`);
    process.exit(1);
  }
  // the host tells a browser that lost access which command prints a fresh URL: this one
  const env = { ...process.env, COMPANION_LAUNCHER: 'npm start' };
  exitLike(await runChild(process.execPath, [...ENGINE_NODE_FLAGS, cli, ...cliArgs], { cwd: root, env }));
}

async function startHeadless(reason) {
  console.log(`Electron could not be downloaded/started here (${reason}); starting the headless host instead`);
  await runCli(['serve', ...args]);
}

if (!buildIfStale(root, 'start')) process.exit(1);

const reason = cliCommand ? null : whyNoElectron();
if (cliCommand) {
  await runCli(args);
} else if (reason) {
  await startHeadless(reason);
} else {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const result = await runElectron(env);
  if (result.early) {
    const why = result.error ? result.error.message : `it exited with code ${result.code} right after starting`;
    await startHeadless(why);
  } else {
    exitLike(result);
  }
}
