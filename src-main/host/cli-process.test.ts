/**
 * The headless CLI as a real process (out/main/cli.js): refusing to expose itself without a token,
 * keeping its access token across restarts (`url`, `--new-token`), a private data dir, and a
 * graceful SIGTERM while an LLM call hangs (built first when out/ is missing or stale).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../testing/free-port';
import { startScriptedLlm, type ScriptedLlm } from '../testing/llm-server';
import { DB_FILE } from '../engine/store/db';
import { tempDataDir } from '../engine/testing/temp-db';
import { LOG_DIR, LOG_FILE } from '../shell/log-file';
import { ensureBuilt, OUT, ROOT } from '../testing/built';
import { missionInsert } from '../engine/testing/changes';
import { TOKEN_FILE } from './access-token';

const CLI = OUT.cli;
const TOKEN = 'cli-test-token-0123456789';

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** resolves with the match once stdout matches; rejects if the process exits first */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
  /** the same for stderr: the two pipes are read apart, so a line on one says nothing of the other */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
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
  const waitFor = (stream: NodeJS.ReadableStream, text: () => string, pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(text());
        if (match) {
          stream.off('data', check);
          resolve(match);
        }
      };
      stream.on('data', check);
      void exited.then(({ code, signal }) => reject(new Error(`exited (${code ?? signal}) before printing ${pattern}; stderr: ${err}`)));
      check();
    });
  const waitForStdout = (pattern: RegExp) => waitFor(child.stdout!, () => out, pattern);
  const waitForStderr = (pattern: RegExp) => waitFor(child.stderr!, () => err, pattern);
  return { child, stdout: () => out, stderr: () => err, exited, waitForStdout, waitForStderr };
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

describe('cli serve: the kept access token (restarts keep you signed in)', () => {
  it('keeps the token in the data dir (0600), prints the same URL after a restart, and `url` prints it too', async () => {
    const first = runCli(['serve', '--data-dir', dir, '--port', '0', '--no-runner']);
    running.push(first);
    const url = (await first.waitForStdout(/Companion ready at (\S+)\n/))[1]!;
    const token = new URL(url).searchParams.get('token')!;
    expect(readFileSync(join(dir, TOKEN_FILE), 'utf8').trim()).toBe(token);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = runCli(['serve', '--data-dir', dir, '--port', '0', '--no-runner']);
    running.push(second);
    const again = (await second.waitForStdout(/Companion ready at (\S+)\n/))[1]!;
    expect(new URL(again).searchParams.get('token')).toBe(token);
    const port = new URL(again).port;

    const printed = runCli(['url', '--data-dir', dir, '--port', port]);
    running.push(printed);
    expect(await printed.exited).toEqual({ code: 0, signal: null });
    expect(printed.stdout()).toBe(`http://127.0.0.1:${port}/?token=${token}\n`);
    expect(printed.stderr()).toBe('');

    // a tab that lost access is told the exact command, for this way of starting the host
    const session = (await (await fetch(`http://127.0.0.1:${port}/api/session`)).json()) as { signIn: { command: string } };
    expect(session.signIn.command).toBe(`${process.execPath} ${CLI} url --data-dir ${dir} --port ${port}`);
    expect(readFileSync(join(dir, LOG_DIR, LOG_FILE), 'utf8')).not.toContain(token);
  }, 40_000);

  it('--new-token replaces it; --token leaves it alone', async () => {
    const first = runCli(['serve', '--data-dir', dir, '--port', '0', '--no-runner']);
    running.push(first);
    const token = new URL((await first.waitForStdout(/Companion ready at (\S+)\n/))[1]!).searchParams.get('token');
    first.child.kill('SIGTERM');
    await first.exited;

    const rotated = runCli(['serve', '--data-dir', dir, '--port', '0', '--no-runner', '--new-token']);
    running.push(rotated);
    const fresh = new URL((await rotated.waitForStdout(/Companion ready at (\S+)\n/))[1]!).searchParams.get('token')!;
    expect(fresh).not.toBe(token);
    await rotated.waitForStderr(/A new access token replaces the old one/);
    rotated.child.kill('SIGTERM');
    await rotated.exited;

    const given = runCli(['serve', '--data-dir', dir, '--port', '0', '--no-runner', '--token', TOKEN]);
    running.push(given);
    expect(new URL((await given.waitForStdout(/Companion ready at (\S+)\n/))[1]!).searchParams.get('token')).toBe(TOKEN);
    expect(readFileSync(join(dir, TOKEN_FILE), 'utf8').trim()).toBe(fresh);

    const both = runCli(['serve', '--data-dir', dir, '--token', TOKEN, '--new-token']);
    running.push(both);
    expect((await both.exited).code).toBe(1);
    expect(both.stderr()).toMatch(/^--token and --new-token exclude each other/);
  }, 40_000);

  it('`url` on a data dir without a token says what to do', async () => {
    const run = runCli(['url', '--data-dir', dir]);
    running.push(run);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr()).toMatch(/^No access token is kept in .*: start the host on this data dir first/);
    expect(run.stdout()).toBe('');
  });
});

describe('cli serve: the data dir is private', () => {
  it.skipIf(process.platform === 'win32')('makes the dir 0700 and the database, its WAL files, the token and the log 0600, fixing older modes', async () => {
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'secrets.json'), '{}', { mode: 0o644 });
    const run = runCli(['serve', '--data-dir', dir, '--port', '0', '--no-runner', '--allowed-host', 'companion.home.lan']);
    running.push(run);
    const port = new URL((await run.waitForStdout(/Companion ready at (\S+)\n/))[1]!).port;
    // a write makes the WAL files exist
    const token = readFileSync(join(dir, TOKEN_FILE), 'utf8').trim();
    const pushed = await fetch(`http://127.0.0.1:${port}/api/sync.push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ clientId: 'test', changes: [missionInsert()] }),
    });
    expect(pushed.status).toBe(200);
    const mode = (name: string) => statSync(join(dir, name)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode(LOG_DIR)).toBe(0o700);
    for (const name of [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`, 'secrets.json', TOKEN_FILE, join(LOG_DIR, LOG_FILE)]) {
      expect({ name, mode: mode(name) }).toEqual({ name, mode: 0o600 });
    }
  }, 40_000);

  it('refuses an --allowed-host that is not a host name', async () => {
    const run = runCli(['serve', '--data-dir', dir, '--allowed-host', 'http://evil.example:80']);
    running.push(run);
    expect((await run.exited).code).toBe(1);
    expect(run.stderr().trim()).toBe('--allowed-host "http://evil.example:80" is not a host name (letters, digits, dots and dashes; no port, no scheme).');
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

describe('cli serve: a home server that joins its own sync server', () => {
  it('`users add` prints a token; `serve --sync --sync-url <itself> --sync-token T` syncs, and keeps the settings for the next start', async () => {
    const users = runCli(['users', 'add', 'household', '--data-dir', dir]);
    running.push(users);
    expect((await users.exited).code).toBe(0);
    const token = users.stdout().trim().split('\n').at(-1)!;
    expect(token).toMatch(/^mcs_/);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const args = ['serve', '--data-dir', dir, '--port', String(port), '--token', TOKEN, '--tick-interval-ms', '3600000'];
    const first = runCli([...args, '--sync', '--sync-url', base, '--sync-token', token, '--device-name', 'Home server', '--runner-role', 'always']);
    running.push(first);
    await first.waitForStdout(/Companion ready at /);
    await first.waitForStderr(/Syncing with .* as “Home server”; runner role: always\./);
    expect(first.stderr()).toContain(`Syncing with ${base} as “Home server”; runner role: always.`);
    const call = async (method: string, body: unknown) => {
      const res = await fetch(`${base}/api/${method}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return (await res.json()) as any;
    };
    await call('sync.push', { clientId: 'test', changes: [missionInsert()] });
    expect(await call('syncServer.syncNow', {})).toMatchObject({ state: 'synced', waiting: 0, deviceName: 'Home server', claims: 'unknown' });
    // the change is on the sync server, pulled with the device token
    const pulled = await fetch(`${base}/sync/ai/pull?collection=aiMissions&since=`, { headers: { authorization: `Bearer ${token}`, 'x-client-id': 'observer' } });
    expect(((await pulled.json()) as { serverChanges: { id: string }[] }).serverChanges.map((c) => c.id)).toEqual(['m1']);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    expect(readFileSync(join(dir, LOG_DIR, LOG_FILE), 'utf8')).not.toContain(token);

    // the next start needs no sync flags: they were saved
    const second = runCli([...args, '--sync']);
    running.push(second);
    await second.waitForStdout(/Companion ready at /);
    const settings = await call('settings.get', {});
    expect(settings.sync).toEqual({ serverUrl: base, deviceName: 'Home server' });
    expect(settings.runner.role).toBe('always');
    expect(settings.secrets.syncTokenSet).toBe(true);
    expect(await call('syncServer.syncNow', {})).toMatchObject({ state: 'synced' });
  }, 60_000);

  it('refuses a --sync-url that is not an http(s) address, and an unknown --runner-role', async () => {
    const bad = runCli(['serve', '--data-dir', dir, '--port', '0', '--sync-url', 'homeserver:5177']);
    running.push(bad);
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr().trim()).toBe('--sync-url must be the http(s) address of a sync server, e.g. http://homeserver:5177 (got "homeserver:5177").');
    const role = runCli(['serve', '--data-dir', dir, '--port', '0', '--runner-role', 'sometimes']);
    running.push(role);
    expect((await role.exited).code).toBe(1);
    expect(role.stderr().trim()).toBe('--runner-role must be always, when-offline or never (got "sometimes").');
  });

  it('refuses a --llm-base-url or --sync-url with a password, saying where the key goes and never echoing it (issue 13, finding 7)', async () => {
    const llm = runCli(['serve', '--data-dir', dir, '--port', '0', '--llm-base-url', 'http://admin:hunter2@127.0.0.1:11434/v1']);
    running.push(llm);
    expect((await llm.exited).code).toBe(1);
    expect(llm.stderr().trim()).toBe('--llm-base-url must not contain a user name or password: pass the key with --llm-api-key-env VAR, or put it in the API key field in Settings.');
    const sync = runCli(['serve', '--data-dir', dir, '--port', '0', '--sync-url', 'http://admin:hunter2@homeserver:5177']);
    running.push(sync);
    expect((await sync.exited).code).toBe(1);
    expect(sync.stderr().trim()).toBe('--sync-url must not contain a user name or password: pass the account token with --sync-token.');
    for (const p of [llm, sync]) expect(p.stderr() + p.stdout()).not.toContain('hunter2');
  });
});
