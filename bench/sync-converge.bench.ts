/**
 * Three devices that each made 10,000 changes while offline converge through a sync server
 * (scripts/bench.mjs builds this file and passes `--out <file>` and `--quick`). Each device is a
 * real engine on its own temp dir (all three in this process, as a household's devices share
 * nothing but the network); the server runs in its own process, on SQLite and then on PostgreSQL.
 *
 * Each device writes, with sync off: inserts of its own tasks, inserts of the same shared tasks as
 * the others (conflicting writes), then updates of random own and shared tasks, in batches as a
 * renderer pushes them. Timed: from the moment the three are pointed at the server until every
 * device holds the same records as the others (checked after the clock stops) and nothing waits.
 * Reference, measured in the same run: appending to each device's store, directly, the other two
 * devices' 20,000 changes (Store.applyRemote), i.e. the local work that receiving them costs the
 * three devices anyway (they share this process, as they share its one thread).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ENGINE_NODE_FLAGS } from '../scripts/engine-flags.mjs';
import type { ChangeIn } from '../src-shared/domain/change';
import { canonicalJson } from '../src-shared/lww';
import { type Engine, createEngine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { readChanges } from '../src-main/engine/sync/wire';
import { openSyncStorage } from '../src-main/server/server';
import { startSyncServer } from '../src-main/server/server';
import { startTestPostgres } from '../src-main/server/testing/harness';
import { addAccount } from '../src-main/server/users-command';
import { prng } from './workload';

const FULL = { changesPerDevice: 10_000, ownRecords: 1_000, sharedRecords: 500, batch: 500 };
const QUICK = { changesPerDevice: 1_000, ownRecords: 100, sharedRecords: 50, batch: 500 };
type Workload = typeof FULL;
const DEVICES = ['laptop', 'phone', 'home-server'];

export interface ConvergeRun {
  storage: 'sqlite' | 'postgres';
  seconds: number;
  /** changes every device's log holds at the end (its own and the others') */
  changesPerDeviceAtEnd: number;
  records: number;
  /** requests the three sync clients made (push, pull, claims; streams counted once) */
  requests: number;
}

export interface SyncConvergeResults {
  workload: Workload & { devices: number };
  sqlite: ConvergeRun;
  postgres: (ConvergeRun & { version: string }) | null;
  postgresSkipped?: string;
  /** appending to each device's store the other devices' changes, directly */
  localApply: { seconds: number; changes: number };
}

const started = performance.now();
function log(message: string): void {
  process.stderr.write(`[sync-converge] ${((performance.now() - started) / 1000).toFixed(1)} s: ${message}\n`);
}

// ------------------------------------------------------------------------------------------------
// The server process

async function serveChild(kind: string, where: string): Promise<void> {
  const storage = await openSyncStorage(kind === 'postgres' ? { dataDir: tmpdir(), databaseUrl: where } : { dataDir: where });
  const server = await startSyncServer({ storage });
  process.on('message', (message: unknown) => {
    if (message === 'stop') void server.close().then(() => storage.close()).then(() => process.exit(0));
  });
  process.send?.({ port: server.port });
}

function startChild(kind: 'sqlite' | 'postgres', where: string): Promise<{ child: ChildProcess; port: number; stop(): Promise<void> }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve-child', kind, where], { execArgv: ENGINE_NODE_FLAGS, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the server process exited with ${code}`)));
    child.once('message', (m) => {
      resolve({
        child,
        port: (m as { port: number }).port,
        stop: () =>
          new Promise<void>((r) => {
            child.removeAllListeners('exit');
            child.once('exit', () => r());
            child.send('stop');
          }),
      });
    });
  });
}

// ------------------------------------------------------------------------------------------------
// Devices

/** One device's offline changes, in batches (stamped by the device's own clock when pushed). */
function* deviceBatches(device: number, w: Workload): Generator<ChangeIn[]> {
  const random = prng(1000 + device);
  const own = (n: number) => `${DEVICES[device]}-task-${n}`;
  const shared = (n: number) => `shared-task-${n}`;
  let batch: ChangeIn[] = [];
  for (let i = 0; i < w.changesPerDevice; i++) {
    const eventId = `${DEVICES[device]}-${i}`;
    let change: ChangeIn;
    if (i < w.ownRecords) change = { eventId, app: 'todo', table: 'tasks', id: own(i), op: 'insert', data: { title: `Task ${i} of the ${DEVICES[device]}`, done: false, priority: 'medium' } };
    else if (i < w.ownRecords + w.sharedRecords) {
      const n = i - w.ownRecords;
      change = { eventId, app: 'todo', table: 'tasks', id: shared(n), op: 'insert', data: { title: `Shared task ${n}, as the ${DEVICES[device]} wrote it`, done: false } };
    } else {
      const id = random() < 0.3 ? shared(Math.floor(random() * w.sharedRecords)) : own(Math.floor(random() * w.ownRecords));
      change = { eventId, app: 'todo', table: 'tasks', id, op: 'update', data: random() < 0.5 ? { title: `Renamed on the ${DEVICES[device]} (${i})` } : { done: random() < 0.5 } };
    }
    batch.push(change);
    if (batch.length === w.batch) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

interface Device {
  engine: Engine;
  dir: string;
  requests: number;
}

async function offlineDevice(index: number, w: Workload): Promise<Device> {
  const dir = mkdtempSync(join(tmpdir(), `converge-${DEVICES[index]}-`));
  const device: Device = { engine: null as unknown as Engine, dir, requests: 0 };
  const counting: typeof fetch = (input, init) => {
    device.requests++;
    return fetch(input, init);
  };
  device.engine = createEngine({ dataDir: dir, secrets: new MemorySecretStore(), autoStart: false, syncDeps: { fetch: counting }, overrides: { sync: { deviceName: DEVICES[index]! } } });
  for (const batch of deviceBatches(index, w)) await device.engine.call('sync.push', { clientId: 'renderer', changes: batch });
  return device;
}

/** What a device holds of the tasks: a hash of every record's fields and stamps. */
function fingerprint(engine: Engine): { hash: string; records: number } {
  const records = engine.store.list('todo', 'tasks', { includeDeleted: true });
  const hash = createHash('sha256');
  // canonical JSON: field order depends on the order writes arrived (and Postgres' jsonb reorders keys)
  for (const r of records.sort((a, b) => (a.id < b.id ? -1 : 1))) hash.update(canonicalJson([r.id, r.data, r.meta, r.deleted]));
  return { hash: hash.digest('hex'), records: records.length };
}

async function converge(kind: 'sqlite' | 'postgres', where: string, token: string, w: Workload): Promise<ConvergeRun> {
  log(`${kind}: three devices write ${w.changesPerDevice} changes each, offline…`);
  const devices = await Promise.all(DEVICES.map((_, i) => offlineDevice(i, w)));
  const server = await startChild(kind, where);
  try {
    const url = `http://127.0.0.1:${server.port}`;
    log(`${kind}: online; converging…`);
    const t0 = performance.now();
    for (const d of devices) d.engine.settings.update({ sync: { serverUrl: url }, syncToken: token });
    // Exchanges until a round of all three moves nothing (the live channels deliver meanwhile too).
    for (let round = 0; ; round++) {
      const before = devices.map((d) => d.engine.store.maxSeq());
      await Promise.all(devices.map((d) => d.engine.sync.syncNow()));
      const waiting = devices.reduce((n, d) => n + d.engine.sync.status().waiting, 0);
      if (round > 0 && waiting === 0 && devices.every((d, i) => d.engine.store.maxSeq() === before[i])) break;
      if (round > 20) throw new Error('no convergence after 20 rounds');
    }
    const seconds = (performance.now() - t0) / 1000;
    const prints = devices.map((d) => fingerprint(d.engine));
    if (new Set(prints.map((p) => p.hash)).size !== 1) throw new Error(`the devices differ after converging: ${JSON.stringify(prints)}`);
    for (const d of devices) if (d.engine.sync.status().state !== 'synced') throw new Error(`a device is ${d.engine.sync.status().state}: ${d.engine.sync.status().lastError}`);
    // rows, not the last seq: an event that arrived twice used up a seq without adding a row
    const changesPerDeviceAtEnd = devices[0]!.engine.store.pull(0, 10_000_000).changes.length;
    log(`${kind}: converged in ${seconds.toFixed(1)} s (${prints[0]!.records} records, ${changesPerDeviceAtEnd} changes on each device)`);
    return { storage: kind, seconds, changesPerDeviceAtEnd, records: prints[0]!.records, requests: devices.reduce((n, d) => n + d.requests, 0) };
  } finally {
    for (const d of devices) {
      await d.engine.close();
      rmSync(d.dir, { recursive: true, force: true });
    }
    await server.stop();
  }
}

/** The reference: each device's store gets the other two devices' changes appended directly. */
async function localApply(w: Workload): Promise<{ seconds: number; changes: number }> {
  const devices = await Promise.all(DEVICES.map((_, i) => offlineDevice(i, w)));
  try {
    const logs = devices.map((d) => d.engine.store.pull(0, 10_000_000).changes);
    const t0 = performance.now();
    let changes = 0;
    for (const [target, device] of devices.entries()) {
      for (const [source, log] of logs.entries()) {
        if (source === target) continue;
        for (let i = 0; i < log.length; i += 1000) changes += device.engine.store.applyRemote(readChanges('todo', log.slice(i, i + 1000)).changes).accepted;
      }
      device.engine.store.settle();
    }
    return { seconds: (performance.now() - t0) / 1000, changes };
  } finally {
    for (const d of devices) {
      await d.engine.close();
      rmSync(d.dir, { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--serve-child') return serveChild(args[1]!, args[2]!);
  const w = args.includes('--quick') ? QUICK : FULL;
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : null;

  const serverDir = mkdtempSync(join(tmpdir(), 'converge-server-'));
  let sqlite: ConvergeRun;
  try {
    const storage = await openSyncStorage({ dataDir: serverDir });
    const { token } = await addAccount(storage.accounts, 'household', new Date());
    await storage.close();
    sqlite = await converge('sqlite', serverDir, token, w);
  } finally {
    rmSync(serverDir, { recursive: true, force: true });
  }

  let pg: SyncConvergeResults['postgres'] = null;
  let postgresSkipped: string | undefined;
  try {
    log('starting a PostgreSQL cluster…');
    const cluster = await startTestPostgres({ durable: true });
    try {
      const { url } = await cluster.newDatabase();
      const version = await cluster.version();
      const storage = await openSyncStorage({ dataDir: tmpdir(), databaseUrl: url });
      const { token } = await addAccount(storage.accounts, 'household', new Date());
      await storage.close();
      pg = { ...(await converge('postgres', url, token, w)), version };
    } finally {
      await cluster.stop();
    }
  } catch (error) {
    postgresSkipped = (error as Error).message;
    log(`PostgreSQL not measured: ${postgresSkipped}`);
  }

  log('reference: each device’s store gets the others’ changes appended directly…');
  const reference = await localApply(w);
  const results: SyncConvergeResults = { workload: { ...w, devices: DEVICES.length }, sqlite, postgres: pg, ...(postgresSkipped ? { postgresSkipped } : {}), localApply: reference };
  if (out) writeFileSync(out, JSON.stringify(results));
  else process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
