// Typechecks each side separately: Node code cannot use DOM types, web code cannot use Node's;
// e2e specs are Node code that also evaluates functions in the page, so they see both; src-shared
// alone sees neither (only ECMAScript and types/portable-globals.d.ts), since both sides run it.
// Incremental: each project keeps its build info in node_modules/.cache/tsc, so a rerun checks
// only what changed (a fresh clone checks everything).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const PROJECTS = ['tsconfig.shared.json', 'tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.e2e.json'];
let failed = false;
for (const project of PROJECTS) {
  const buildInfo = join(root, 'node_modules', '.cache', 'tsc', project.replace(/\.json$/, '.tsbuildinfo'));
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--incremental', '--tsBuildInfoFile', buildInfo], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`typecheck: ${project} has type errors (above).`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
