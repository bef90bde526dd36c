/**
 * The change log and its projection. `sync_changes` is append-only and the truth; `records` is the
 * field-level LWW projection (src-shared/lww.ts), maintained in the same transaction as each append
 * so reads never replay history. Pull pages by the local `seq`, never by a timestamp.
 */
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { type Actor, originOf, type Origin } from '../../../src-shared/domain/actor';
import { type ChangeIn, type ChangeOut, type Op, type RecordOut, changeToWrites } from '../../../src-shared/domain/change';
import { type HybridClock, isStamp } from '../../../src-shared/hlc';
import { type FieldStamps, type FieldValues, type FieldWrite, type LwwRecord, isDeleted, mergeFields } from '../../../src-shared/lww';
import { type Db, writeTx } from './db';

export const LOCAL_USER_ID = 'local';
export const ENGINE_CLIENT_ID = 'engine';

/** A change the engine itself writes (runner, executor, revert): values get one fresh stamp. */
export interface LocalChange {
  app: string;
  table: string;
  id: string;
  op: Op;
  fields: FieldValues;
  /** deterministic ids make re-execution a no-op */
  eventId?: string;
}

interface ChangeRow {
  seq: number;
  id: string;
  app_id: string;
  table_name: string;
  record_id: string;
  space_id: string | null;
  op: string;
  data: string;
  field_meta: string;
  client_id: string;
  created_at: string;
  actor: string | null;
  origin: string | null;
}

interface RecordRow {
  app_id: string;
  table_name: string;
  record_id: string;
  data: string;
  field_meta: string;
  deleted: number;
  last_seq: number;
}

export interface AppendResult {
  seq: number | null;
  duplicate: boolean;
}

export class Store {
  private readonly insertChange: Statement;
  private readonly selectRecord: Statement;
  private readonly upsertRecord: Statement;
  private readonly selectChanges: Statement;
  private readonly selectMaxSeq: Statement;
  private readonly selectList: Statement;
  private readonly selectListWithDeleted: Statement;
  private readonly insertQuarantine: Statement;

  constructor(
    readonly db: Db,
    readonly clock: HybridClock,
  ) {
    this.insertChange = db.prepare(
      `INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, space_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin)
       VALUES (?, ?, ?, ?, '${LOCAL_USER_ID}', ?, ?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT(id) DO NOTHING`,
    );
    this.selectRecord = db.prepare('SELECT * FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.upsertRecord = db.prepare(
      `INSERT INTO records (app_id, table_name, record_id, data, field_meta, deleted, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id, table_name, record_id) DO UPDATE SET data = excluded.data, field_meta = excluded.field_meta,
       deleted = excluded.deleted, last_seq = excluded.last_seq`,
    );
    this.selectChanges = db.prepare('SELECT * FROM sync_changes WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectMaxSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) AS seq FROM sync_changes');
    this.selectList = db.prepare('SELECT * FROM records WHERE app_id = ? AND table_name = ? AND deleted = 0 LIMIT ?');
    this.selectListWithDeleted = db.prepare('SELECT * FROM records WHERE app_id = ? AND table_name = ? LIMIT ?');
    this.insertQuarantine = db.prepare('INSERT OR IGNORE INTO quarantine (seq, reason, quarantined_at) VALUES (?, ?, ?)');
  }

  tx<T>(fn: () => T): T {
    return writeTx(this.db, fn);
  }

  /** Appends a validated batch atomically; events already in the log are counted as duplicates. */
  push(clientId: string, changes: ChangeIn[]): { accepted: number; duplicates: number; seq: number } {
    let accepted = 0;
    let duplicates = 0;
    this.tx(() => {
      for (const change of changes) {
        const arrivalAt = this.clock.now();
        const writes = changeToWrites(change, arrivalAt);
        for (const w of Object.values(writes)) this.clock.observe(w.at);
        const actor = change.actor ?? null;
        const result = this.append({
          eventId: change.eventId,
          app: change.app,
          table: change.table,
          id: change.id,
          op: change.op,
          writes,
          clientId,
          spaceId: change.spaceId ?? null,
          actor,
          origin: change.origin ?? originOf(actor ?? undefined),
        });
        if (result.duplicate) duplicates++;
        else accepted++;
      }
    });
    return { accepted, duplicates, seq: this.maxSeq() };
  }

  /** Appends engine-made changes (inside the caller's transaction when there is one). Returns event ids. */
  appendLocal(changes: LocalChange[], actor: Actor): string[] {
    const origin = originOf(actor);
    return this.tx(() =>
      changes.map((c) => {
        const at = this.clock.now();
        const writes: Record<string, FieldWrite> = {};
        for (const [field, value] of Object.entries(c.fields)) if (field !== 'id') writes[field] = { value, at };
        if (c.op === 'insert' && !('deletedAt' in writes)) writes.deletedAt = { value: null, at };
        if (c.op === 'delete') writes.deletedAt = { value: c.fields.deletedAt ?? at.slice(0, 24), at };
        const eventId = c.eventId ?? randomUUID();
        this.append({ eventId, app: c.app, table: c.table, id: c.id, op: c.op, writes, clientId: ENGINE_CLIENT_ID, spaceId: null, actor, origin });
        return eventId;
      }),
    );
  }

  private append(c: {
    eventId: string;
    app: string;
    table: string;
    id: string;
    op: Op;
    writes: Record<string, FieldWrite>;
    clientId: string;
    spaceId: string | null;
    actor: Actor | null;
    origin: Origin | string | null;
  }): AppendResult {
    const data: FieldValues = {};
    const meta: FieldStamps = {};
    for (const [field, w] of Object.entries(c.writes)) {
      data[field] = w.value === undefined ? null : w.value;
      meta[field] = w.at;
    }
    const info = this.insertChange.run(
      c.eventId,
      c.app,
      c.table,
      c.id,
      c.spaceId,
      c.op,
      JSON.stringify(data),
      JSON.stringify(meta),
      c.clientId,
      new Date().toISOString(),
      c.actor ? JSON.stringify(c.actor) : null,
      c.origin,
    );
    if (info.changes === 0) return { seq: null, duplicate: true };
    const seq = Number(info.lastInsertRowid);
    this.project(c.app, c.table, c.id, c.writes, seq);
    return { seq, duplicate: false };
  }

  private project(app: string, table: string, id: string, writes: Record<string, FieldWrite>, seq: number): void {
    const row = this.selectRecord.get(app, table, id) as RecordRow | undefined;
    let current: LwwRecord | undefined;
    if (row) {
      try {
        current = { data: JSON.parse(row.data) as FieldValues, meta: JSON.parse(row.field_meta) as FieldStamps };
      } catch {
        current = undefined; // a damaged projection row is rebuilt from this change on; rebuildProjection restores it fully
      }
    }
    const { record } = mergeFields(current, writes);
    this.upsertRecord.run(app, table, id, JSON.stringify(record.data), JSON.stringify(record.meta), isDeleted(record) ? 1 : 0, seq);
  }

  maxSeq(): number {
    return (this.selectMaxSeq.get() as { seq: number }).seq;
  }

  /** A page of the log after `since`. Rows that fail to parse are quarantined and skipped, never fatal. */
  pull(since: number, limit: number): { changes: ChangeOut[]; seq: number; hasMore: boolean; quarantined: number } {
    const rows = this.selectChanges.all(since, limit + 1) as ChangeRow[];
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const changes: ChangeOut[] = [];
    let quarantined = 0;
    for (const row of page) {
      const change = this.rowToChange(row);
      if (change) changes.push(change);
      else quarantined++;
    }
    const last = page.at(-1);
    return { changes, seq: last ? last.seq : Math.max(since, 0), hasMore, quarantined };
  }

  private rowToChange(row: ChangeRow): ChangeOut | null {
    try {
      const data = JSON.parse(row.data) as FieldValues;
      const meta = JSON.parse(row.field_meta) as FieldStamps;
      if (!data || typeof data !== 'object' || !meta || typeof meta !== 'object') throw new Error('data or field_meta is not an object');
      if (row.op !== 'insert' && row.op !== 'update' && row.op !== 'delete') throw new Error(`unknown op ${row.op}`);
      const fields: ChangeOut['fields'] = {};
      for (const [field, at] of Object.entries(meta)) {
        if (typeof at !== 'string') throw new Error(`field_meta.${field} is not a stamp`);
        fields[field] = { value: data[field] ?? null, at };
      }
      const out: ChangeOut = {
        seq: row.seq,
        eventId: row.id,
        app: row.app_id,
        table: row.table_name,
        id: row.record_id,
        op: row.op,
        fields,
        actor: row.actor ? (JSON.parse(row.actor) as Actor) : null,
        origin: row.origin,
        spaceId: row.space_id,
        clientId: row.client_id,
        createdAt: row.created_at,
      };
      if (row.op === 'insert') out.data = data;
      if (row.op === 'delete' && typeof data.deletedAt === 'string') out.deletedAt = data.deletedAt;
      return out;
    } catch (error) {
      this.quarantine(row.seq, (error as Error).message);
      return null;
    }
  }

  /**
   * Recomputes `records` from the log (after a crash of the projection, or to check it). Rows that
   * fail to parse are quarantined and skipped; everything else is folded in seq order.
   */
  rebuildProjection(): { changes: number; records: number; quarantined: number } {
    const PAGE = 10_000;
    let changes = 0;
    let quarantined = 0;
    const page = this.db.prepare('SELECT seq, app_id, table_name, record_id, op, data, field_meta FROM sync_changes WHERE seq > ? ORDER BY seq LIMIT ?');
    this.tx(() => {
      this.db.exec('DELETE FROM records');
      let after = 0;
      for (;;) {
        const rows = page.all(after, PAGE) as Pick<ChangeRow, 'seq' | 'app_id' | 'table_name' | 'record_id' | 'op' | 'data' | 'field_meta'>[];
        if (!rows.length) break;
        for (const row of rows) {
          const writes = parseWrites(row.data, row.field_meta, row.op);
          if (typeof writes === 'string') {
            this.quarantine(row.seq, writes);
            quarantined++;
          } else {
            this.project(row.app_id, row.table_name, row.record_id, writes, row.seq);
            changes++;
          }
        }
        after = rows.at(-1)!.seq;
      }
    });
    const records = (this.db.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    return { changes, records, quarantined };
  }

  quarantine(seq: number, reason: string): void {
    this.insertQuarantine.run(seq, reason, new Date().toISOString());
  }

  quarantinedCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM quarantine').get() as { n: number }).n;
  }

  get(app: string, table: string, id: string): RecordOut | null {
    const row = this.selectRecord.get(app, table, id) as RecordRow | undefined;
    return row ? toRecordOut(row) : null;
  }

  /** The record's fields (with its id), or null when missing or deleted. */
  getData<T = FieldValues>(app: string, table: string, id: string): (T & { id: string }) | null {
    const record = this.get(app, table, id);
    if (!record || record.deleted) return null;
    return { ...(record.data as T), id };
  }

  list(app: string, table: string, opts: { limit?: number; includeDeleted?: boolean } = {}): RecordOut[] {
    const stmt = opts.includeDeleted ? this.selectListWithDeleted : this.selectList;
    return (stmt.all(app, table, opts.limit ?? 1_000_000) as RecordRow[]).map(toRecordOut);
  }

  /** Live records' fields (with ids) matching a raw SQL condition on `data` (trusted callers only). */
  query<T = FieldValues>(app: string, table: string, where = '1', params: unknown[] = []): (T & { id: string })[] {
    const rows = this.db
      .prepare(`SELECT record_id, data FROM records WHERE app_id = ? AND table_name = ? AND deleted = 0 AND (${where})`)
      .all(app, table, ...params) as { record_id: string; data: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.data) as T), id: r.record_id }));
  }
}

/** The field writes stored in a log row, or a reason why the row cannot be read. */
export function parseWrites(data: string, fieldMeta: string, op: string): Record<string, FieldWrite> | string {
  try {
    if (op !== 'insert' && op !== 'update' && op !== 'delete') return `unknown op ${op}`;
    const values = JSON.parse(data) as unknown;
    const meta = JSON.parse(fieldMeta) as unknown;
    if (!values || typeof values !== 'object' || !meta || typeof meta !== 'object') return 'data or field_meta is not an object';
    const writes: Record<string, FieldWrite> = {};
    for (const [field, at] of Object.entries(meta as Record<string, unknown>)) {
      if (typeof at !== 'string' || !isStamp(at)) return `field_meta.${field} is not a stamp`;
      writes[field] = { value: (values as FieldValues)[field] ?? null, at };
    }
    return writes;
  } catch (error) {
    return (error as Error).message;
  }
}

function toRecordOut(row: RecordRow): RecordOut {
  return {
    app: row.app_id,
    table: row.table_name,
    id: row.record_id,
    data: JSON.parse(row.data) as FieldValues,
    meta: JSON.parse(row.field_meta) as FieldStamps,
    deleted: row.deleted === 1,
    seq: row.last_seq,
  };
}
