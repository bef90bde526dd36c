#!/usr/bin/env node
// `npm start`: builds, then starts the Electron app — or, where Electron cannot run (no binary and
// none downloadable, no display, running as root on Linux), the headless host with the same UI in
// the browser, saying why in one line. Runs under Node >= 22 (via scripts/node22.mjs).
//
//   npm start [-- --headless] [-- args…]   args go to Electron, or to `cli.js serve`
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary as findElectronBinary, electronDir as electronPackageDir } from './electron-binary.mjs';
import { ELECTRON_JS_FLAGS, ENGINE_NODE_FLAGS } from './engine-flags.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const argv = process.argv.slice(2);
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

function runChild(command, childArgs, { env = process.env, onEarlyExit } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, childArgs, { cwd: root, stdio: 'inherit', env });
    const forward = (signal) => () => child.kill(signal);
    const handlers = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => [s, forward(s)]);
    for (const [s, h] of handlers) process.on(s, h);
    const done = (result) => {
      for (const [s, h] of handlers) process.off(s, h);
      resolve(result);
    };
    child.on('error', (error) => done({ code: 1, signal: null, error, early: true }));
    child.on('exit', (code, signal) => {
      const early = Date.now() - started < EARLY_EXIT_MS && code !== 0 && !signal;
      done({ code, signal, error: null, early: early && !!onEarlyExit });
    });
  });
}

function exitLike({ code, signal }) {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}

async function startHeadless(reason) {
  console.log(`Electron could not be downloaded/started here (${reason}); starting the headless host instead`);
  const cli = join(root, 'out', 'main', 'cli.js');
  if (!existsSync(cli)) {
    console.error(`The headless host is not built (${cli} is missing).`);
    process.exit(1);
  }
  exitLike(await runChild(process.execPath, [...ENGINE_NODE_FLAGS, cli, 'serve', ...args]));
}

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error('start: the build failed (see above).');
  process.exit(build.status ?? 1);
}

const reason = whyNoElectron();
if (reason) {
  await startHeadless(reason);
} else {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const result = await runChild(electronBinary(), [ELECTRON_JS_FLAGS, root, ...args], { env, onEarlyExit: true });
  if (result.early) {
    const why = result.error ? result.error.message : `it exited with code ${result.code} right after starting`;
    await startHeadless(why);
  } else {
    exitLike(result);
  }
}
