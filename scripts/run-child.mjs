// Running the next process of a launch chain (npm -> sh -c -> node22.mjs -> start.mjs/serve.mjs ->
// the host) so that stopping the first stops the last:
//  - SIGINT, SIGTERM and SIGHUP received here are passed on to the child;
//  - when this process's parent goes away without passing a signal on (`kill -TERM <npm pid>`:
//    npm forwards it to its `sh -c`, which dies without forwarding it further, leaving us to init),
//    the child gets SIGTERM too;
//  - it resolves when the child exits, and exitLike() then exits the same way.
// Node has no prctl(PR_SET_PDEATHSIG), so the parent is watched by polling process.ppid (a cheap
// getppid() call) twice a second.
import { spawn } from 'node:child_process';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const PARENT_CHECK_MS = 500;

/**
 * Spawns `command args` (stdio inherited unless given) and resolves with `{code, signal, error}` once
 * it has exited (or could not start).
 */
export function runChild(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    const parent = process.ppid;
    const forward = (signal) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const handlers = FORWARDED.map((signal) => [signal, forward(signal)]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    let orphaned = false;
    const watch = setInterval(() => {
      if (orphaned || process.ppid === parent) return;
      orphaned = true;
      forward('SIGTERM')();
    }, PARENT_CHECK_MS);
    const done = (result) => {
      clearInterval(watch);
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(result);
    };
    child.on('error', (error) => done({ code: 1, signal: null, error }));
    child.on('exit', (code, signal) => done({ code, signal, error: null }));
  });
}

/** Exits like the child did: with its code, or by its signal. */
export function exitLike({ code, signal }) {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
}
