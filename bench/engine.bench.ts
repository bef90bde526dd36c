/**
 * Engine benchmarks, side by side with raw better-sqlite3 on the same machine in the same run:
 * append (the engine's `sync.push`: the api's zod parse, the size check, Store.push) vs
 * plain-table inserts of the same rows (batch by batch, interleaved), pull, point reads vs raw SQL
 * (interleaved too), projection rebuild, and the process RSS after the append. Run by
 * scripts/bench.mjs, which builds this file and passes `--out <file>` (and `--quick`); results are
 * written there as JSON.
 *
 * The raw references read the engine's database file through a connection of their own (with the
 * engine's page cache size): the Store keeps its SQL to itself.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseInput } from '../src-shared/api';
import { type ChangeIn, changeToWrites } from '../src-shared/domain/change';
import { createEngine, type Engine } from '../src-main/engine';
import { MemorySecretStore } from '../src-main/engine/settings';
import { DB_FILE } from '../src-main/engine/store/db';
import type { Store } from '../src-main/engine/store/store';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { batches, FULL, prng, QUICK, recordId, type Workload } from './workload';

const PULL_PAGE = 5_000;

/** The append is timed in this many consecutive parts, kept apart so a burst of other load shows. */
const APPEND_PARTS = 10;

export interface EngineResults {
  workload: Workload;
  /**
   * `sync.push` of every batch through `Engine.call` (zod parse of the api input, the 1 MB
   * per-change check, Store.push) plus writing the records still pending at the end (`settle`),
   * so `records` equals the log. `parseSeconds`: the api input's zod parse alone, timed on the
   * same batches apart from the pushes (a share of `seconds`, not added to it). `partsSeconds` /
   * `rawPartsSeconds`: the pushes and the raw inserts of each tenth of the batches, in order.
   */
  append: { seconds: number; perSec: number; settleSeconds: number; parseSeconds: number; partsSeconds: number[]; rawPartsSeconds: number[] };
  rawInsert: { seconds: number; perSec: number };
  appendRatio: number;
  rssMb: number;
  /** where the RSS goes: V8 heap (used / reserved), memory outside it (SQLite's page cache is in rss only) */
  memoryMb: { heapUsed: number; heapTotal: number; external: number };
  dbMb: number;
  pull: { seconds: number; perSec: number; pages: number };
  pointRead: { engine: number; raw: number; ratio: number; reads: number };
  rebuild: { seconds: number; equal: boolean; records: number };
}

function log(message: string): void {
  process.stderr.write(`[engine] ${message}\n`);
}

function perSec(count: number, ms: number): number {
  return Math.round((count / ms) * 1000);
}

/**
 * The limit: a plain table with no index (same pragmas) taking the same rows the engine writes to
 * sync_changes, in the same batches. Only its insert transactions are timed, not building the rows.
 */
class RawTable {
  private readonly db: Database.Database;
  private readonly insertAll: (rows: unknown[][]) => void;
  private readonly arrival = new Date().toISOString();

  constructor(dir: string) {
    this.db = new Database(join(dir, 'raw.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE plain (id TEXT, app_id TEXT, table_name TEXT, record_id TEXT, user_id TEXT, space_id TEXT, op TEXT, data TEXT,
      field_meta TEXT, client_id TEXT, created_at TEXT, schema_version INTEGER, actor TEXT, origin TEXT)`);
    const insert = this.db.prepare('INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.insertAll = this.db.transaction((rows: unknown[][]) => {
      for (const row of rows) insert.run(row);
    });
  }

  /** Inserts a batch's rows; returns the ms spent inserting. */
  insert(batch: ChangeIn[]): number {
    const rows = batch.map((c) => {
      const data: Record<string, unknown> = {};
      const meta: Record<string, string> = {};
      for (const [f, wr] of Object.entries(changeToWrites(c, this.arrival))) {
        data[f] = wr.value;
        meta[f] = wr.at;
      }
      return [c.eventId, c.app, c.table, c.id, 'local', null, c.op, JSON.stringify(data), JSON.stringify(meta), 'bench-client', this.arrival, 1, JSON.stringify(c.actor), c.origin];
    });
    const started = performance.now();
    this.insertAll(rows);
    return performance.now() - started;
  }

  close(): void {
    this.db.close();
  }
}

interface AppendTimes {
  engineMs: number;
  rawMs: number;
  settleMs: number;
  parseMs: number;
  partsMs: number[];
  rawPartsMs: number[];
}

/**
 * `sync.push` of every batch as a client sends it (`Engine.call`, the path IPC and HTTP take), and
 * the raw inserts of the same batch right after it: interleaved, so both see the same machine
 * (other load comes and goes within seconds). Only the writes are timed, not building the rows.
 * The engine's time includes writing the records still pending after the last push: the append
 * is done when `records` reflects the whole log, as the first read would make it.
 */
async function append(engine: Engine, dir: string, w: Workload): Promise<AppendTimes> {
  const raw = new RawTable(dir);
  const batchesPerPart = Math.ceil(w.changes / w.batch / APPEND_PARTS);
  const partsMs: number[] = [];
  const rawPartsMs: number[] = [];
  let parseMs = 0;
  let n = 0;
  try {
    for (const batch of batches(w)) {
      const part = Math.floor(n++ / batchesPerPart);
      const input = { clientId: 'bench-client', changes: batch };
      let started = performance.now();
      const pushed = await engine.call('sync.push', input);
      partsMs[part] = (partsMs[part] ?? 0) + performance.now() - started;
      if (pushed.accepted !== batch.length) throw new Error(`sync.push accepted ${pushed.accepted} of ${batch.length} changes`);
      started = performance.now();
      parseInput('sync.push', input);
      parseMs += performance.now() - started;
      rawPartsMs[part] = (rawPartsMs[part] ?? 0) + raw.insert(batch);
    }
  } finally {
    raw.close();
  }
  const store = engine.store;
  const started = performance.now();
  store.settle();
  const settleMs = performance.now() - started;
  if (store.projectedSeq() !== store.maxSeq()) throw new Error('records do not reflect the whole log after settle');
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return { engineMs: sum(partsMs) + settleMs, rawMs: sum(rawPartsMs), settleMs, parseMs, partsMs, rawPartsMs };
}

/** A read-only connection of the bench's own to the engine's database file, with the engine's page cache size. */
function openReader(dir: string): Database.Database {
  const reader = new Database(join(dir, DB_FILE), { readonly: true });
  reader.pragma('cache_size = -8192');
  return reader;
}

function pullAll(store: Store): { ms: number; changes: number; pages: number } {
  const started = performance.now();
  let since = 0;
  let changes = 0;
  let pages = 0;
  for (;;) {
    const page = store.pull(since, PULL_PAGE);
    changes += page.changes.length;
    pages++;
    if (!page.hasMore) break;
    since = page.seq;
  }
  return { ms: performance.now() - started, changes, pages };
}

function pointReads(store: Store, reader: Database.Database, w: Workload): EngineResults['pointRead'] {
  const random = prng(7);
  const ids = Array.from({ length: w.records }, () => recordId(Math.floor(random() * w.records)));
  const raw = reader.prepare('SELECT data, field_meta FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
  // Warm both paths once so neither pays for cold pages alone.
  for (const id of ids.slice(0, 1000)) {
    store.get('todo', 'tasks', id);
    raw.get('todo', 'tasks', id);
  }
  // Interleaved by thousands, so both see the same machine.
  let engineMs = 0;
  let rawMs = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    let started = performance.now();
    for (const id of chunk) if (!store.get('todo', 'tasks', id)) throw new Error(`missing ${id}`);
    engineMs += performance.now() - started;
    started = performance.now();
    for (const id of chunk) if (!raw.get('todo', 'tasks', id)) throw new Error(`missing ${id}`);
    rawMs += performance.now() - started;
  }
  const engine = perSec(ids.length, engineMs);
  const rawPerSec = perSec(ids.length, rawMs);
  return { engine, raw: rawPerSec, ratio: engine / rawPerSec, reads: ids.length };
}

/** A digest of every row of `records` (every column, in key order): equal digests, equal tables. */
function recordsDigest(reader: Database.Database): string {
  const hash = createHash('sha256');
  for (const row of reader.prepare('SELECT * FROM records ORDER BY app_id, table_name, record_id').iterate()) hash.update(`${JSON.stringify(row)}\n`);
  return hash.digest('hex');
}

/** Rebuilds the projection and checks it equals the incremental one, row for row. */
function rebuild(store: Store, reader: Database.Database): EngineResults['rebuild'] {
  const incremental = recordsDigest(reader);
  const started = performance.now();
  const stats = store.rebuildProjection();
  const ms = performance.now() - started;
  return { seconds: ms / 1000, equal: recordsDigest(reader) === incremental, records: stats.records };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const w = args.includes('--quick') ? QUICK : FULL;
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const tmp = tempDataDir('companion-bench-');
  let engine: Engine | undefined;
  let reader: Database.Database | undefined;
  try {
    engine = createEngine({ dataDir: tmp.dir, secrets: new MemorySecretStore(), autoStart: false });
    const store = engine.store;
    log(`append: ${w.changes.toLocaleString('en')} changes over ${w.records.toLocaleString('en')} records, sync.push in batches of ${w.batch}, each batch also into a raw table`);
    const appended = await append(engine, tmp.dir, w);
    if (store.maxSeq() !== w.changes) throw new Error(`expected ${w.changes} changes in the log, found ${store.maxSeq()}`);
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    reader = openReader(tmp.dir);
    const dbMb = (reader.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()').get() as { bytes: number }).bytes / 2 ** 20;
    log(`pull in pages of ${PULL_PAGE}`);
    const pulled = pullAll(store);
    if (pulled.changes !== w.changes) throw new Error(`pulled ${pulled.changes} of ${w.changes} changes`);
    log('point reads');
    const pointRead = pointReads(store, reader, w);
    log('projection rebuild');
    const rebuilt = rebuild(store, reader);
    const seconds = (ms: number) => ms / 1000;
    const results: EngineResults = {
      workload: w,
      append: {
        seconds: seconds(appended.engineMs),
        perSec: perSec(w.changes, appended.engineMs),
        settleSeconds: seconds(appended.settleMs),
        parseSeconds: seconds(appended.parseMs),
        partsSeconds: appended.partsMs.map(seconds),
        rawPartsSeconds: appended.rawPartsMs.map(seconds),
      },
      rawInsert: { seconds: seconds(appended.rawMs), perSec: perSec(w.changes, appended.rawMs) },
      appendRatio: appended.rawMs / appended.engineMs,
      rssMb: memory.rss / 2 ** 20,
      memoryMb: { heapUsed: mb(memory.heapUsed), heapTotal: mb(memory.heapTotal), external: mb(memory.external) },
      dbMb,
      pull: { seconds: pulled.ms / 1000, perSec: perSec(pulled.changes, pulled.ms), pages: pulled.pages },
      pointRead,
      rebuild: rebuilt,
    };
    const json = JSON.stringify(results, null, 2);
    if (out) writeFileSync(out, json);
    else process.stdout.write(`${json}\n`);
  } finally {
    reader?.close();
    await engine?.close();
    tmp.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[engine] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
