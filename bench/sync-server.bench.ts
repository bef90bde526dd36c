/**
 * Sync server on Postgres, side by side with raw Postgres in the same run (scripts/bench.mjs builds
 * this file and passes `--out <file>` and `--quick`):
 * - push: changesets over HTTP (validation, RLS transaction, per-user lock, answer) vs raw INSERTs of
 *   the same rows into a plain table by the same client, batch by batch, interleaved;
 * - pull: every page of the collection over HTTP vs raw keyset SELECTs of the same rows, interleaved;
 * - server RSS with 1,000 devices connected to the live channel and idle.
 * The server runs in its own process (this file with --serve-child), so its RSS is its own.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { ENGINE_NODE_FLAGS } from '../scripts/engine-flags.mjs';
import { type ChangeIn, changeToWrites } from '../src-shared/domain/change';
import type { SyncResponse } from '../src-shared/domain/sync-protocol';
import { openPostgresSyncStorage } from '../src-main/server/postgres-storage';
import { startSyncServer } from '../src-main/server/server';
import { startTestPostgres } from '../src-main/server/testing/harness';
import { addAccount } from '../src-main/server/users-command';
import { batches, type Workload } from './workload';

const FULL: Workload = { changes: 100_000, records: 10_000, batch: 1_000 };
const QUICK: Workload = { changes: 10_000, records: 1_000, batch: 1_000 };
const IDLE_DEVICES = 1_000;

export interface SyncServerResults {
  workload: Workload;
  push: { seconds: number; perSec: number };
  /** the faster of two raw idioms (ten text arrays through unnest; one JSON parameter through jsonb_to_recordset) */
  rawInsert: { seconds: number; perSec: number; arraysPerSec: number; jsonPerSec: number };
  pushRatio: number;
  pull: { seconds: number; perSec: number; pages: number };
  rawSelect: { seconds: number; perSec: number };
  pullRatio: number;
  idle: { devices: number; rssMbBefore: number; rssMb: number; kbPerDevice: number; heapUsedMb: number };
  postgres: string;
}

const benchStarted = performance.now();
function log(message: string): void {
  process.stderr.write(`[sync-server] ${((performance.now() - benchStarted) / 1000).toFixed(1)} s: ${message}\n`);
}

const perSec = (n: number, ms: number) => Math.round((n / ms) * 1000);

// ------------------------------------------------------------------------------------------------
// The server process

interface ChildMemory {
  rss: number;
  heapUsed: number;
  streams: number;
}

async function serveChild(url: string): Promise<void> {
  const storage = await openPostgresSyncStorage({ url });
  const server = await startSyncServer({ storage });
  process.on('message', (message: unknown) => {
    if (message === 'measure') {
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      process.send?.({ rss: m.rss, heapUsed: m.heapUsed, streams: server.router.streams } satisfies ChildMemory);
    } else if (message === 'stop') {
      void server.close().then(() => storage.close()).then(() => process.exit(0));
    }
  });
  process.send?.({ port: server.port });
}

function startChild(url: string): Promise<{ child: ChildProcess; port: number; measure(): Promise<ChildMemory>; stop(): Promise<void> }> {
  // The host's V8 flags (serve --sync runs with them). $BENCH_CHILD_FLAGS adds more, e.g.
  // "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where the server's time goes.
  const extra = process.env.BENCH_CHILD_FLAGS ? process.env.BENCH_CHILD_FLAGS.split(' ') : [];
  const child = fork(fileURLToPath(import.meta.url), ['--serve-child', url], { execArgv: [...ENGINE_NODE_FLAGS, '--expose-gc', ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
    child.once('message', (m) => {
      const port = (m as { port: number }).port;
      resolve({
        child,
        port,
        measure: () =>
          new Promise((r) => {
            child.once('message', (x) => r(x as ChildMemory));
            child.send('measure');
          }),
        stop: () =>
          new Promise((r) => {
            child.removeAllListeners('exit');
            child.once('exit', () => r());
            child.send('stop');
          }),
      });
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Raw Postgres: the same rows, a plain table, the same client

/** The rows the server stores for a batch (built untimed, as the engine bench does). */
function rowsOf(batch: ChangeIn[], userId: string, arrival: string) {
  const cols = { id: [] as string[], table: [] as string[], record: [] as string[], op: [] as string[], data: [] as string[], meta: [] as string[], actor: [] as string[], origin: [] as string[] };
  for (const c of batch) {
    const data: Record<string, unknown> = {};
    const meta: Record<string, string> = {};
    for (const [f, w] of Object.entries(changeToWrites(c, arrival))) {
      data[f] = w.value;
      meta[f] = w.at;
    }
    cols.id.push(c.eventId);
    cols.table.push(c.table);
    cols.record.push(c.id);
    cols.op.push(c.op);
    cols.data.push(JSON.stringify(data));
    cols.meta.push(JSON.stringify(meta));
    cols.actor.push(JSON.stringify(c.actor));
    cols.origin.push(c.origin ?? 'user');
  }
  return { ...cols, userId, arrival };
}

/** Raw insert, the idiom of ten text arrays through unnest. */
async function rawInsertArrays(sql: postgres.Sql, rows: ReturnType<typeof rowsOf>): Promise<number> {
  const started = performance.now();
  await sql`
    INSERT INTO raw_changes (id, app_id, table_name, record_id, user_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin)
    SELECT c.id, 'todo', c.t, c.r, ${rows.userId}, c.op, c.d::jsonb, c.m::jsonb, 'bench-raw', ${rows.arrival}::timestamptz, 1, c.a::jsonb, c.o
    FROM unnest(${rows.id}::text[], ${rows.table}::text[], ${rows.record}::text[], ${rows.op}::text[], ${rows.data}::text[], ${rows.meta}::text[], ${rows.actor}::text[], ${rows.origin}::text[])
      AS c(id, t, r, op, d, m, a, o)`;
  return performance.now() - started;
}

/** Raw insert, the whole batch as one JSON parameter (what the server does); the row JSON is built untimed. */
async function rawInsertJson(sql: postgres.Sql, rows: ReturnType<typeof rowsOf>, json: string): Promise<number> {
  const started = performance.now();
  await sql`
    INSERT INTO raw_changes_json (id, app_id, table_name, record_id, user_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin)
    SELECT c.id, 'todo', c.t, c.r, ${rows.userId}, c.op, c.d, c.m, 'bench-raw', ${rows.arrival}::timestamptz, 1, c.a, c.o
    FROM jsonb_to_recordset(${json}::text::jsonb) AS c(id text, t text, r text, op text, d jsonb, m jsonb, a jsonb, o text)`;
  return performance.now() - started;
}

function rowsJson(rows: ReturnType<typeof rowsOf>): string {
  return `[${rows.id.map((id, i) => `{"id":${JSON.stringify(id)},"t":${JSON.stringify(rows.table[i])},"r":${JSON.stringify(rows.record[i])},"op":"${rows.op[i]}","d":${rows.data[i]},"m":${rows.meta[i]},"a":${rows.actor[i]},"o":${JSON.stringify(rows.origin[i])}}`).join(',')}]`;
}

// ------------------------------------------------------------------------------------------------
// HTTP

/** One changeset, `since` the cursor of the previous answer (as a client does); returns the ms and the new cursor. */
async function push(base: string, token: string, batch: ChangeIn[], since: string): Promise<{ ms: number; cursor: string }> {
  const started = performance.now();
  const res = await fetch(`${base}/sync/todo`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-client-id': 'bench-writer', 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: 'bench-writer', since, schemaVersion: 1, changes: batch }),
  });
  const body = (await res.json()) as SyncResponse;
  const ms = performance.now() - started;
  if (res.status !== 200 || body.accepted !== batch.length) throw new Error(`push answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return { ms, cursor: body.syncedUntil };
}

/** Opens one idle live-channel connection (caught up: `since` is the latest cursor); resolves once its first event arrived. */
function idleDevice(port: number, token: string, since: string, i: number, sockets: Set<{ destroy(): void }>): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/sync/todo/stream?collections=tasks&since=${encodeURIComponent(since)}`, agent: false, headers: { authorization: `Bearer ${token}`, 'x-client-id': `idle-${i}` } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
        sockets.add(res.socket);
        let seen = '';
        const onData = (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          if (seen.includes('event: changes')) {
            res.off('data', onData);
            res.resume();
            resolve();
          }
        };
        res.on('data', onData);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--serve-child') return serveChild(args[1]!);
  const w = args.includes('--quick') ? QUICK : FULL;
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : null;

  log('starting a PostgreSQL cluster (durable settings)…');
  const cluster = await startTestPostgres({ durable: true });
  const url = new URL((await cluster.newDatabase()).url);
  const version = await cluster.version();

  let server: Awaited<ReturnType<typeof startChild>> | null = null;
  const raw = postgres(url.toString(), { max: 1, onnotice: () => undefined });
  try {
    // accounts and the raw table, then the server in its own process
    const setup = await openPostgresSyncStorage({ url: url.toString(), max: 1 });
    const { token, userId } = await addAccount(setup.accounts, 'bench', new Date());
    await setup.close();
    await raw`CREATE TABLE raw_changes (
      id TEXT NOT NULL, app_id TEXT NOT NULL, table_name TEXT NOT NULL, record_id TEXT NOT NULL, user_id TEXT NOT NULL, op TEXT NOT NULL,
      data JSONB, field_meta JSONB, client_id TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, schema_version INT NOT NULL, actor JSONB,
      origin TEXT, space_id TEXT, seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY)`;
    await raw`CREATE TABLE raw_changes_json (LIKE raw_changes INCLUDING ALL)`;
    server = await startChild(url.toString());
    const base = `http://127.0.0.1:${server.port}`;

    log(`push: ${w.changes} changes in changesets of ${w.batch}, interleaved with raw inserts of the same rows…`);
    const arrival = new Date().toISOString();
    let pushMs = 0;
    let rawArraysMs = 0;
    let rawJsonMs = 0;
    let pushCursor = '';
    for (const batch of batches(w)) {
      const pushed = await push(base, token, batch, pushCursor);
      pushMs += pushed.ms;
      pushCursor = pushed.cursor;
      const rows = rowsOf(batch, userId, arrival);
      rawArraysMs += await rawInsertArrays(raw, rows);
      rawJsonMs += await rawInsertJson(raw, rows, rowsJson(rows));
    }

    log('pull: every page of the collection over HTTP, interleaved with raw keyset selects of the same rows…');
    let pullMs = 0;
    let selectMs = 0;
    let pages = 0;
    let pulled = 0;
    let selected = 0;
    let cursor = '';
    let lastSeq = 0;
    for (let more = true; more; ) {
      let started = performance.now();
      const res = await fetch(`${base}/sync/todo/pull?collection=tasks&since=${encodeURIComponent(cursor)}`, { headers: { authorization: `Bearer ${token}`, 'x-client-id': 'bench-reader' } });
      const page = (await res.json()) as SyncResponse;
      pullMs += performance.now() - started;
      pages++;
      pulled += page.serverChanges.length;
      cursor = page.syncedUntil;
      more = page.hasMore;
      started = performance.now();
      const rows = await raw`SELECT * FROM raw_changes WHERE seq > ${lastSeq} ORDER BY seq LIMIT 1000`;
      selectMs += performance.now() - started;
      selected += rows.length;
      if (rows.length > 0) lastSeq = Number(rows.at(-1)!.seq);
    }
    const rawMs = Math.min(rawArraysMs, rawJsonMs); // the faster idiom is the reference
    if (pulled !== w.changes || selected !== w.changes) throw new Error(`pulled ${pulled} and selected ${selected} of ${w.changes} changes`);
    await server.stop();

    log(`idle: a fresh server process, then ${IDLE_DEVICES} devices on the live channel…`);
    server = await startChild(url.toString());
    const before = await server.measure();
    const sockets = new Set<{ destroy(): void }>();
    for (let i = 0; i < IDLE_DEVICES; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, IDLE_DEVICES - i) }, (_, k) => idleDevice(server!.port, token, cursor, i + k, sockets)));
    }
    log('all connected; measuring');
    const idle = await server.measure();
    if (idle.streams !== IDLE_DEVICES) throw new Error(`${idle.streams} streams open, expected ${IDLE_DEVICES}`);
    for (const s of sockets) s.destroy();
    await server.stop();
    server = null;

    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const results: SyncServerResults = {
      workload: w,
      push: { seconds: pushMs / 1000, perSec: perSec(w.changes, pushMs) },
      rawInsert: { seconds: rawMs / 1000, perSec: perSec(w.changes, rawMs), arraysPerSec: perSec(w.changes, rawArraysMs), jsonPerSec: perSec(w.changes, rawJsonMs) },
      pushRatio: rawMs / pushMs,
      pull: { seconds: pullMs / 1000, perSec: perSec(pulled, pullMs), pages },
      rawSelect: { seconds: selectMs / 1000, perSec: perSec(selected, selectMs) },
      pullRatio: selectMs / pullMs,
      idle: { devices: IDLE_DEVICES, rssMbBefore: mb(before.rss), rssMb: mb(idle.rss), kbPerDevice: Math.round((idle.rss - before.rss) / 1024 / IDLE_DEVICES), heapUsedMb: mb(idle.heapUsed) },
      postgres: version,
    };
    if (out) writeFileSync(out, JSON.stringify(results));
    else process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    if (server) await server.stop().catch(() => undefined);
    await raw.end({ timeout: 1 });
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
