/** The build-freshness check of the tests that use out/: every input of the build counts. */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDataDir } from '../engine/testing/temp-db';
import { buildInputs, ROOT, staleOutputs } from './built';

const OUTPUTS = ['out/main/cli.js', 'out/main/index.js', 'out/preload/preload.cjs', 'out/renderer/index.html'];
const INPUTS = [
  'src-main/index.ts',
  'src-shared/api.ts',
  'src-renderer/main.tsx',
  'src-renderer/styles.css',
  'src-renderer/index.html',
  'electron.vite.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.web.json',
];

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

/** A project tree with the given files, each with an explicit modification time (seconds). */
function tree(files: Record<string, number>): { root: string; touch(path: string, seconds: number): void } {
  const tmp = tempDataDir('companion-built-');
  cleanup = tmp.cleanup;
  const touch = (path: string, seconds: number) => utimesSync(join(tmp.dir, path), seconds, seconds);
  for (const [path, seconds] of Object.entries(files)) {
    mkdirSync(dirname(join(tmp.dir, path)), { recursive: true });
    writeFileSync(join(tmp.dir, path), '');
    touch(path, seconds);
  }
  return { root: tmp.dir, touch };
}

describe('build freshness', () => {
  it("counts this repository's renderer, configs and manifest as inputs, and no test", () => {
    const inputs = buildInputs(ROOT);
    for (const input of ['src-renderer/index.html', 'src-renderer/styles.css', 'src-renderer/App.tsx', 'src-shared/api.ts', 'src-main/preload.ts', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.web.json']) {
      expect(inputs).toContain(input);
    }
    expect(inputs.filter((f) => /\.test\.tsx?$/.test(f))).toEqual([]);
  });

  it('is fresh when every output is newer than every input', () => {
    const { root } = tree({ ...Object.fromEntries(INPUTS.map((f) => [f, 1000])), ...Object.fromEntries(OUTPUTS.map((f) => [f, 2000])) });
    expect(staleOutputs(root)).toEqual([]);
  });

  it.each(INPUTS)('is stale when %s changed after the build', (input) => {
    const { root, touch } = tree({ ...Object.fromEntries(INPUTS.map((f) => [f, 1000])), ...Object.fromEntries(OUTPUTS.map((f) => [f, 2000])) });
    touch(input, 3000);
    expect(staleOutputs(root)).toEqual(OUTPUTS);
  });

  it('is stale when an output is missing, and ignores tests', () => {
    const { root, touch } = tree({
      'src-main/index.ts': 1000,
      'src-main/index.test.ts': 1000,
      ...Object.fromEntries(OUTPUTS.slice(1).map((f) => [f, 2000])),
    });
    expect(staleOutputs(root)).toEqual(['out/main/cli.js']);
    touch('src-main/index.test.ts', 3000);
    expect(staleOutputs(root)).toEqual(['out/main/cli.js']);
  });
});
