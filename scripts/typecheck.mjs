// Typechecks each side separately: Node code cannot use DOM types, web code cannot use Node's;
// e2e specs are Node code that also evaluates functions in the page, so they see both.
import { spawnSync } from 'node:child_process';
const tsc = 'node_modules/typescript/bin/tsc';
let failed = false;
for (const project of ['tsconfig.node.json', 'tsconfig.web.json', 'tsconfig.e2e.json']) {
  const r = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
