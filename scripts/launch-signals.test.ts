/**
 * `npm start` and `npm run serve` as a person runs them, a real process tree: npm -> sh -c ->
 * scripts/node22.mjs -> scripts/{start,serve}.mjs -> out/main/cli.js. SIGTERM sent to the npm
 * process alone (`kill -TERM <npm pid>`; npm passes it to its `sh -c`, which dies without passing
 * it on) and Ctrl-C (SIGINT to the terminal's whole process group) must stop the host, gracefully,
 * and leave no process behind.
 *
 * "No process behind" is observed without polling: every process of the tree inherits npm's stdout
 * pipe, so the pipe closes only when the last of them has exited.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { LOG_DIR, LOG_FILE } from '../src-main/shell/log-file';
import { ensureBuilt, ROOT } from '../src-main/testing/built';

interface Tree {
  npm: ChildProcess;
  output: () => string;
  /** resolves once every process holding npm's stdout (the whole tree) has exited */
  allGone: Promise<void>;
  dir: string;
  cleanup: () => void;
}

const trees: Tree[] = [];

function launch(npmArgs: (dir: string) => string[]): Tree {
  const { dir, cleanup } = tempDataDir('companion-launch-');
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' };
  for (const key of Object.keys(env)) if (key.startsWith('COMPANION_')) delete env[key];
  // its own process group, as a terminal's foreground job has
  const npm = spawn('npm', npmArgs(dir), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  npm.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  npm.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const allGone = new Promise<void>((resolve) => npm.stdout!.once('close', () => resolve()));
  const tree = { npm, output: () => output, allGone, dir, cleanup };
  trees.push(tree);
  return tree;
}

function waitForOutput(tree: Tree, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!pattern.test(tree.output())) return;
      tree.npm.stdout!.off('data', check);
      resolve();
    };
    tree.npm.stdout!.on('data', check);
    tree.npm.once('exit', () => reject(new Error(`npm exited before printing ${pattern}:\n${tree.output()}`)));
    check();
  });
}

function hostPid(dir: string): number {
  const lines = readFileSync(join(dir, LOG_DIR, LOG_FILE), 'utf8').trim().split('\n');
  const start = lines.map((l) => JSON.parse(l) as { msg: string; pid?: number }).find((e) => e.msg === 'serve starting');
  return start!.pid!;
}

/** Alive, and not a zombie waiting for a parent that is gone. */
function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

function loggedMessages(dir: string): string[] {
  return readFileSync(join(dir, LOG_DIR, LOG_FILE), 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
}

beforeAll(() => ensureBuilt(), 120_000);
afterEach(() => {
  for (const tree of trees.splice(0)) {
    // a failed test must not leave its host running: stop what this test started, by pid
    try {
      const pid = hostPid(tree.dir);
      if (running(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // no log yet: the host never started
    }
    if (tree.npm.exitCode === null && tree.npm.signalCode === null) tree.npm.kill('SIGKILL');
    tree.cleanup();
  }
});

const NPM_ARGS = {
  'npm run serve': (dir: string) => ['run', 'serve', '--', '--data-dir', dir, '--port', '0', '--no-runner'],
  'npm start': (dir: string) => ['start', '--', '--headless', '--data-dir', dir, '--port', '0', '--no-runner'],
};

describe.skipIf(process.platform === 'win32')('signals to the npm process', () => {
  // kill -TERM <npm pid>, or Ctrl-C in the terminal. (SIGINT to npm alone does nothing: npm passes
  // it to its `sh -c`, and dash ignores SIGINT while it waits for a command.)
  it.each([
    ['npm run serve', 'kill -TERM <npm pid>'],
    ['npm start', 'kill -TERM <npm pid>'],
    ['npm run serve', 'Ctrl-C'],
  ] as const)('%s: %s stops the host gracefully and leaves no process behind', async (launcher, how) => {
    const tree = launch(NPM_ARGS[launcher]);
    await waitForOutput(tree, /Companion ready at http:\/\/127\.0\.0\.1:\d+\//);
    const pid = hostPid(tree.dir);
    expect(running(pid)).toBe(true);
    // the build step said one line (it is fresh here)
    expect(tree.output()).toMatch(/^(serve|start): the build in out\/ is up to date\.$/m);

    if (how === 'Ctrl-C') process.kill(-tree.npm.pid!, 'SIGINT');
    else tree.npm.kill('SIGTERM');
    await tree.allGone;
    expect(running(pid)).toBe(false);
    // it was stopped by the signal, through its own shutdown: not killed
    const messages = loggedMessages(tree.dir);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^SIG(TERM|INT): stopping \(aborting LLM calls, closing the database\)…$/), 'stopped']));
  }, 60_000);
});
