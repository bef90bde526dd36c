/**
 * Headless entry: `serve` runs the engine with the HTTP host (the same UI in any browser, e.g. on a
 * home server next to a self-hosted LLM); `tick` runs one runner tick and prints its result; `url`
 * prints the sign-in URL of a host that keeps its token in the data dir.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { RunnerRole } from '../src-shared/domain/settings';
import { DatabaseOpenError, createEngine } from './engine';
import { hasUrlCredentials } from '../src-shared/url-credentials';
import { loadOrCreateToken, readStoredToken, TOKEN_FILE } from './host/access-token';
import { shownHost, startHttpHost } from './host/http';
import { makeDataDirPrivate } from './host/private-files';
import { DEFAULT_BIND, DEFAULT_PORT, signInCommand } from './host/sign-in-command';
import { LogFile, logProcessCrashes } from './shell/log-file';
import { type MountedSync, SYNC_OPTIONS, SYNC_USAGE, SyncOptionError, UsersCommandError, checkSyncFlags, mountSync, usersMain } from './server/cli-options';
import { USERS_USAGE } from './server/users-command';

/** A shutdown that takes longer than this (a stuck close) ends the process anyway, with code 1. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

const USAGE = `usage: companion [serve|tick|url|users] [options]
  serve (default)           run the host; prints "Companion ready at <URL>" (open it to sign in)
  tick                      run one runner tick, print its result
  url                       print the sign-in URL of the host on this data dir, port and address
  users …                   sync server accounts (see below)
  --data-dir DIR            where the database lives (default: $COMPANION_DATA_DIR or ~/.local/share/mission-companion)
  --port N                  HTTP port (default 5177; 0 picks a free one)
  --host ADDR               bind address (default 127.0.0.1; anything else needs an explicit --token)
  --allowed-host NAME       also answer requests made to NAME (e.g. behind a reverse proxy); repeatable
  --token T                 access token (default: the one kept in DIR/access-token, made on first start)
  --new-token               replace the kept token: every signed-in browser has to open the new URL
  --llm-base-url URL        OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1
  --llm-model M             model name
  --llm-api-key-env VAR     read the API key from this environment variable (sent only to the
                            server the host was started with)
  --tick-interval-ms N      safety-net tick interval (default 60000)
  --sync-url URL            mirror this device's data with the sync server at URL (saved in settings; "" turns it off)
  --sync-token T            this device's token on that server (\`users add NAME\` prints one; saved in the secret store)
  --device-name NAME        how this device is named on plans it makes (default: the host name)
  --runner-role ROLE        always | when-offline | never: whether this device plans missions by their schedule
  --rebuild-projection      recompute all records from the change log, then continue
  --check-db                check every page of the database and every change before serving
                            (done by itself after a session that did not close cleanly)
  --history-days N          keep full history this many days (default 90); older changes are
                            compacted, older runs and decided proposals archived
  --no-runner               serve without running missions on a timer
${SYNC_USAGE}
${USERS_USAGE}`;

export function defaultDataDir(): string {
  if (process.env.COMPANION_DATA_DIR) return resolve(process.env.COMPANION_DATA_DIR);
  return platformDataDir();
}

/** The data dir when neither --data-dir nor $COMPANION_DATA_DIR says otherwise. */
function platformDataDir(): string {
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
        'allowed-host': { type: 'string', multiple: true },
        token: { type: 'string' },
        'new-token': { type: 'boolean' },
        'llm-base-url': { type: 'string' },
        'llm-model': { type: 'string' },
        'llm-api-key-env': { type: 'string' },
        'tick-interval-ms': { type: 'string' },
        'sync-url': { type: 'string' },
        'sync-token': { type: 'string' },
        'device-name': { type: 'string' },
        'runner-role': { type: 'string' },
        'rebuild-projection': { type: 'boolean' },
        'check-db': { type: 'boolean' },
        'history-days': { type: 'string' },
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
  if (command !== 'serve' && command !== 'tick' && command !== 'url' && command !== 'users') fail(`Unknown command "${command}".\n${USAGE}`);
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
  if (command !== 'serve' && command !== 'tick' && command !== 'url') fail(`Unknown command "${command}".\n${USAGE}`);

  const host = values.host ?? DEFAULT_BIND;
  const port = intOption(values.port, 'port', 0, 65535) ?? DEFAULT_PORT;
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  if (command === 'url') {
    // reads the token only: no log, no database, nothing created
    const stored = readStoredToken(dataDir);
    if (!stored) fail(`No access token is kept in ${dataDir} (${TOKEN_FILE}): start the host on this data dir first, or use the URL with the --token it was started with.`);
    process.stdout.write(`http://${shownHost(host)}:${port}/?token=${encodeURIComponent(stored)}\n`);
    return;
  }

  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '::1';
  if (!loopback && !values.token) fail(`--host ${host} exposes the app beyond this machine: pass an explicit --token (a long random string) too.`);
  if (values.token !== undefined && values.token.length < 8) fail('--token must be at least 8 characters.');
  if (values.token !== undefined && values['new-token']) fail('--token and --new-token exclude each other: --new-token replaces the kept token, --token uses yours.');
  const allowedHosts = values['allowed-host'] ?? [];
  for (const name of allowedHosts) {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i.test(name)) fail(`--allowed-host ${JSON.stringify(name)} is not a host name (letters, digits, dots and dashes; no port, no scheme).`);
  }
  const tickIntervalMs = intOption(values['tick-interval-ms'], 'tick-interval-ms', 1000, 24 * 3600_000);
  const historyDays = intOption(values['history-days'], 'history-days', 14, 3650);
  const llm: Record<string, string> = {};
  if (values['llm-base-url'] && hasUrlCredentials(values['llm-base-url'])) {
    fail('--llm-base-url must not contain a user name or password: pass the key with --llm-api-key-env VAR, or put it in the API key field in Settings.');
  }
  if (values['llm-base-url']) llm.baseUrl = values['llm-base-url'];
  if (values['llm-model']) llm.model = values['llm-model'];
  const syncSettings: { serverUrl?: string; deviceName?: string } = {};
  if (values['sync-url'] !== undefined) syncSettings.serverUrl = values['sync-url'];
  if (values['device-name'] !== undefined) syncSettings.deviceName = values['device-name'];
  const role = values['runner-role'];
  if (role !== undefined && !RunnerRole.safeParse(role).success) fail(`--runner-role must be always, when-offline or never (got "${role}").`);
  const syncUrl = values['sync-url'];
  if (syncUrl && hasUrlCredentials(syncUrl)) fail('--sync-url must not contain a user name or password: pass the account token with --sync-token.');
  if (syncUrl !== undefined && syncUrl !== '' && !/^https?:\/\/[^/\s]+/.test(syncUrl)) fail(`--sync-url must be the http(s) address of a sync server, e.g. http://homeserver:5177 (got "${syncUrl}").`);
  if (values['sync-token'] !== undefined && values['sync-token'].trim() === '') fail('--sync-token is empty: pass the token `users add NAME` printed on the server.');

  // the dir (0700) and what it holds (0600) are the user's alone, also when an older version left them open
  const madePrivate = makeDataDirPrivate(dataDir);
  // Everything the host says on stderr also goes to <dataDir>/logs/companion.log as JSON lines;
  // stderr keeps the plain message, as people and scripts read it.
  logFile = new LogFile({ dataDir, echo: (_line, entry) => process.stderr.write(`${entry.msg}${entry.err ? `: ${entry.err.message}` : ''}\n`) });
  logProcessCrashes(logFile, 'cli');
  logFile.fileOnly('info', 'cli', `${command} starting`, { pid: process.pid, host, port, dataDir, version: process.env.npm_package_version ?? null });
  if (madePrivate.length > 0) logFile.info('cli', `Made ${madePrivate.length} paths of the data dir private to this user`, { paths: madePrivate });
  let engine;
  try {
    engine = createEngine({
      dataDir,
      apiKeyEnv: values['llm-api-key-env'] ?? null,
      overrides: {
        ...(Object.keys(llm).length ? { llm } : {}),
        ...(tickIntervalMs || role ? { runner: { ...(tickIntervalMs ? { tickIntervalMs } : {}), ...(role ? { role: role as RunnerRole } : {}) } } : {}),
        ...(historyDays ? { history: { horizonDays: historyDays } } : {}),
        ...(Object.keys(syncSettings).length ? { sync: syncSettings } : {}),
        ...(values['sync-token'] ? { syncToken: values['sync-token'] } : {}),
      },
      // the engine's lines (failed LLM calls, skipped sync changes) go to stderr and companion.log
      log: (level, scope, msg, fields) => logFile?.write(level, scope, msg, fields),
      autoStart: command === 'serve' && !values['no-runner'],
      // started once this host listens: a host that is its own sync server must not find itself away
      autoStartSync: false,
      checkDatabase: values['check-db'] ? 'full' : 'auto',
    });
  } catch (error) {
    if (error instanceof DatabaseOpenError) fail(error.message);
    if ((error as { issues?: unknown }).issues) fail(`Invalid option: ${(error as Error).message} ${JSON.stringify((error as { issues?: unknown }).issues)}`);
    throw error;
  }

  const opened = engine.openReport;
  logFile.fileOnly('info', 'cli', 'database opened', { check: opened.check, reason: opened.reason, ms: Math.round(opened.ms) });
  const checkedIn = `${(opened.ms / 1000).toFixed(1)} s`;
  if (opened.reason === 'unclean-shutdown') say(`The last session did not close cleanly: the database passed its full check (${checkedIn}).`);
  if (opened.reason === 'asked') {
    const quarantined = engine.store.quarantinedCount();
    say(`The database passed its full check (${checkedIn})${quarantined ? `; ${quarantined} unreadable change(s) are set aside and reported` : '; every change is readable'}.`);
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
  let token = values.token;
  if (token === undefined) {
    const stored = loadOrCreateToken(dataDir, { rotate: values['new-token'] === true });
    token = stored.token;
    if (stored.source === 'rotated') say('A new access token replaces the old one: browsers signed in before have to open the new URL.', 'warn');
    if (stored.source === 'created') logFile.fileOnly('info', 'cli', `new access token kept in ${join(dataDir, TOKEN_FILE)}`);
  }
  const signIn = (boundPort: number) => ({
    command:
      values.token === undefined
        ? signInCommand({
            launcher: process.env.COMPANION_LAUNCHER,
            execPath: process.execPath,
            script: process.argv[1],
            dataDir,
            defaultDataDir: platformDataDir(),
            port: boundPort,
            host,
            platform: process.platform,
          })
        : null,
    tokenFromFlag: values.token !== undefined,
  });
  let sync: MountedSync | null = null;
  if (values.sync) {
    try {
      sync = await mountSync(values, dataDir, (line) => say(line, 'error'));
    } catch (error) {
      await engine.close();
      fail(`The sync server could not start: ${(error as Error).message}`);
    }
  }
  const syncRouter = sync?.router;
  // device tokens, never the session cookie: served whatever name a device reaches this host by
  const routes = syncRouter
    ? [
        { path: '/sync/', anyHost: true, handle: ({ req, res }: { req: IncomingMessage; res: ServerResponse }) => syncRouter.handle(req, res) },
        { path: '/health', anyHost: true, handle: ({ req, res }: { req: IncomingMessage; res: ServerResponse }) => syncRouter.handle(req, res) },
      ]
    : [];
  let server;
  try {
    server = await startHttpHost({
      engine,
      token,
      host,
      port,
      rendererDir,
      allowedHosts,
      signIn,
      routes,
      log: (message, details) => logFile?.write('error', 'host', message, details?.requestId ? { requestId: details.requestId } : undefined, details?.error),
    });
  } catch (error) {
    await engine.close();
    await sync?.storage.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') fail(`Port ${port} is already in use: pass --port with another number (or 0 for any free port).`);
    fail(`Could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
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
    const results = await Promise.allSettled([server.close().then(() => {
      syncRouter?.close();
      return sync?.storage.close();
    }), engine.close()]);
    clearTimeout(watchdog);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) say(`${signal}: shutdown failed`, 'error', failure.reason);
    else logFile?.fileOnly('info', 'cli', 'stopped', { signal });
    process.exit(failure ? 1 : 0);
  };
  // before the ready line: whoever reads it may signal at once (a signal without a handler kills outright)
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  if (!rendererDir) say('The UI is not built (no out/renderer): run `npm run build` first; the API works regardless.', 'warn');
  if (sync) process.stdout.write(`Sync server at ${server.url.replace(/\/\?token=.*$/, '')}/sync/{appId} (${sync.where}); add a device account with \`users add NAME\`\n`);
  // only now: a host that is its own sync server must be listening before its client calls it
  engine.sync.start();
  const { sync: syncing, runner: runnerSettings } = engine.settings.get();
  if (syncing.serverUrl) {
    say(`Syncing with ${syncing.serverUrl} as “${syncing.deviceName}”${engine.settings.syncToken() ? '' : ' (no token yet: pass --sync-token)'}; runner role: ${runnerSettings.role}.`);
  }
  process.stdout.write(`Companion ready at ${server.url}\n`);
  // the token stays out of the log file
  logFile.fileOnly('info', 'cli', 'ready', { url: server.url.replace(/\?token=.*$/, ''), rendererDir });
}

main().catch((error: unknown) => {
  say('Mission Companion could not start', 'error', error instanceof Error ? error : new Error(String(error)));
  process.exit(1);
});
