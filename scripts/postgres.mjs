// A throwaway PostgreSQL cluster for the sync server's tests (src-main/server) and bench
// (bench/sync-server.bench.ts): the machine's own PostgreSQL binaries (Debian: apt-get install
// postgresql), initdb into a temp dir, pg_ctl start on a free loopback port, removed at stop.
// As root, the server tools run as the `postgres` user (initdb refuses root), in a dir it owns.
// $TEST_DATABASE_URL (a superuser URL of a running server) is used instead when set.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HOW_TO_GET_POSTGRES =
  'The sync server tests need PostgreSQL: install it (Debian/Ubuntu: sudo apt-get install postgresql; macOS: brew install postgresql), set POSTGRES_BIN to its bin dir, or set TEST_DATABASE_URL to a superuser URL of a running server.';

/** The dir holding initdb and pg_ctl: $POSTGRES_BIN, Debian's newest /usr/lib/postgresql/N/bin, or pg_config --bindir. */
export function findPostgresBin() {
  const has = (dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (process.env.POSTGRES_BIN) return has(process.env.POSTGRES_BIN) ? process.env.POSTGRES_BIN : null;
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (has(join(debian, v, 'bin'))) return join(debian, v, 'bin');
  }
  const config = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = config.status === 0 ? config.stdout.trim() : null;
  return has(dir) ? dir : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Starts a cluster with a superuser `admin` (trust auth, loopback only). `durable: false` turns
 * fsync off (tests); the bench keeps the defaults. Returns { adminUrl, port, stop() }.
 */
export async function startPostgresCluster({ durable = false } = {}) {
  if (process.env.TEST_DATABASE_URL) return { adminUrl: process.env.TEST_DATABASE_URL, port: null, external: true, stop: async () => {} };
  const bin = findPostgresBin();
  if (!bin) throw new Error(HOW_TO_GET_POSTGRES);
  const dir = mkdtempSync(join(tmpdir(), 'companion-pg-'));
  const asRoot = isRoot();
  if (asRoot) chownSync(dir, ...postgresIds());
  const run = (tool, args) => {
    const cmd = asRoot ? 'runuser' : join(bin, tool);
    const full = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const r = spawnSync(cmd, full, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout || r.error?.message}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'admin', '-E', 'UTF8', '--no-sync', '--no-instructions']);
  const port = await freePort();
  const settings = ['-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'];
  if (!durable) settings.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  run('pg_ctl', ['-D', data, '-o', settings.join(' '), '-l', join(dir, 'log'), '-w', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  // A process that ends without calling stop() (a test that threw before its cleanup) takes its
  // cluster with it instead of leaving a server running.
  process.on('exit', stop);
  return {
    adminUrl: `postgres://admin@127.0.0.1:${port}/postgres`,
    port,
    external: false,
    async stop() {
      stop();
    },
  };
}

function postgresIds() {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('Running as root needs the `postgres` system user (Debian\'s postgresql package creates it) to run initdb.');
  return [Number(r.stdout.trim()), Number(g.stdout.trim())];
}
