#!/usr/bin/env node
// `npm run test:llama`: the planner against a REAL llama.cpp llama-server with a tiny random-weight
// model, in every mode (e2e/llama/, with a vitest config of its own). Opt-in, not part of `npm test`:
// the first run builds llama-server from the llama.cpp source that the node-llama-cpp npm package
// ships (cmake, ~15 min on 2 cores) into ~/.cache/mission-companion/llama (or $MC_LLAMA_CACHE);
// later runs take minutes.
// Needs git, cmake, a C++ compiler, python3 with numpy. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureLlama } from './llama/build.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
let built;
try {
  built = ensureLlama({ jobs: Number(process.env.MC_LLAMA_JOBS) || 2 });
} catch (error) {
  console.error(`test:llama: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const results = join(built.cache, 'results.json');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (!existsSync(vitest)) {
  console.error('test:llama: vitest is not installed: run `npm ci` first.');
  process.exit(1);
}
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'e2e/llama/vitest.config.ts', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, MC_LLAMA_SERVER: built.server, MC_LLAMA_MODEL: built.model, MC_LLAMA_RESULTS: results },
});
if (existsSync(results)) console.log(`test:llama: what the server did is in ${results}`);
process.exit(run.status ?? 1);
