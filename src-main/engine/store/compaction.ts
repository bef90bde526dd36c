/**
 * Log compaction: the oldest rows of `sync_changes` are folded into one snapshot per record and
 * leave the log, step by step, each step one short transaction.
 *
 * What holds at every step boundary, with N = `compacted_through_seq`:
 * - every readable log row at or below N is gone from the log; each record's changes up to N are
 *   its *base*: its `records` row when it has no log rows after N, else its `record_base` row
 *   (absent when it was created after N). So `records` = base ⊔ fold(log after N), which is how
 *   `Store.rebuildProjection` recomputes it; `records` itself is never touched here, so compacting
 *   never changes the projection.
 * - a pull from a cursor below N would miss changes: `Store.pull` answers "cursor too old" and the
 *   replica re-hydrates from the snapshot (which is `records`).
 * - each folded row leaves a compact entry in `audit_trail` (who, when, which fields, short values;
 *   the Activity timeline reads it after the log) and the hash of its event id in
 *   `compacted_events`, so pushing that event again is still a duplicate (event-hash.ts).
 * - rows that cannot be read stay in the log (quarantined, reported), never folded or dropped.
 *
 * Which rows: those that arrived before `limit.before` (the history horizon) and below
 * `limit.keepFrom` (a sync client's first unacknowledged seq), in seq order, stopping at the first
 * row too new; and only rows the projection already reflects (the step settles first).
 */
import type { Statement } from 'better-sqlite3';
import { Actor } from '../../../src-shared/domain/actor';
import { stampMillis } from '../../../src-shared/hlc';
import { type FieldStamps, type FieldValues, type FieldWrite, type LwwRecord, isDeleted, mergeFieldsInto } from '../../../src-shared/lww';
import { HISTORY_KEEPER_ACTOR_JSON } from './activity-queries';
import type { Db } from './db';
import { eventIdHash } from './event-hash';
import { parseRecordRow, parseWrites, type RecordRow, stampsColumn } from './rows';
import type { StoreState } from './store-state';

export interface CompactionLimit {
  /** compact only rows that arrived (created_at) before this ISO instant */
  before: string;
  /** never compact a row at or after this seq (changes a sync server has not acknowledged); null: no floor */
  keepFrom: number | null;
}

export interface CompactionStep {
  /** log rows folded into bases and removed from the log */
  folded: number;
  /** unreadable rows met (left in the log, quarantined) */
  unreadable: number;
  /** records whose base changed */
  records: number;
  /** the compaction point after the step */
  through: number;
  /** nothing more can be compacted under this limit */
  done: boolean;
}

/** The few things of the Store a step needs. */
export interface CompactionHost {
  tx<T>(fn: () => T): T;
  settle(): void;
  projectedSeq(): number;
  quarantine(seq: number, reason: string): void;
}

/**
 * The longest value an audit entry keeps (longer text and larger objects become "…"): enough for
 * a status, an id, an instant; the timeline reads those and the names of the fields written (the
 * record itself still has its title).
 */
export const AUDIT_VALUE_CHARS = 24;

type StepRow = Pick<RecordRow, 'app_id' | 'table_name' | 'record_id'> & {
  seq: number;
  id: string;
  op: string;
  data: string;
  field_meta: string;
  created_at: string;
  actor: string | null;
  origin: string | null;
  set_aside: number;
};

interface Folded {
  app: string;
  table: string;
  id: string;
  writes: LwwRecord;
}

/** A value short enough for the compact audit trail: longer text and larger objects become "…". */
export function auditValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > AUDIT_VALUE_CHARS ? '…' : value;
  if (value === null || typeof value !== 'object') return value;
  return JSON.stringify(value).length > AUDIT_VALUE_CHARS ? '…' : value;
}

/**
 * The actor as the audit trail keeps it, once per distinct actor (audit_actors): who, and for an
 * agent its mission, without the run and the rationale (the proposal keeps that), so an agent
 * working on one mission is one row however many runs it made.
 */
function auditActor(text: string | null): string | null {
  if (!text) return null;
  try {
    const parsed = Actor.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    if (parsed.data.kind !== 'ai') return JSON.stringify(parsed.data);
    return JSON.stringify({ ...parsed.data, iterationId: '', rationale: '' });
  } catch {
    return null;
  }
}

export class LogCompaction {
  private readonly selectRows: Statement;
  private readonly deleteRow: Statement;
  private readonly selectBase: Statement;
  private readonly selectProjectedRow: Statement;
  private readonly upsertBase: Statement;
  private readonly deleteBase: Statement;
  private readonly insertAudit: Statement;
  private readonly actors: Dictionary;
  private readonly shapes: Dictionary;
  private readonly insertHash: Statement;
  private readonly countHashes: Statement;
  private readonly selectBases: Statement;
  private readonly insertRecord: Statement;
  private readonly dropTouchedStmt: Statement;

  constructor(
    db: Db,
    private readonly state: StoreState,
    private readonly host: CompactionHost,
  ) {
    this.selectRows = db.prepare(
      `SELECT c.seq, c.id, c.app_id, c.table_name, c.record_id, c.op, c.data, c.field_meta, c.created_at, c.actor, c.origin, q.seq IS NOT NULL AS set_aside
       FROM sync_changes c LEFT JOIN quarantine q ON q.seq = c.seq
       WHERE c.seq > ? AND c.seq <= ? ORDER BY c.seq LIMIT ?`,
    );
    this.deleteRow = db.prepare('DELETE FROM sync_changes WHERE seq = ?');
    this.selectBase = db.prepare('SELECT data, field_meta FROM record_base WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.upsertBase = db.prepare(
      `INSERT INTO record_base (app_id, table_name, record_id, data, field_meta, deleted) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id, table_name, record_id) DO UPDATE SET data = excluded.data, field_meta = excluded.field_meta, deleted = excluded.deleted`,
    );
    this.deleteBase = db.prepare('DELETE FROM record_base WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.selectProjectedRow = db.prepare('SELECT data, field_meta, last_seq FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.insertAudit = db.prepare(
      `INSERT OR IGNORE INTO audit_trail (seq, event_id, app_id, table_name, record_id, op, shape_id, vals, created_at, actor_id, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.actors = new Dictionary(db, 'audit_actors', 'actor');
    this.shapes = new Dictionary(db, 'audit_shapes', 'names');
    this.insertHash = db.prepare('INSERT OR IGNORE INTO compacted_events (hash) VALUES (?)');
    this.countHashes = db.prepare('SELECT EXISTS (SELECT 1 FROM compacted_events)').pluck();
    // Rebuild: records changed after the compaction point go back to their base (or away, when
    // they have none); the others are their own base and stay.
    this.dropTouchedStmt = db.prepare('DELETE FROM records WHERE last_seq > ?');
    this.selectBases = db.prepare('SELECT app_id, table_name, record_id, data, field_meta, deleted FROM record_base');
    this.insertRecord = db.prepare('INSERT INTO records (app_id, table_name, record_id, data, field_meta, deleted, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)');
  }

  /** Every readable log row up to this seq has been compacted. */
  compactedThrough(): number {
    return this.state.number('compacted_through_seq');
  }

  /** Whether any event id was ever compacted (pushes then check the hashes too). */
  hasCompactedEvents(): boolean {
    return this.countHashes.get() === 1;
  }

  /**
   * Folds up to `maxRows` log rows after the compaction point into their records' bases, in one
   * transaction. Call again until `done`.
   */
  step(limit: CompactionLimit, maxRows: number): CompactionStep {
    try {
      return this.stepTx(limit, maxRows);
    } catch (error) {
      // Actors and shapes interned by the rolled-back transaction are gone with it.
      this.actors.forget();
      this.shapes.forget();
      throw error;
    }
  }

  private stepTx(limit: CompactionLimit, maxRows: number): CompactionStep {
    return this.host.tx(() => {
      this.host.settle();
      const from = this.compactedThrough();
      const ceiling = Math.min(this.host.projectedSeq(), limit.keepFrom === null ? Number.MAX_SAFE_INTEGER : limit.keepFrom - 1);
      const rows = (ceiling > from ? this.selectRows.all(from, ceiling, maxRows) : []) as StepRow[];
      const folded = new Map<string, Folded>();
      let through = from;
      let count = 0;
      let unreadable = 0;
      let tooNew = false;
      for (const row of rows) {
        if (row.created_at >= limit.before) {
          tooNew = true;
          break;
        }
        through = row.seq;
        // set aside (quarantined: unreadable, or a change that cannot be projected): it stays in
        // the log as it is, never folded into a base
        if (row.set_aside) {
          unreadable++;
          continue;
        }
        const writes = parseWrites(row.data, row.field_meta, row.op);
        if (typeof writes === 'string') {
          this.host.quarantine(row.seq, writes);
          unreadable++;
          continue;
        }
        this.fold(folded, row, writes);
        if (row.actor !== HISTORY_KEEPER_ACTOR_JSON) this.audit(row, writes);
        this.insertHash.run(eventIdHash(row.id));
        this.deleteRow.run(row.seq);
        count++;
      }
      for (const f of folded.values()) this.writeBase(f, through);
      this.state.set('compacted_through_seq', through);
      return { folded: count, unreadable, records: folded.size, through, done: tooNew || rows.length < maxRows };
    });
  }

  /**
   * For `Store.rebuildProjection`, inside its transaction: `records` back to the bases (the
   * projection at the compaction point); the caller then folds the log after it.
   */
  resetToBases(): number {
    const through = this.compactedThrough();
    this.dropTouchedStmt.run(through);
    for (const row of this.selectBases.all() as Omit<RecordRow, 'last_seq'>[]) {
      const base = parseRecordRow(row);
      // An unreadable base is left out: the log after the compaction point rebuilds what it can.
      if (base) this.insertRecord.run(row.app_id, row.table_name, row.record_id, row.data, stampsColumn(base.meta, base.data), row.deleted, through);
    }
    return through;
  }

  private fold(folded: Map<string, Folded>, row: StepRow, writes: Record<string, FieldWrite>): void {
    const key = JSON.stringify([row.app_id, row.table_name, row.record_id]);
    let entry = folded.get(key);
    if (!entry) folded.set(key, (entry = { app: row.app_id, table: row.table_name, id: row.record_id, writes: { data: {}, meta: {} } }));
    mergeFieldsInto(entry.writes, writes);
  }

  /** Merges a record's folded changes into its base; drops the base row when `records` now is the base. */
  private writeBase(f: Folded, through: number): void {
    const projected = this.selectProjectedRow.get(f.app, f.table, f.id) as Pick<RecordRow, 'data' | 'field_meta' | 'last_seq'> | undefined;
    if (!projected || projected.last_seq <= through) {
      this.deleteBase.run(f.app, f.table, f.id);
      return;
    }
    const row = this.selectBase.get(f.app, f.table, f.id) as Pick<RecordRow, 'data' | 'field_meta'> | undefined;
    const base = (row && parseRecordRow(row)) ?? { data: {}, meta: {} };
    const writes: Record<string, FieldWrite> = {};
    for (const field in f.writes.meta) writes[field] = { value: f.writes.data[field], at: f.writes.meta[field]! };
    mergeFieldsInto(base, writes);
    this.putBase(f, base, parseRecordRow(projected)?.meta ?? {});
  }

  /**
   * For the repair of records frozen by stamps from the future (frozen-stamps.ts), which projects
   * a record again from its log rows: the part of its history that left the log, every stamp after
   * `horizonMs` brought back to `at` (its base row rewritten so) and the stamps it had; null when
   * none of its history left the log.
   */
  restampedBase(key: { app: string; table: string; id: string }, horizonMs: number, at: string): { base: LwwRecord; restamped: { field: string; was: string }[] } | null {
    const through = this.compactedThrough();
    if (through === 0) return null;
    const restamp = (base: LwwRecord) => {
      const restamped: { field: string; was: string }[] = [];
      for (const field in base.meta) {
        if (!(stampMillis(base.meta[field]!) > horizonMs)) continue;
        restamped.push({ field, was: base.meta[field]! });
        base.meta[field] = at;
      }
      return { base, restamped };
    };
    const row = this.selectBase.get(key.app, key.table, key.id) as Pick<RecordRow, 'data' | 'field_meta'> | undefined;
    if (row) {
      const base = parseRecordRow(row);
      if (!base) return null;
      const restamped = restamp(base);
      this.upsertBase.run(key.app, key.table, key.id, JSON.stringify(base.data), stampsColumn(base.meta, base.data), isDeleted(base) ? 1 : 0);
      return restamped;
    }
    const projected = this.selectProjectedRow.get(key.app, key.table, key.id) as Pick<RecordRow, 'data' | 'field_meta' | 'last_seq'> | undefined;
    if (!projected || projected.last_seq > through) return null;
    const record = parseRecordRow(projected);
    return record ? restamp(record) : null;
  }

  /**
   * Stores a record's base without the values a later change overwrote (the projection holds a
   * newer stamp for them): merging the later changes gives them back, so the base keeps only
   * the field, with null (its place among the fields, so a rebuild writes the same JSON). An old
   * run being archived keeps here its few small fields, not its steps. Stamps are packed.
   */
  putBase(key: { app: string; table: string; id: string }, base: LwwRecord, projectedMeta: FieldStamps): void {
    const kept: LwwRecord = { data: {}, meta: {} };
    for (const field in base.meta) {
      const overwritten = projectedMeta[field] !== undefined && projectedMeta[field] !== base.meta[field];
      kept.data[field] = overwritten ? null : base.data[field];
      kept.meta[field] = base.meta[field]!;
    }
    this.upsertBase.run(key.app, key.table, key.id, JSON.stringify(kept.data), stampsColumn(kept.meta, kept.data), isDeleted(base) ? 1 : 0);
  }

  /** The compact entry: the field names once per shape (audit_shapes), the short values in their order. */
  private audit(row: StepRow, writes: Record<string, FieldWrite>): void {
    const names = Object.keys(writes);
    const values = names.map((field) => auditValue(writes[field]!.value));
    const actor = auditActor(row.actor);
    this.insertAudit.run(
      row.seq,
      row.id,
      row.app_id,
      row.table_name,
      row.record_id,
      row.op,
      this.shapes.id(JSON.stringify(names)),
      JSON.stringify(values),
      row.created_at,
      actor === null ? null : this.actors.id(actor),
      row.origin,
    );
  }
}

/** A table of distinct texts (actors, lists of field names), each stored once and referred to by id. */
class Dictionary {
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly ids = new Map<string, number>();

  constructor(db: Db, table: 'audit_actors' | 'audit_shapes', column: 'actor' | 'names') {
    this.insert = db.prepare(`INSERT INTO ${table} (${column}) VALUES (?) ON CONFLICT (${column}) DO NOTHING`);
    this.select = db.prepare(`SELECT id FROM ${table} WHERE ${column} = ?`).pluck();
  }

  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      this.insert.run(text);
      id = this.select.get(text) as number;
      this.ids.set(text, id);
    }
    return id;
  }

  /** After a rollback: ids learnt since may not exist. */
  forget(): void {
    this.ids.clear();
  }
}
