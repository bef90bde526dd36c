/**
 * Test helper: the electron-vite build output in out/, built first when it is missing or older than
 * any input of the build. `npm test` runs the unit tests before its build phase, and a test of the
 * build must not pass on a stale one. What counts as fresh is scripts/build-state.mjs, which
 * `npm start` / `npm run serve` use too.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INPUTS, buildInputs as buildInputsOf, OUTPUTS, runBuild, staleOutputs as staleOutputsOf } from '../../scripts/build-state.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export { BUILD_INPUTS };
export const OUT = Object.fromEntries(Object.entries(OUTPUTS).map(([k, p]) => [k, join(ROOT, p)])) as Record<keyof typeof OUTPUTS, string>;

/** Every input file of the build under `root` (relative paths). */
export function buildInputs(root = ROOT): string[] {
  return buildInputsOf(root);
}

/** Outputs under `root` that are missing or older than the newest input (empty when the build is fresh). */
export function staleOutputs(root = ROOT): string[] {
  return staleOutputsOf(root);
}

const LOCK = join(ROOT, 'node_modules', '.cache', 'companion-test-build.lock');
const STALE_LOCK_MS = 120_000;

/** Test files run in parallel workers: one builds, the others wait for it (mkdir is atomic). */
function withBuildLock(fn: () => void): void {
  mkdirSync(dirname(LOCK), { recursive: true });
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      Atomics.wait(sleeper, 0, 0, 100);
    }
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds when an output is missing or older than any input of the build (see BUILD_INPUTS). */
export function ensureBuilt(): void {
  if (staleOutputs().length === 0) return;
  withBuildLock(() => {
    if (staleOutputs().length === 0) return;
    const build = runBuild(ROOT);
    if (!build.ok) throw new Error(`the build failed:\n${build.output}`);
  });
}
