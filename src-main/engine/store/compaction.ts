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
import { type FieldWrite, type LwwRecord, isDeleted, mergeFieldsInto } from '../../../src-shared/lww';
import { HISTORY_KEEPER_ACTOR_JSON } from './activity-queries';
import type { Db } from './db';
import { eventIdHash } from './event-hash';
import { parseRecordRow, parseWrites, type RecordRow } from './rows';
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

/** The longest value kept in an audit entry (longer text and larger objects are cut). */
export const AUDIT_VALUE_CHARS = 60;

type StepRow = Pick<RecordRow, 'app_id' | 'table_name' | 'record_id'> & {
  seq: number;
  id: string;
  op: string;
  data: string;
  field_meta: string;
  created_at: string;
  actor: string | null;
  origin: string | null;
};

interface Folded {
  app: string;
  table: string;
  id: string;
  writes: LwwRecord;
}

/** A value short enough for the compact audit trail: long text cut, large objects replaced by "…". */
export function auditValue(value: unknown): unknown {
  if (typeof value === 'string') return value.length > AUDIT_VALUE_CHARS ? `${value.slice(0, AUDIT_VALUE_CHARS - 1)}…` : value;
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
  private readonly upsertBase: Statement;
  private readonly deleteBase: Statement;
  private readonly selectLastSeq: Statement;
  private readonly insertAudit: Statement;
  private readonly insertActor: Statement;
  private readonly selectActor: Statement;
  private readonly insertHash: Statement;
  private readonly countHashes: Statement;
  private readonly restoreBasesStmt: Statement;
  private readonly dropTouchedStmt: Statement;
  private readonly actorIds = new Map<string, number>();

  constructor(
    db: Db,
    private readonly state: StoreState,
    private readonly host: CompactionHost,
  ) {
    this.selectRows = db.prepare(
      `SELECT seq, id, app_id, table_name, record_id, op, data, field_meta, created_at, actor, origin FROM sync_changes
       WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
    );
    this.deleteRow = db.prepare('DELETE FROM sync_changes WHERE seq = ?');
    this.selectBase = db.prepare('SELECT data, field_meta FROM record_base WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.upsertBase = db.prepare(
      `INSERT INTO record_base (app_id, table_name, record_id, data, field_meta, deleted) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (app_id, table_name, record_id) DO UPDATE SET data = excluded.data, field_meta = excluded.field_meta, deleted = excluded.deleted`,
    );
    this.deleteBase = db.prepare('DELETE FROM record_base WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.selectLastSeq = db.prepare('SELECT last_seq FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?').pluck();
    this.insertAudit = db.prepare(
      `INSERT OR IGNORE INTO audit_trail (seq, event_id, app_id, table_name, record_id, op, fields, created_at, actor_id, origin)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertActor = db.prepare('INSERT INTO audit_actors (actor) VALUES (?) ON CONFLICT (actor) DO NOTHING');
    this.selectActor = db.prepare('SELECT id FROM audit_actors WHERE actor = ?').pluck();
    this.insertHash = db.prepare('INSERT OR IGNORE INTO compacted_events (hash) VALUES (?)');
    this.countHashes = db.prepare('SELECT EXISTS (SELECT 1 FROM compacted_events)').pluck();
    // Rebuild: records changed after the compaction point go back to their base (or away, when
    // they have none); the others are their own base and stay.
    this.dropTouchedStmt = db.prepare('DELETE FROM records WHERE last_seq > ?');
    this.restoreBasesStmt = db.prepare(
      `INSERT INTO records (app_id, table_name, record_id, data, field_meta, deleted, last_seq)
       SELECT app_id, table_name, record_id, data, field_meta, deleted, ? FROM record_base`,
    );
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
      // Actors interned by the rolled-back transaction are gone with it.
      this.actorIds.clear();
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
    this.restoreBasesStmt.run(through);
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
    const lastSeq = this.selectLastSeq.get(f.app, f.table, f.id) as number | undefined;
    if (lastSeq === undefined || lastSeq <= through) {
      this.deleteBase.run(f.app, f.table, f.id);
      return;
    }
    const row = this.selectBase.get(f.app, f.table, f.id) as Pick<RecordRow, 'data' | 'field_meta'> | undefined;
    const base = (row && parseRecordRow(row)) ?? { data: {}, meta: {} };
    const writes: Record<string, FieldWrite> = {};
    for (const field in f.writes.meta) writes[field] = { value: f.writes.data[field], at: f.writes.meta[field]! };
    mergeFieldsInto(base, writes);
    this.upsertBase.run(f.app, f.table, f.id, JSON.stringify(base.data), JSON.stringify(base.meta), isDeleted(base) ? 1 : 0);
  }

  private audit(row: StepRow, writes: Record<string, FieldWrite>): void {
    const fields: Record<string, unknown> = {};
    for (const field in writes) fields[field] = auditValue(writes[field]!.value);
    this.insertAudit.run(row.seq, row.id, row.app_id, row.table_name, row.record_id, row.op, JSON.stringify(fields), row.created_at, this.actorId(row.actor), row.origin);
  }

  private actorId(text: string | null): number | null {
    const actor = auditActor(text);
    if (actor === null) return null;
    let id = this.actorIds.get(actor);
    if (id === undefined) {
      this.insertActor.run(actor);
      id = this.selectActor.get(actor) as number;
      this.actorIds.set(actor, id);
    }
    return id;
  }
}
