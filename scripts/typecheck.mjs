// Typechecks both sides separately: Node code cannot use DOM types, web code cannot use Node's.
import { spawnSync } from 'node:child_process';
const tsc = 'node_modules/typescript/bin/tsc';
let failed = false;
for (const project of ['tsconfig.node.json', 'tsconfig.web.json']) {
  const r = spawnSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
