/**
 * The boundary checks of `npm test` fail on a violation: each rule of scripts/layers.mjs against a
 * fixture tree that breaks it (and one that keeps every rule), and tsconfig.shared.json against
 * fixture files that use a DOM or a Node global.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { checkLayers, describeViolation, RULES } from './layers.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FIXTURES = join(ROOT, 'scripts', 'fixtures');

describe('import boundaries (dependency-cruiser)', () => {
  it('pass on a tree that keeps every rule', async () => {
    expect(await checkLayers(join(FIXTURES, 'layers', 'clean'))).toEqual([]);
  });

  it('name every broken rule, with the import that breaks it', async () => {
    const violations = await checkLayers(join(FIXTURES, 'layers', 'violations'));
    const pairs = violations.map((v) => `${v.rule}: ${v.from} -> ${v.to.replace(/^.*node_modules\//, 'node_modules/')}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'renderer-not-to-main: src-renderer/view.ts -> src-main/engine/index.ts',
        'main-not-to-renderer: src-main/view-model.ts -> src-renderer/view.ts',
        'shared-not-to-sides: src-shared/engine-types.ts -> src-main/engine/index.ts',
        'shared-not-to-node: src-shared/paths.ts -> path',
        'shared-only-portable-packages: src-shared/hooks.ts -> node_modules/react/index.js',
        'engine-not-to-electron: src-main/engine/index.ts -> node_modules/electron/index.js',
        'preload-without-zod: src-main/preload.ts -> src-shared/api.ts',
        'preload-without-zod: src-main/preload.ts -> node_modules/zod/index.cjs',
      ]),
    );
    // every rule is proven to fire
    expect(new Set(violations.map((v) => v.rule))).toEqual(new Set(RULES.map((r) => r.name)));
    // a transitive violation says which way it goes
    const electron = violations.find((v) => v.rule === 'engine-not-to-electron')!;
    expect(describeViolation(electron)).toContain('via src-main/shell/notify.ts');
  });
});

describe('globals of src-shared (tsconfig.shared.json)', () => {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.shared.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const missingNames = (file: string): string[] => {
    const program = ts.createProgram([join(FIXTURES, 'shared-globals', file), join(ROOT, 'types', 'portable-globals.d.ts')], config.options);
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      .map((m) => /Cannot find name '(\w+)'/.exec(m)?.[1] ?? m);
  };

  it('allow ECMAScript and the globals both sides have', () => {
    expect(missingNames('portable.ts')).toEqual([]);
  });
  it('refuse DOM globals', () => {
    expect(missingNames('dom.ts')).toEqual(['window', 'localStorage']);
  });
  it('refuse Node globals', () => {
    expect(missingNames('node.ts')).toEqual(['process', 'Buffer']);
  });
});
