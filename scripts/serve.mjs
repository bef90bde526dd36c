#!/usr/bin/env node
// `npm run serve -- [serve|tick|url|users] [options]`: builds when out/ is stale (one line, or the whole
// output when the build fails), then runs the headless host (out/main/cli.js). Signals are passed
// on, and the host is stopped when npm goes away (scripts/run-child.mjs); this exits when it does.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-state.mjs';
import { ENGINE_NODE_FLAGS } from './engine-flags.mjs';
import { exitLike, runChild } from './run-child.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const commandGiven = ['serve', 'tick', 'url', 'users'].includes(args[0]);

if (!buildIfStale(root, 'serve')) process.exit(1);

// the host tells a browser that lost access which command prints a fresh URL: this one
const env = { ...process.env, COMPANION_LAUNCHER: 'npm run serve' };
const cli = join(root, 'out', 'main', 'cli.js');
exitLike(await runChild(process.execPath, [...ENGINE_NODE_FLAGS, cli, ...(commandGiven ? [] : ['serve']), ...args], { cwd: root, env }));
