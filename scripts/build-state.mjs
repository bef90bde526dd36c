// Whether out/ (the electron-vite build) is up to date, and building it when it is not. Shared by
// `npm start` / `npm run serve` (which skip a build that is fresh) and the tests that use out/
// (src-main/testing/built.ts). A build counts as fresh when every output exists and is newer than
// every input file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What electron-vite writes (relative to the root); each must be newer than every input. */
export const OUTPUTS = {
  cli: 'out/main/cli.js',
  main: 'out/main/index.js',
  preload: 'out/preload/preload.cjs',
  rendererHtml: 'out/renderer/index.html',
};

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

const isTest = (name) => /\.test\.tsx?$/.test(name);

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return isTest(entry.name) ? [] : [path];
  });
}

/** Every input file of the build under `root` (relative paths). */
export function buildInputs(root) {
  const files = [...BUILD_INPUTS.dirs.flatMap((d) => filesUnder(join(root, d))), ...BUILD_INPUTS.files.map((f) => join(root, f)).filter((f) => existsSync(f))];
  return files.map((f) => relative(root, f).split('\\').join('/')).sort();
}

/** Outputs under `root` that are missing or older than the newest input (empty when the build is fresh). */
export function staleOutputs(root) {
  const newestInput = Math.max(0, ...buildInputs(root).map((f) => statSync(join(root, f)).mtimeMs));
  return Object.values(OUTPUTS).filter((out) => {
    const path = join(root, out);
    return !existsSync(path) || statSync(path).mtimeMs < newestInput;
  });
}

/** Runs `electron-vite build` quietly; `{ok, output, seconds}` (output: what it printed, for a failure). */
export function runBuild(root) {
  const started = Date.now();
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, encoding: 'utf8' });
  const output = `${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `\n${build.error.message}` : ''}`;
  return { ok: build.status === 0, output, seconds: (Date.now() - started) / 1000 };
}

/**
 * What `npm start` and `npm run serve` do before starting: build when out/ is stale, saying so in
 * one line on stderr (the host's ready line stays easy to find); on failure, the build's whole
 * output and false.
 */
export function buildIfStale(root, who) {
  if (staleOutputs(root).length === 0) {
    process.stderr.write(`${who}: the build in out/ is up to date.\n`);
    return true;
  }
  const result = runBuild(root);
  if (!result.ok) {
    process.stderr.write(`${result.output}\n${who}: the build failed (see above).\n`);
    return false;
  }
  process.stderr.write(`${who}: built the app into out/ in ${result.seconds.toFixed(1)} s.\n`);
  return true;
}
