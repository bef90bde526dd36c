#!/usr/bin/env node
// `npm run test:electron`: the e2e specs against the real desktop app (Playwright's _electron, one
// temp data dir per test) instead of the headless host in Chromium. Needs the Electron binary,
// which `npm ci` does not download (run `npx install-electron` once), and a display (on Linux
// without one it uses xvfb-run when installed). Not part of `npm test`: CI machines cannot
// download Electron.
//
//   node scripts/node22.mjs scripts/test-electron.mjs [playwright args…]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, NO_ELECTRON_LINE } from './electron-binary.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);

const electron = electronBinary(root);
if (!electron) {
  console.error(NO_ELECTRON_LINE);
  process.exit(1);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The command prefix that gives Electron a display, or null with the reason printed. */
function displayWrapper() {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return [];
  if (onPath('xvfb-run')) return ['xvfb-run', '-a'];
  console.error('Electron needs a display: set DISPLAY, or install xvfb (Debian/Ubuntu: apt-get install xvfb) for xvfb-run.');
  return null;
}

const wrapper = displayWrapper();
if (!wrapper) process.exit(1);

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('test:electron: the build failed (see above).');
  process.exit(build.status ?? 1);
}

const playwright = join(root, 'node_modules', '@playwright', 'test', 'cli.js');
if (!existsSync(playwright)) {
  console.error('test:electron: @playwright/test is not installed: run `npm ci` first.');
  process.exit(1);
}
const command = [...wrapper, process.execPath, playwright, 'test', '--project', 'electron', ...args];
const env = { ...process.env, COMPANION_E2E_TARGET: 'electron', COMPANION_ELECTRON_PATH: electron, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(command[0], command.slice(1), { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
