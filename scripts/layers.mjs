#!/usr/bin/env node
// The import-boundary check (part of `npm test`): which folder may import what. The module graph is
// read by dependency-cruiser (type-only imports included, since a type import still ties a file to
// the other side). Globals are the other half of a boundary and are checked by the typecheck:
// tsconfig.shared.json gives src-shared neither Node's nor the DOM's globals.
//
//   node scripts/layers.mjs [root]     exits 1 and names each violation (root defaults to the repo)
import { cruise } from 'dependency-cruiser';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages src-shared may use: pure TypeScript that runs in Node and in a browser alike. */
const PORTABLE_PACKAGES = ['zod', 'croner'];

/** Each rule forbids dependencies from modules matching `from` to modules matching `to` (paths relative to the root). */
export const RULES = [
  {
    name: 'renderer-not-to-main',
    comment: 'The renderer talks to the engine only through src-shared/api.ts (IPC or HTTP), never by importing src-main.',
    severity: 'error',
    from: { path: '^src-renderer/' },
    to: { path: '^src-main/' },
  },
  {
    name: 'main-not-to-renderer',
    comment: 'Imports point one way: src-main and src-renderer meet only in src-shared.',
    severity: 'error',
    from: { path: '^src-main/' },
    to: { path: '^src-renderer/' },
  },
  {
    name: 'shared-not-to-sides',
    comment: 'src-shared is imported by both sides and imports neither.',
    severity: 'error',
    from: { path: '^src-shared/' },
    to: { path: '^(src-main|src-renderer|e2e)/' },
  },
  {
    name: 'shared-not-to-node',
    comment: 'src-shared runs in the renderer too: no Node built-in modules.',
    severity: 'error',
    from: { path: '^src-shared/', pathNot: '\\.test\\.tsx?$' },
    to: { dependencyTypes: ['core'] },
  },
  {
    name: 'shared-only-portable-packages',
    comment: `src-shared may use only packages that run in Node and in a browser alike (${PORTABLE_PACKAGES.join(', ')}); add one to scripts/layers.mjs deliberately.`,
    severity: 'error',
    from: { path: '^src-shared/', pathNot: '\\.test\\.tsx?$' },
    to: { path: 'node_modules/', pathNot: `node_modules/(${PORTABLE_PACKAGES.join('|')})/` },
  },
  {
    name: 'engine-not-to-electron',
    comment: 'The engine runs in Electron main and in the headless host alike: it never reaches electron, directly or through another module.',
    severity: 'error',
    from: { path: '^src-main/engine/' },
    to: { path: '(^|/)node_modules/electron/', reachable: true },
  },
  {
    name: 'preload-without-zod',
    comment: 'The sandboxed preload bundles what it imports: it checks names from the generated list, never zod or the domain schemas.',
    severity: 'error',
    from: { path: '^src-main/preload\\.ts$' },
    to: { path: ['(^|/)node_modules/zod/', '^src-shared/(api\\.ts|domain/)'], reachable: true },
  },
];

const SOURCE_DIRS = ['src-main', 'src-renderer', 'src-shared'];

/** The violations under `root` (an empty list when the layers hold). */
export async function checkLayers(root) {
  const dirs = SOURCE_DIRS.filter((d) => existsSync(resolve(root, d)));
  const result = await cruise(dirs, {
    baseDir: root,
    ruleSet: { forbidden: RULES },
    validate: true,
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^out/' },
    outputType: 'json',
  });
  const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
  return output.summary.violations
    .filter((v) => v.rule.severity === 'error')
    .map((v) => ({ rule: v.rule.name, from: v.from, to: v.to, via: (v.via ?? []).map((step) => (typeof step === 'string' ? step : step.name)) }));
}

export function describeViolation(v) {
  const rule = RULES.find((r) => r.name === v.rule);
  const chain = v.via.length > 1 ? ` (via ${v.via.join(' -> ')})` : '';
  return `${v.rule}: ${v.from} -> ${v.to}${chain}\n  ${rule?.comment ?? ''}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? dirname(dirname(fileURLToPath(import.meta.url))));
  const violations = await checkLayers(root);
  for (const v of violations) console.error(describeViolation(v));
  if (violations.length > 0) {
    console.error(`layers: ${violations.length} import(s) cross a boundary (rules in scripts/layers.mjs).`);
    process.exit(1);
  }
  console.log('layers: every import stays on its side.');
}
