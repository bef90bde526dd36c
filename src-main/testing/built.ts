/**
 * Test helper: the electron-vite build output in out/, built first when it is missing or older than
 * any input of the build. `npm test` runs the unit tests before its build phase, and a test of the
 * build must not pass on a stale one.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What electron-vite writes (relative to the root); each must be newer than every input. */
const OUTPUTS = {
  cli: 'out/main/cli.js',
  main: 'out/main/index.js',
  preload: 'out/preload/preload.cjs',
  rendererHtml: 'out/renderer/index.html',
};
export const OUT = Object.fromEntries(Object.entries(OUTPUTS).map(([k, p]) => [k, join(ROOT, p)])) as Record<keyof typeof OUTPUTS, string>;

/**
 * Everything the build reads: the three source trees (code, styles, index.html; tests excepted),
 * the build config, the TypeScript configs it resolves with, the package manifest and lock (which
 * decide what gets bundled) and the env files Vite loads. Whole folders, so that a new kind of file
 * is never missed.
 */
export const BUILD_INPUTS = {
  dirs: ['src-main', 'src-shared', 'src-renderer'],
  files: [
    'electron.vite.config.ts',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'tsconfig.base.json',
    'tsconfig.node.json',
    'tsconfig.web.json',
    '.env',
    '.env.local',
    '.env.production',
    '.env.production.local',
  ],
};

const isTest = (name: string) => /\.test\.tsx?$/.test(name);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return isTest(entry.name) ? [] : [path];
  });
}

/** Every input file of the build under `root` (relative paths). */
export function buildInputs(root = ROOT): string[] {
  const files = [...BUILD_INPUTS.dirs.flatMap((d) => filesUnder(join(root, d))), ...BUILD_INPUTS.files.map((f) => join(root, f)).filter((f) => existsSync(f))];
  return files.map((f) => relative(root, f).split('\\').join('/')).sort();
}

/** Outputs under `root` that are missing or older than the newest input (empty when the build is fresh). */
export function staleOutputs(root = ROOT): string[] {
  const newestInput = Math.max(0, ...buildInputs(root).map((f) => statSync(join(root, f)).mtimeMs));
  return Object.values(OUTPUTS).filter((out) => {
    const path = join(root, out);
    return !existsSync(path) || statSync(path).mtimeMs < newestInput;
  });
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
    const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);
  });
}
