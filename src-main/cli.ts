/**
 * Headless entry: `serve` runs the engine with the HTTP host (the same UI in any browser, e.g. on a
 * home server next to a self-hosted LLM); `tick` runs one runner tick and prints its result.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RunnerRole } from '../src-shared/domain/settings';
import { DatabaseOpenError, createEngine } from './engine';
import { startHttpHost } from './host/http';
import { LogFile } from './shell/log-file';
import { type MountedSync, SYNC_OPTIONS, SYNC_USAGE, SyncOptionError, UsersCommandError, checkSyncFlags, mountSync, usersMain } from './server/cli-options';
import { USERS_USAGE } from './server/users-command';

/** A shutdown that takes longer than this (a stuck close) ends the process anyway, with code 1. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

const USAGE = `usage: companion [serve|tick|users] [options]
  --data-dir DIR            where the database lives (default: $COMPANION_DATA_DIR or ~/.local/share/mission-companion)
  --port N                  HTTP port (default 5177; 0 picks a free one)
  --host ADDR               bind address (default 127.0.0.1; anything else needs an explicit --token)
  --token T                 access token (default: a random one, printed in the ready URL)
  --llm-base-url URL        OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1
  --llm-model M             model name
  --llm-api-key-env VAR     read the API key from this environment variable
  --tick-interval-ms N      safety-net tick interval (default 60000)
  --sync-url URL            mirror this device's data with the sync server at URL (saved in settings; "" turns it off)
  --sync-token T            this device's token on that server (\`users add NAME\` prints one; saved in the secret store)
  --device-name NAME        how this device is named on plans it makes (default: the host name)
  --runner-role ROLE        always | when-offline | never: whether this device plans missions by their schedule
  --rebuild-projection      recompute all records from the change log, then continue
  --no-runner               serve without running missions on a timer
${SYNC_USAGE}
${USERS_USAGE}`;

export function defaultDataDir(): string {
  if (process.env.COMPANION_DATA_DIR) return resolve(process.env.COMPANION_DATA_DIR);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Mission Companion');
  if (process.platform === 'win32') return join(process.env.APPDATA ?? homedir(), 'Mission Companion');
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'mission-companion');
}

/** Set once the data dir is known; from then on what the host says is also logged to its file. */
let logFile: LogFile | null = null;

/** One line on stderr (and in the log file once there is one). */
function say(message: string, level: 'info' | 'warn' | 'error' = 'info', error?: unknown): void {
  if (logFile) logFile.write(level, 'cli', message, undefined, error);
  else process.stderr.write(`${message}${error instanceof Error ? `: ${error.message}` : ''}\n`);
}

function fail(message: string): never {
  say(message, 'error');
  process.exit(1);
}

function intOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max} (got "${value}").`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'llm-base-url': { type: 'string' },
        'llm-model': { type: 'string' },
        'llm-api-key-env': { type: 'string' },
        'tick-interval-ms': { type: 'string' },
        'sync-url': { type: 'string' },
        'sync-token': { type: 'string' },
        'device-name': { type: 'string' },
        'runner-role': { type: 'string' },
        'rebuild-projection': { type: 'boolean' },
        'no-runner': { type: 'boolean' },
        ...SYNC_OPTIONS,
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = positionals[0] ?? 'serve';
  if (command !== 'serve' && command !== 'tick' && command !== 'users') fail(`Unknown command "${command}".\n${USAGE}`);
  try {
    checkSyncFlags(values, command);
  } catch (error) {
    fail((error as Error).message);
  }
  if (command === 'users') {
    try {
      await usersMain(values, resolve(values['data-dir'] ?? defaultDataDir()), positionals.slice(1));
    } catch (error) {
      if (error instanceof UsersCommandError || error instanceof SyncOptionError) fail(error.message);
      fail(`The sync accounts could not be changed: ${(error as Error).message}`);
    }
    return;
  }

  const host = values.host ?? '127.0.0.1';
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  if (!loopback && !values.token) fail(`--host ${host} exposes the app beyond this machine: pass an explicit --token (a long random string) too.`);
  if (values.token !== undefined && values.token.length < 8) fail('--token must be at least 8 characters.');
  const port = intOption(values.port, 'port', 0, 65535) ?? 5177;
  const tickIntervalMs = intOption(values['tick-interval-ms'], 'tick-interval-ms', 1000, 24 * 3600_000);
  const llm: Record<string, string> = {};
  if (values['llm-base-url']) llm.baseUrl = values['llm-base-url'];
  if (values['llm-model']) llm.model = values['llm-model'];
  const syncSettings: { serverUrl?: string; deviceName?: string } = {};
  if (values['sync-url'] !== undefined) syncSettings.serverUrl = values['sync-url'];
  if (values['device-name'] !== undefined) syncSettings.deviceName = values['device-name'];
  const role = values['runner-role'];
  if (role !== undefined && !RunnerRole.safeParse(role).success) fail(`--runner-role must be always, when-offline or never (got "${role}").`);
  const syncUrl = values['sync-url'];
  if (syncUrl !== undefined && syncUrl !== '' && !/^https?:\/\/[^/\s]+/.test(syncUrl)) fail(`--sync-url must be the http(s) address of a sync server, e.g. http://homeserver:5177 (got "${syncUrl}").`);
  if (values['sync-token'] !== undefined && values['sync-token'].trim() === '') fail('--sync-token is empty: pass the token `users add NAME` printed on the server.');

  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  // Everything the host says on stderr also goes to <dataDir>/logs/companion.log as JSON lines;
  // stderr keeps the plain message, as people and scripts read it.
  logFile = new LogFile({ dataDir, echo: (_line, entry) => process.stderr.write(`${entry.msg}${entry.err ? `: ${entry.err.message}` : ''}\n`) });
  logFile.fileOnly('info', 'cli', `${command} starting`, { pid: process.pid, host, port, dataDir, version: process.env.npm_package_version ?? null });
  let engine;
  try {
    engine = createEngine({
      dataDir,
      apiKeyEnv: values['llm-api-key-env'] ?? null,
      overrides: {
        ...(Object.keys(llm).length ? { llm } : {}),
        ...(tickIntervalMs || role ? { runner: { ...(tickIntervalMs ? { tickIntervalMs } : {}), ...(role ? { role: role as RunnerRole } : {}) } } : {}),
        ...(Object.keys(syncSettings).length ? { sync: syncSettings } : {}),
        ...(values['sync-token'] ? { syncToken: values['sync-token'] } : {}),
      },
      log: (line) => say(line, 'warn'),
      autoStart: command === 'serve' && !values['no-runner'],
      // started once this host listens: a host that is its own sync server must not find itself away
      autoStartSync: false,
    });
  } catch (error) {
    if (error instanceof DatabaseOpenError) fail(error.message);
    if ((error as { issues?: unknown }).issues) fail(`Invalid option: ${(error as Error).message} ${JSON.stringify((error as { issues?: unknown }).issues)}`);
    throw error;
  }

  if (values['rebuild-projection']) {
    const { rebuildProjection } = await import('./engine/store/rebuild');
    const stats = rebuildProjection(engine.store);
    say(`Rebuilt ${stats.records} records from ${stats.changes} changes (${stats.quarantined} quarantined) in ${stats.ms} ms.`);
  }

  if (command === 'tick') {
    engine.sync.start();
    const result = await engine.call('runner.tick', {});
    process.stdout.write(`${JSON.stringify(result)}\n`);
    await engine.close();
    return;
  }

  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = [join(here, '..', 'renderer'), join(here, '..', '..', 'out', 'renderer')].find((d) => existsSync(join(d, 'index.html'))) ?? null;
  const token = values.token ?? randomBytes(18).toString('base64url');
  let sync: MountedSync | null = null;
  if (values.sync) {
    try {
      sync = await mountSync(values, dataDir, (line) => say(line, 'error'));
    } catch (error) {
      await engine.close();
      fail(`The sync server could not start: ${(error as Error).message}`);
    }
  }
  let server;
  try {
    server = await startHttpHost({ engine, token, host, port, rendererDir, log: (line) => say(line, 'error'), sync: sync?.router });
  } catch (error) {
    await engine.close();
    await sync?.storage.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') fail(`Port ${port} is already in use: pass --port with another number (or 0 for any free port).`);
    fail(`Could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
  if (!rendererDir) say('The UI is not built (no out/renderer): run `npm run build` first; the API works regardless.', 'warn');
  if (sync) process.stdout.write(`Sync server at ${server.url.replace(/\/\?token=.*$/, '')}/sync/{appId} (${sync.where}); add a device account with \`users add NAME\`\n`);
  engine.sync.start();
  const { sync: syncing, runner: runnerSettings } = engine.settings.get();
  if (syncing.serverUrl) {
    say(`Syncing with ${syncing.serverUrl} as “${syncing.deviceName}”${engine.settings.syncToken() ? '' : ' (no token yet: pass --sync-token)'}; runner role: ${runnerSettings.role}.`);
  }
  process.stdout.write(`Companion ready at ${server.url}\n`);
  // the token stays out of the log file
  logFile.fileOnly('info', 'cli', 'ready', { url: server.url.replace(/\?token=.*$/, ''), rendererDir });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping (aborting LLM calls, closing the database)…`);
    const watchdog = setTimeout(() => {
      say(`${signal}: shutdown did not finish within ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting anyway (SQLite recovers from its WAL at the next start).`, 'error');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    // Both at once: closing the engine aborts LLM calls, which lets api calls waiting on them answer
    // so that the server can close; the engine lets its running transaction finish before the DB closes.
    const results = await Promise.allSettled([server.close().then(() => sync?.storage.close()), engine.close()]);
    clearTimeout(watchdog);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) say(`${signal}: shutdown failed`, 'error', failure.reason);
    else logFile?.fileOnly('info', 'cli', 'stopped', { signal });
    process.exit(failure ? 1 : 0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  say('Mission Companion could not start', 'error', error instanceof Error ? error : new Error(String(error)));
  process.exit(1);
});
