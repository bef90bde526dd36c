#!/usr/bin/env node
// Runs a script under a Node >= 22 runtime. better-sqlite3 13 (the engine's database) needs it, and
// Electron 45 embeds a Node 24 line, so tests under 24 match what ships. When the Node that npm
// started is older (Node 20 machines), the runtime comes from the npm registry as the optional
// dependency node-<platform>-<arch>; its bin folder goes first on PATH so child processes use it too.
// Signals are passed on, and the script is stopped when npm goes away (scripts/run-child.mjs).
import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitLike, runChild } from './run-child.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const MIN_MAJOR = 22;

function pickNode() {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return process.execPath;
  const bundled = join(root, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  if (existsSync(bundled)) return bundled;
  console.error(
    `Mission Companion needs Node >= ${MIN_MAJOR} (this is ${process.version}); install Node ${MIN_MAJOR}+ or run \`npm ci\` on linux-x64, which brings one.`,
  );
  process.exit(1);
}

const node = pickNode();
const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/node22.mjs <script> [args…]');
  process.exit(2);
}
exitLike(await runChild(node, [script, ...args], { env }));
