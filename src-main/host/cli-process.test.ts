/**
 * The headless CLI as a real process (out/main/cli.js): refusing to expose itself without a token,
 * and a graceful SIGTERM while an LLM call hangs (built first when out/ is missing or stale).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startScriptedLlm, type ScriptedLlm } from '../testing/llm-server';
import { DB_FILE } from '../engine/store/db';
import { tempDataDir } from '../engine/testing/temp-db';
import { LOG_DIR, LOG_FILE } from '../shell/log-file';
import { ensureBuilt, OUT, ROOT } from '../testing/built';
import { missionInsert } from '../engine/testing/changes';

const CLI = OUT.cli;
const TOKEN = 'cli-test-token-0123456789';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves with the match once stdout matches; rejects if the process exits first */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
}

function runCli(args: string[]): Run {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('COMPANION_') || key === 'OPENAI_API_KEY') delete env[key];
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const waitForStdout = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(out);
        if (match) {
          child.stdout!.off('data', check);
          resolve(match);
        }
      };
      child.stdout!.on('data', check);
      void exited.then(({ code, signal }) => reject(new Error(`exited (${code ?? signal}) before printing ${pattern}; stderr: ${err}`)));
      check();
    });
  return { child, stdout: () => out, stderr: () => err, exited, waitForStdout };
}

let dir: string;
let cleanup: () => void;
const running: Run[] = [];

beforeAll(() => ensureBuilt(), 120_000);
beforeEach(() => {
  ({ dir, cleanup } = tempDataDir('companion-cli-'));
});
afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.exited;
  }
  cleanup();
});

describe('cli serve: binding beyond loopback', () => {
  it('refuses --host 0.0.0.0 without --token, in one clear line', async () => {
    const run = runCli(['serve', '--data-dir', dir, '--port', '0', '--host', '0.0.0.0']);
    running.push(run);
    expect((await run.exited).code).toBe(1);
    const lines = run.stderr().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^--host 0\.0\.0\.0 exposes the app beyond this machine: pass an explicit --token/)]);
    expect(run.stdout()).toBe('');
  });

  it('refuses a short token', async () => {
    const run = runCli(['serve', '--data-dir', dir, '--port', '0', '--host', '0.0.0.0', '--token', 'short']);
    running.push(run);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr().trim()).toBe('--token must be at least 8 characters.');
  });
});

describe('cli serve: SIGTERM', () => {
  let llm: ScriptedLlm;
  beforeEach(async () => {
    llm = await startScriptedLlm();
  });
  afterEach(async () => {
    await llm.close();
  });

  it('exits 0 while an LLM call hangs, aborting it; closes the database intact and logs it', async () => {
    const run = runCli(['serve', '--data-dir', dir, '--port', '0', '--token', TOKEN, '--llm-base-url', llm.url, '--llm-model', 'test-model', '--tick-interval-ms', '3600000']);
    running.push(run);
    const base = (await run.waitForStdout(/Companion ready at (http:\/\/[^/]+)\//))[1]!;
    const call = (method: string, body: unknown) =>
      fetch(`${base}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const pushed = await call('sync.push', { clientId: 'test', changes: [missionInsert()] });
    expect(pushed.status).toBe(200);
    llm.enqueue({ hang: true });
    const pending = call('missions.runNow', { missionId: 'm1' }).catch((e: unknown) => e);
    await llm.waitForRequests(1);

    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    // it did not wait for the LLM: it gave the call up, and the waiting api call got an answer
    expect(await llm.waitForAborted(1)).toHaveLength(1);
    const answer = await pending;
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBeGreaterThanOrEqual(400);
    expect(run.stderr()).toContain('SIGTERM: stopping');

    const db = new Database(join(dir, DB_FILE), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((db.prepare(`SELECT COUNT(*) AS n FROM records WHERE table_name = 'aiMissions'`).get() as { n: number }).n).toBe(1);
    } finally {
      db.close();
    }

    const log = readFileSync(join(dir, LOG_DIR, LOG_FILE), 'utf8');
    const entries = log.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; scope: string });
    expect(entries.map((e) => e.msg)).toEqual(expect.arrayContaining(['serve starting', 'ready', 'SIGTERM: stopping (aborting LLM calls, closing the database)…', 'stopped']));
    expect(log).not.toContain(TOKEN);
  }, 40_000);
});

describe('cli serve: the database check at start', () => {
  const FULL_CHECK_AFTER_CRASH = /did not close cleanly: the database passed its full check/;

  /** A host on `dir`, once it answers the api (its signal handlers are in place by then). */
  async function serve(...extra: string[]): Promise<Run> {
    const run = runCli(['serve', '--data-dir', dir, '--port', '0', '--token', TOKEN, '--no-runner', ...extra]);
    running.push(run);
    const base = (await run.waitForStdout(/Companion ready at (http:\/\/[^/]+)\//))[1]!;
    const status = await fetch(`${base}/api/runner.status`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(status.status).toBe(200);
    return run;
  }

  async function stop(run: Run, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    run.child.kill(signal);
    expect(await run.exited, run.stderr()).toEqual(signal === 'SIGTERM' ? { code: 0, signal: null } : { code: null, signal: 'SIGKILL' });
  }

  it('checks every page after a host was killed, not after one that stopped cleanly', async () => {
    let run = await serve();
    expect(run.stderr()).not.toMatch(FULL_CHECK_AFTER_CRASH);
    await stop(run, 'SIGKILL');

    run = await serve();
    expect(run.stderr()).toMatch(FULL_CHECK_AFTER_CRASH);
    await stop(run, 'SIGTERM');

    run = await serve();
    expect(run.stderr()).not.toMatch(FULL_CHECK_AFTER_CRASH);
    await stop(run, 'SIGTERM');

    run = await serve('--check-db');
    expect(run.stderr()).toMatch(/The database passed its full check \(\d+\.\d s\); every change is readable\./);
  }, 60_000);

  it('refuses a database damaged after a clean stop when asked to check it, in a plain message', async () => {
    await stop(await serve(), 'SIGTERM');
    const db = new Database(join(dir, DB_FILE));
    // Damage a page of the records table's key index behind SQLite's back (as a disk fault would).
    const page = (db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'records_key'").pluck().get() as number) - 1;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = openSync(join(dir, DB_FILE), 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0x41), 0, pageSize, page * pageSize);
    closeSync(fd);

    const run = runCli(['serve', '--data-dir', dir, '--port', '0', '--token', TOKEN, '--no-runner', '--check-db']);
    running.push(run);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toMatch(/failed its integrity check|not a readable SQLite file/);
    expect(run.stderr()).not.toMatch(/^\s+at /m);
    expect(run.stdout()).toBe('');
  }, 60_000);
});
