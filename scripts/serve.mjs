#!/usr/bin/env node
// `npm run serve -- [serve|tick|users] [options]`: builds, then runs the headless host (out/main/cli.js).
// The build's own output is shown only when it fails, so the host's ready line stays easy to find.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_NODE_FLAGS } from './engine-flags.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const commandGiven = args[0] === 'serve' || args[0] === 'tick' || args[0] === 'users';

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
if (build.status !== 0) {
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}\nserve: the build failed (see above).\n`);
  process.exit(build.status ?? 1);
}

const child = spawn(process.execPath, [...ENGINE_NODE_FLAGS, join(root, 'out', 'main', 'cli.js'), ...(commandGiven ? [] : ['serve']), ...args], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
