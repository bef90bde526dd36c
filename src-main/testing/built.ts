/**
 * Test helper: the electron-vite build output in out/, built first when it is missing or older than
 * the sources. `npm test` runs the unit tests before its build phase, and a test of the build must
 * not pass on a stale one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OUT = {
  cli: join(ROOT, 'out', 'main', 'cli.js'),
  main: join(ROOT, 'out', 'main', 'index.js'),
  preload: join(ROOT, 'out', 'preload', 'preload.cjs'),
  rendererHtml: join(ROOT, 'out', 'renderer', 'index.html'),
};

function newestMtime(dir: string, keep: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, keep));
    else if (keep(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const isSource = (name: string) => /\.tsx?$/.test(name) && !name.endsWith('.test.ts');

function isFresh(): boolean {
  const sources = Math.max(
    ...['src-main', 'src-shared'].map((d) => (existsSync(join(ROOT, d)) ? newestMtime(join(ROOT, d), isSource) : 0)),
    statSync(join(ROOT, 'electron.vite.config.ts')).mtimeMs,
  );
  return Object.values(OUT).every((f) => existsSync(f) && statSync(f).mtimeMs >= sources);
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

/**
 * Builds when an output is missing or older than src-main/src-shared or the build config (renderer
 * edits alone do not trigger a build: the tests that use this check the main side).
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  withBuildLock(() => {
    if (isFresh()) return;
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);
  });
}
