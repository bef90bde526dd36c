/**
 * Engine benchmarks, side by side with raw better-sqlite3 on the same machine in the same run:
 * append (Store.push) vs plain-table inserts of the same rows (batch by batch, interleaved), pull,
 * point reads vs raw SQL (interleaved too), projection rebuild, and the process RSS after the append. Run by scripts/bench.mjs, which builds
 * this file and passes `--out <file>` (and `--quick`); results are written there as JSON.
 */
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ChangeIn, changeToWrites } from '../src-shared/domain/change';
import { createHybridClock } from '../src-shared/hlc';
import { type Db, openDatabase } from '../src-main/engine/store/db';
import { Store } from '../src-main/engine/store/store';
import { tempDataDir } from '../src-main/engine/testing/temp-db';
import { batches, FULL, prng, QUICK, recordId, type Workload } from './workload';

const PULL_PAGE = 5_000;

export interface EngineResults {
  workload: Workload;
  /** the pushes plus writing the records still pending at the end (`settle`), so `records` equals the log */
  append: { seconds: number; perSec: number; settleSeconds: number };
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

/**
 * Store.push of every batch, and the raw inserts of the same batch right after it: interleaved, so
 * both see the same machine (other load comes and goes within seconds). Only the writes are timed.
 * The engine's time includes writing the records still pending after the last push: the append
 * is done when `records` reflects the whole log, as the first read would make it.
 */
function append(store: Store, dir: string, w: Workload): { engineMs: number; rawMs: number; settleMs: number } {
  const raw = new RawTable(dir);
  let engineMs = 0;
  let rawMs = 0;
  try {
    for (const batch of batches(w)) {
      const started = performance.now();
      store.push('bench-client', batch);
      engineMs += performance.now() - started;
      rawMs += raw.insert(batch);
    }
  } finally {
    raw.close();
  }
  const started = performance.now();
  store.settle();
  const settleMs = performance.now() - started;
  if (store.projectedSeq() !== store.maxSeq()) throw new Error('records do not reflect the whole log after settle');
  return { engineMs: engineMs + settleMs, rawMs, settleMs };
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

function pointReads(store: Store, db: Db, w: Workload): EngineResults['pointRead'] {
  const random = prng(7);
  const ids = Array.from({ length: w.records }, () => recordId(Math.floor(random() * w.records)));
  const raw = db.prepare('SELECT data, field_meta FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
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

/** Rebuilds the projection and checks it equals the incremental one, row for row (`db`: the store's connection). */
function rebuild(store: Store, db: Db): EngineResults['rebuild'] {
  db.exec('CREATE TEMP TABLE incremental AS SELECT * FROM records');
  const started = performance.now();
  const stats = store.rebuildProjection();
  const ms = performance.now() - started;
  const diff = db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM (SELECT * FROM incremental EXCEPT SELECT * FROM records))
            + (SELECT COUNT(*) FROM (SELECT * FROM records EXCEPT SELECT * FROM incremental)) AS n`,
    )
    .get() as { n: number };
  db.exec('DROP TABLE incremental');
  return { seconds: ms / 1000, equal: diff.n === 0, records: stats.records };
}

function main(): void {
  const args = process.argv.slice(2);
  const w = args.includes('--quick') ? QUICK : FULL;
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const tmp = tempDataDir('companion-bench-');
  try {
    const db = openDatabase(tmp.dir);
    const store = new Store(db, createHybridClock('00000000000000e1'));
    log(`append: ${w.changes.toLocaleString('en')} changes over ${w.records.toLocaleString('en')} records, batches of ${w.batch}, each batch also into a raw table`);
    const { engineMs: appendMs, rawMs, settleMs } = append(store, tmp.dir, w);
    if (store.maxSeq() !== w.changes) throw new Error(`expected ${w.changes} changes in the log, found ${store.maxSeq()}`);
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    const dbMb = (db.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()').get() as { bytes: number }).bytes / 2 ** 20;
    log(`pull in pages of ${PULL_PAGE}`);
    const pulled = pullAll(store);
    if (pulled.changes !== w.changes) throw new Error(`pulled ${pulled.changes} of ${w.changes} changes`);
    log('point reads');
    const pointRead = pointReads(store, db, w);
    log('projection rebuild');
    const rebuilt = rebuild(store, db);
    db.close();
    const results: EngineResults = {
      workload: w,
      append: { seconds: appendMs / 1000, perSec: perSec(w.changes, appendMs), settleSeconds: settleMs / 1000 },
      rawInsert: { seconds: rawMs / 1000, perSec: perSec(w.changes, rawMs) },
      appendRatio: rawMs / appendMs,
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
    tmp.cleanup();
  }
}

main();
