/**
 * The change log and its projection. `sync_changes` is append-only and the truth; `records` is the
 * field-level LWW projection (src-shared/lww.ts). Appends fold into a pending buffer
 * (pending.ts) that is written to `records` before anything reads them (`settle`), so readers
 * never see the projection behind the log and never replay history. Pull pages by the local
 * `seq`, never by a timestamp. What rows mean: rows.ts; snapshot paging: snapshot.ts; the side
 * tables and indexed reads: the repositories the Store makes (fields of the class).
 */
import { randomUUID } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { type Actor, originOf, type Origin } from '../../../src-shared/domain/actor';
import { type ChangeIn, type ChangeOut, type Op, type RecordOut, type SnapshotRecordOut, changeToWrites } from '../../../src-shared/domain/change';
import { compareStamps, stampMillis, type HybridClock } from '../../../src-shared/hlc';
import { type FieldStamps, type FieldValues, type FieldWrite, isDeleted, mergeFieldsInto } from '../../../src-shared/lww';
import { ActivityQueries } from './activity-queries';
import { type CompactionLimit, type CompactionStep, LogCompaction } from './compaction';
import { type Db, integrityProblem, writeTx } from './db';
import { type DatabaseFacts, DatabaseFactsQuery } from './database-facts';
import { DebugCaptures } from './debug-captures';
import { eventIdHash } from './event-hash';
import { HistoryQueries } from './history-queries';
import { FrozenStamps, type RestampedField, STAMP_BOUND_KEY, frozenKey, stampHorizon } from './frozen-stamps';
import { IterationQueries } from './iteration-queries';
import { MissionsDue } from './missions-due';
import { type Appended, PendingProjection } from './pending';
import { errorMessage, isRowFault } from './projection-faults';
import type { RecordsQuery } from './records-query';
import { type ChangeRow, type LogRow, type RecordRow, parseRecordRow, parseWrites, rowToChange, stampsColumn, toRecordOut } from './rows';
import { SettingsTable } from './settings-table';
import { type SnapshotKey, SnapshotPages } from './snapshot';
import { StoreState } from './store-state';
import { SyncState } from './sync-state';
import { TickLog } from './ticks';
import { TokenUsage } from './token-usage';

export type { RecordsQuery } from './records-query';
export type { CompactionLimit, CompactionStep } from './compaction';
export { type RecordRow, parseWrites } from './rows';
export { type SnapshotKey, decodeSnapshotKey, encodeSnapshotKey } from './snapshot';

export const LOCAL_USER_ID = 'local';
export const ENGINE_CLIENT_ID = 'engine';

/**
 * Records that may wait in memory before they are written even though nothing read them (about
 * 0.7 KB each for a typical task; bench/: 100k pending records held ~70 MB).
 */
export const PENDING_RECORDS_LIMIT = 150_000;
/** Log rows read per query while catching up. */
const CATCH_UP_PAGE = 5_000;
/** The condition on a `sync_changes` row that it has not been set aside. */
const NOT_QUARANTINED = 'NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.seq = sync_changes.seq)';

/** A page of the log (`sync.pull`); `cursorTooOld` when changes after `since` were compacted away. */
export interface PullPage {
  changes: ChangeOut[];
  seq: number;
  hasMore: boolean;
  quarantined: number;
  /** the changes after `since` are partly compacted: re-hydrate from `snapshot`, then pull from its seq */
  cursorTooOld?: true;
  /** with cursorTooOld: the compaction point (a cursor at or after it can pull) */
  compactedThrough?: number;
}

/** What a full check of the database found (`serve --check-db`). */
export interface DatabaseCheck {
  /** null when every page passed `PRAGMA integrity_check`, else what failed (plain words) */
  problem: string | null;
  /** log rows whose JSON cannot be read, in all (quarantined and reported) */
  quarantined: number;
}

/** A change the engine itself writes (runner, executor, revert): values get one fresh stamp. */
export interface LocalChange {
  app: string;
  table: string;
  id: string;
  op: Op;
  fields: FieldValues;
  /**
   * deterministic ids make re-execution a no-op (on this device: the Store adds the device's node
   * id, see `appendLocal`)
   */
  eventId?: string;
  /** the stamp of every field written (default: a fresh one); a plan of a due time is stamped at it (runner/plan-ids.ts) */
  at?: string;
}

/** A change pulled from a sync server, ready to append: its field writes and who made it. */
export interface RemoteChange {
  eventId: string;
  app: string;
  table: string;
  id: string;
  op: Op;
  writes: Record<string, FieldWrite>;
  actor: Actor | null;
  origin: string | null;
  spaceId: string | null;
  /** the device that pushed it to the server */
  clientId: string;
}

/** A row rewritten to less than half its size, from over 2 KB (an archived run): see writePending. */
function shrinksMuch(before: Pick<RecordRow, 'data' | 'field_meta'>, after: readonly [string, string, ...unknown[]]): boolean {
  const old = before.data.length + before.field_meta.length;
  return old > 2048 && (after[0].length + after[1].length) * 2 < old;
}

export interface StoreOptions {
  /** records that may wait in memory before they are written (default PENDING_RECORDS_LIMIT) */
  pendingLimit?: number;
  /** the wall clock for arrival and quarantine times (default: the system's) */
  now?: () => Date;
  /** where the Store reports what it recovered from (a projection write that failed); default: nowhere */
  log?: StoreLog;
}

export type StoreLog = (message: string, error: unknown, fields?: Record<string, unknown>) => void;

/**
 * The one owner of the database's SQL. The log and its projection are its own; the side tables
 * and the indexed reads of `records` are small repositories beside it (one file each), made here
 * so that nothing else ever holds the connection.
 */
export class Store {
  /** the runner's tick history */
  readonly ticks: TickLog;
  /** tokens per agent and local day */
  readonly tokenUsage: TokenUsage;
  /** what each run sent to and got from the LLM (local only) */
  readonly debugCaptures: DebugCaptures;
  /** the audit timeline's read of the log */
  readonly activity: ActivityQueries;
  /** active missions by next run (settled reads of `records`) */
  readonly missionsDue: MissionsDue;
  /** pending proposals and recent iterations (settled reads of `records`) */
  readonly iterations: IterationQueries;
  /** small values the store keeps about itself */
  readonly state: StoreState;
  /** what the history keeper archives and prunes */
  readonly history: HistoryQueries;
  /** the sync client's cursors, watermark and parked changes */
  readonly syncState: SyncState;

  private readonly insertChange: Statement;
  /** the same insert, unless the event id's hash is among the compacted events' */
  private readonly insertChangeUnlessCompacted: Statement;
  private readonly compaction: LogCompaction;
  private factsQuery: DatabaseFactsQuery | undefined;
  /** cached `compacted_through_seq` */
  private compactedSeq: number;
  /** whether pushes must look for their event ids among the compacted ones */
  private checkCompactedIds: boolean;
  private readonly selectRecord: Statement;
  private readonly selectMergeState: Statement;
  private readonly insertRecord: Statement;
  private readonly updateRecord: Statement;
  private readonly deleteRecord: Statement;
  private readonly selectChanges: Statement;
  private readonly selectMaxSeq: Statement;
  private readonly selectList: Statement;
  private readonly selectListWithDeleted: Statement;
  private readonly insertQuarantine: Statement;
  private readonly snapshots: SnapshotPages;
  private readonly selectLogAfter: Statement;
  private readonly selectProjectedSeq: Statement;
  private readonly updateProjectedSeq: Statement;
  private readonly selectLiveData: Statement;
  private readonly countRecords: Statement;
  private readonly countQuarantined: Statement;
  private readonly selectCollections: Statement;
  private readonly quarantineUnreadable: Statement;
  private readonly pending = new PendingProjection();
  private readonly frozen: FrozenStamps;
  private readonly localValues: SettingsTable;
  /**
   * No field in `records` has a later stamp than this (an upper bound, kept in the settings
   * table with each projection write): when it is within the horizon, no record can be frozen by
   * a stamp from the future and opening needs no scan. Not known for a database from before the
   * bound was kept, until repairFrozenStamps has scanned it once.
   */
  private stampBound: string | null;
  private stampBoundKnown: boolean;
  private stampBoundChanged = false;
  /**
   * True when the log holds changes that are neither in `records` nor pending: after the process
   * ended with records pending, or after a transaction that had folded changes rolled back. Then
   * the next read catches up from the log instead of from the buffer.
   */
  private catchUpNeeded: boolean;

  private readonly pendingLimit: number;
  private readonly now: () => Date;
  private readonly log: StoreLog;

  constructor(
    private readonly db: Db,
    readonly clock: HybridClock,
    options: StoreOptions = {},
  ) {
    this.pendingLimit = options.pendingLimit ?? PENDING_RECORDS_LIMIT;
    this.now = options.now ?? (() => new Date());
    this.log = options.log ?? (() => undefined);
    this.insertChange = db.prepare(
      `INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, space_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin, from_server)
       VALUES (?, ?, ?, ?, '${LOCAL_USER_ID}', ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    );
    this.selectRecord = db.prepare('SELECT * FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.insertChangeUnlessCompacted = db.prepare(
      `INSERT INTO sync_changes (id, app_id, table_name, record_id, user_id, space_id, op, data, field_meta, client_id, created_at, schema_version, actor, origin, from_server)
       SELECT ?, ?, ?, ?, '${LOCAL_USER_ID}', ?, ?, ?, ?, ?, ?, 1, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM compacted_events WHERE hash = ?)
       ON CONFLICT(id) DO NOTHING`,
    );
    this.selectMergeState = db.prepare('SELECT data, field_meta, last_seq FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');

    this.insertRecord = db.prepare(
      'INSERT INTO records (app_id, table_name, record_id, data, field_meta, deleted, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.deleteRecord = db.prepare('DELETE FROM records WHERE app_id = ? AND table_name = ? AND record_id = ?');
    this.updateRecord = db.prepare(
      'UPDATE records SET data = ?, field_meta = ?, deleted = ?, last_seq = ? WHERE app_id = ? AND table_name = ? AND record_id = ?',
    );
    // Quarantined rows stay in the log but are set aside: neither pulled (only counted) nor projected.
    this.selectChanges = db.prepare(
      'SELECT c.*, q.reason AS set_aside FROM sync_changes c LEFT JOIN quarantine q ON q.seq = c.seq WHERE c.seq > ? ORDER BY c.seq LIMIT ?',
    );
    // The last row's seq, or the compaction point when compaction took every row (AUTOINCREMENT
    // never gives a seq twice, so a compacted seq is never reused).
    this.selectMaxSeq = db.prepare(
      "SELECT MAX(COALESCE((SELECT MAX(seq) FROM sync_changes), 0), COALESCE((SELECT value FROM store_state WHERE key = 'compacted_through_seq'), 0)) AS seq",
    );
    this.selectList = db.prepare('SELECT * FROM records WHERE app_id = ? AND table_name = ? AND deleted = 0 LIMIT ?');
    this.selectListWithDeleted = db.prepare('SELECT * FROM records WHERE app_id = ? AND table_name = ? LIMIT ?');
    this.insertQuarantine = db.prepare('INSERT OR IGNORE INTO quarantine (seq, reason, quarantined_at) VALUES (?, ?, ?)');
    this.selectLogAfter = db.prepare(
      `SELECT seq, app_id, table_name, record_id, op, data, field_meta FROM sync_changes WHERE seq > ? AND ${NOT_QUARANTINED} ORDER BY seq LIMIT ?`,
    );
    this.selectProjectedSeq = db.prepare('SELECT seq FROM projection_state WHERE id = 1').pluck();
    this.updateProjectedSeq = db.prepare('UPDATE projection_state SET seq = ? WHERE id = 1');
    this.selectLiveData = db.prepare('SELECT record_id, data FROM records WHERE app_id = ? AND table_name = ? AND deleted = 0');
    this.countRecords = db.prepare('SELECT COUNT(*) FROM records').pluck();
    this.countQuarantined = db.prepare('SELECT COUNT(*) FROM quarantine').pluck();
    this.selectCollections = db.prepare('SELECT DISTINCT app_id AS app, table_name AS "table" FROM records');
    this.quarantineUnreadable = db.prepare(
      `INSERT OR IGNORE INTO quarantine (seq, reason, quarantined_at)
       SELECT seq, 'unreadable row: data, field_meta or op is not valid', ? FROM sync_changes
       WHERE seq > ? AND (NOT json_valid(data) OR NOT json_valid(field_meta) OR op NOT IN ('insert', 'update', 'delete'))`,
    );
    this.catchUpNeeded = this.projectedSeq() < this.maxSeq();
    this.state = new StoreState(db);
    this.compaction = new LogCompaction(db, this.state, {
      tx: (fn) => this.tx(fn),
      settle: () => this.settle(),
      projectedSeq: () => this.projectedSeq(),
      quarantine: (seq, reason) => this.quarantine(seq, reason),
    });
    this.compactedSeq = this.compaction.compactedThrough();
    this.checkCompactedIds = this.compaction.hasCompactedEvents();
    this.frozen = new FrozenStamps(db);
    this.localValues = new SettingsTable(db);
    this.stampBound = this.localValues.get(STAMP_BOUND_KEY);
    this.stampBoundKnown = this.stampBound !== null;

    this.snapshots = new SnapshotPages(db, () => this.settle(), () => this.maxSeq());
    this.ticks = new TickLog(db);
    this.tokenUsage = new TokenUsage(db);
    this.debugCaptures = new DebugCaptures(db);
    this.activity = new ActivityQueries(db);
    const prepareSettled = (sql: string) => this.recordsQuery(sql);
    this.missionsDue = new MissionsDue(prepareSettled);
    this.iterations = new IterationQueries(prepareSettled);
    this.history = new HistoryQueries(db, prepareSettled);
    this.syncState = new SyncState(db);
  }

  /** A write transaction (joining the caller's). When it rolls back, what it folded is dropped with it. */
  tx<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    try {
      return writeTx(this.db, fn);
    } catch (error) {
      // The buffer may hold changes of the rolled-back appends; the log knows what committed.
      this.pending.clear();
      this.catchUpNeeded = true;
      // So may the cached compaction point, of a rolled-back compaction step.
      this.compactedSeq = this.compaction.compactedThrough();
      throw error;
    }
  }

  /** Appends a validated batch atomically; events already in the log are counted as duplicates. */
  push(clientId: string, changes: ChangeIn[]): { accepted: number; duplicates: number; seq: number } {
    let accepted = 0;
    const arrivedAt = this.now().toISOString();
    this.tx(() => {
      const appended: Appended[] = [];
      for (const change of changes) {
        // Values that came without a stamp get this change's arrival stamp (one per change, so
        // later changes of a batch win over earlier ones).
        const writes = changeToWrites(change, () => this.clock.now());
        for (const field in writes) this.clock.observe(writes[field]!.at);
        const actor = change.actor ?? null;
        const seq = this.append(
          { eventId: change.eventId, app: change.app, table: change.table, id: change.id, op: change.op, writes },
          { clientId, spaceId: change.spaceId ?? null, actor, origin: change.origin ?? originOf(actor ?? undefined), arrivedAt },
        );
        if (seq !== null) appended.push({ app: change.app, table: change.table, id: change.id, writes, seq });
      }
      accepted = appended.length;
      this.enqueue(appended);
    });
    return { accepted, duplicates: changes.length - accepted, seq: this.maxSeq() };
  }

  /**
   * Appends changes pulled from a sync server, marked as such (never pushed back), through the same
   * append and LWW projection as local ones; events already in the log are skipped. Atomic.
   */
  applyRemote(changes: readonly RemoteChange[]): { accepted: number } {
    let accepted = 0;
    const arrivedAt = this.now().toISOString();
    this.tx(() => {
      const appended: Appended[] = [];
      for (const c of changes) {
        for (const field in c.writes) this.clock.observe(c.writes[field]!.at);
        const seq = this.append(c, { clientId: c.clientId, spaceId: c.spaceId, actor: c.actor, origin: c.origin, arrivedAt, fromServer: true });
        if (seq !== null) appended.push({ app: c.app, table: c.table, id: c.id, writes: c.writes, seq });
      }
      accepted = appended.length;
      this.enqueue(appended);
    });
    return { accepted };
  }

  /**
   * Appends engine-made changes (inside the caller's transaction when there is one). Returns event
   * ids. A given event id is made unique to this device (its clock's node id is appended): two
   * devices that make "the same" change (one proposal executed on both during a partition) write
   * two events that merge by LWW. With one id, the server and every device would keep whichever
   * arrived first, and the two devices would never agree.
   */
  appendLocal(changes: LocalChange[], actor: Actor): string[] {
    const by = { clientId: ENGINE_CLIENT_ID, spaceId: null, actor, origin: originOf(actor), arrivedAt: this.now().toISOString() };
    return this.tx(() => {
      const appended: Appended[] = [];
      const eventIds = changes.map((c) => {
        const at = c.at ?? this.clock.now();
        const writes: Record<string, FieldWrite> = {};
        for (const [field, value] of Object.entries(c.fields)) if (field !== 'id') writes[field] = { value, at };
        if (c.op === 'insert' && !('deletedAt' in writes)) writes.deletedAt = { value: null, at };
        if (c.op === 'delete') writes.deletedAt = { value: c.fields.deletedAt ?? at.slice(0, 24), at };
        const eventId = c.eventId ? `${c.eventId}@${this.clock.nodeId}` : randomUUID();
        const seq = this.append({ eventId, app: c.app, table: c.table, id: c.id, op: c.op, writes }, by);
        if (seq !== null) appended.push({ app: c.app, table: c.table, id: c.id, writes, seq });
        return eventId;
      });
      this.enqueue(appended);
      return eventIds;
    });
  }

  /** Inserts one change into the log; its seq, or null when the event id is already there. */
  private append(
    c: { eventId: string; app: string; table: string; id: string; op: Op; writes: Record<string, FieldWrite> },
    by: { clientId: string; spaceId: string | null; actor: Actor | null; origin: Origin | string | null; arrivedAt: string; fromServer?: boolean },
  ): number | null {
    const data: FieldValues = {};
    const meta: FieldStamps = {};
    for (const field in c.writes) {
      const w = c.writes[field]!;
      data[field] = w.value === undefined ? null : w.value;
      meta[field] = w.at;
    }
    const values = [
      c.eventId,
      c.app,
      c.table,
      c.id,
      by.spaceId,
      c.op,
      JSON.stringify(data),
      stampsColumn(meta, data),
      by.clientId,
      by.arrivedAt,
      by.actor ? JSON.stringify(by.actor) : null,
      by.origin,
      by.fromServer ? 1 : 0,
    ];
    // Once events were compacted, their rows are gone but their ids' hashes remain: a re-pushed
    // old event is still a duplicate (compaction.ts).
    const info = this.checkCompactedIds ? this.insertChangeUnlessCompacted.run(...values, eventIdHash(c.eventId)) : this.insertChange.run(...values);
    return info.changes === 0 ? null : Number(info.lastInsertRowid);
  }

  /** Appended changes join the pending buffer; a full buffer is written at once (in this transaction). */
  private enqueue(appended: Appended[]): void {
    if (this.catchUpNeeded) return; // they are in the log, where the catch-up reads them
    this.pending.fold(appended);
    if (this.pending.size > this.pendingLimit) this.writePending(this.maxSeq());
  }

  /**
   * Brings `records` up to the log: writes the pending records, or catches up from the log when
   * the buffer cannot be trusted. Every read of `records` calls this first; it costs nothing when
   * nothing is pending.
   */
  settle(): void {
    if (!this.catchUpNeeded && this.pending.size === 0) return;
    // Inside the caller's transaction a failure rolls the caller back with it (Store.tx then
    // catches up at the next read), so only a read of its own recovers here.
    if (this.db.inTransaction) return this.bringUpToDate();
    try {
      this.bringUpToDate();
    } catch (error) {
      // Rolled back: `records` is as it was, and what was pending is still in the log.
      this.log('Writing the projection failed; catching up from the change log one change at a time', error);
      this.catchUpRowByRow(this.projectedSeq());
    }
  }

  private bringUpToDate(): void {
    if (this.catchUpNeeded) this.catchUp(this.projectedSeq());
    else if (this.pending.size > 0) this.tx(() => this.writePending(this.maxSeq()));
  }

  /**
   * Merges each pending record into its row, in key order, and notes `throughSeq` as reflected.
   * A burst of changes to one record costs one row write; the rows are visited front to back.
   */
  private writePending(throughSeq: number): void {
    try {
      for (const p of this.pending.drain()) {
        const writes: Record<string, FieldWrite> = {};
        for (const field in p.writes.meta) writes[field] = { value: p.writes.data[field], at: p.writes.meta[field]! };
        this.project(p.app, p.table, p.id, writes, p.seq);
      }
      this.updateProjectedSeq.run(throughSeq);
      this.saveStampBound();
    } catch (error) {
      // The buffer is drained: whatever rolls back, only the log can say what is missing now.
      this.catchUpNeeded = true;
      throw error;
    }
  }

  /** Merges field writes into a record's row (creating it), noting `seq` as its last change. */
  private project(app: string, table: string, id: string, writes: Record<string, FieldWrite>, seq: number): void {
    const row = this.selectMergeState.get(app, table, id) as Pick<RecordRow, 'data' | 'field_meta' | 'last_seq'> | undefined;
    const record = (row && parseRecordRow(row)) ?? { data: {}, meta: {} };
    // A row not changed since the compaction point is its record's compacted history: kept as
    // its base before it changes, so a rebuild can start from it (compaction.ts).
    const base = row && row.last_seq <= this.compactedSeq ? { data: { ...record.data }, meta: { ...record.meta } } : null;
    mergeFieldsInto(record, writes);
    this.noteStamps(writes);
    if (base) this.compaction.putBase({ app, table, id }, base, record.meta);
    const values = [JSON.stringify(record.data), stampsColumn(record.meta, record.data), isDeleted(record) ? 1 : 0, seq] as const;
    if (!row) this.insertRecord.run(app, table, id, ...values);
    else if (shrinksMuch(row, values)) {
      // Moved to the table's end rather than shrunk in place: an archived run leaves most of
      // its page empty, and rows archived together free whole pages for reuse this way.
      this.deleteRecord.run(app, table, id);
      this.insertRecord.run(app, table, id, ...values);
    } else this.updateRecord.run(...values, app, table, id);
  }

  /**
   * The catch-up after writing the projection failed: each log row after `fromSeq` merged on its
   * own, in a savepoint, so a row that cannot be projected (see projection-faults.ts) is set aside
   * and logged while every other row is projected. A failure of the database itself is thrown:
   * nothing is set aside, and the next read tries again.
   */
  private catchUpRowByRow(fromSeq: number): { changes: number; quarantined: number } {
    let changes = 0;
    let quarantined = 0;
    this.tx(() => {
      this.pending.clear();
      let since = fromSeq;
      for (const page of this.readableLogAfter(fromSeq)) {
        quarantined += page.unreadable;
        for (const row of page.rows) {
          try {
            // nested: a savepoint, undone alone when this row fails
            this.db.transaction(() => this.project(row.app, row.table, row.id, row.writes, row.seq))();
            changes++;
          } catch (error) {
            if (!isRowFault(error)) throw error;
            this.quarantine(row.seq, `cannot be projected: ${errorMessage(error).slice(0, 300)}`);
            quarantined++;
            this.log('Set aside a change that cannot be projected (it stays in the log)', error, { seq: row.seq, app: row.app, table: row.table });
          }
        }
        since = page.lastSeq;
      }
      this.updateProjectedSeq.run(Math.max(since, this.maxSeq()));
      this.saveStampBound();
      this.catchUpNeeded = false;
    });
    return { changes, quarantined };
  }

  /**
   * The log after `fromSeq`, a page at a time, each row with its writes parsed. A row that does not
   * parse is quarantined here and left out of its page (counted in `unreadable`).
   */
  private *readableLogAfter(fromSeq: number): Generator<{ rows: Appended[]; unreadable: number; lastSeq: number }> {
    let since = fromSeq;
    for (;;) {
      const rows = this.selectLogAfter.all(since, CATCH_UP_PAGE) as LogRow[];
      if (rows.length === 0) return;
      const readable: Appended[] = [];
      for (const row of rows) {
        const writes = parseWrites(row.data, row.field_meta, row.op);
        if (typeof writes === 'string') this.quarantine(row.seq, writes);
        else readable.push({ app: row.app_id, table: row.table_name, id: row.record_id, writes, seq: row.seq });
      }
      since = rows.at(-1)!.seq;
      yield { rows: readable, unreadable: rows.length - readable.length, lastSeq: since };
    }
  }

  /** Raises the bound of projected stamps to cover `writes` (written with the projection's transaction). */
  private noteStamps(writes: Record<string, FieldWrite>): void {
    for (const field in writes) {
      const at = writes[field]!.at;
      if (this.stampBound !== null && compareStamps(at, this.stampBound) <= 0) continue;
      this.stampBound = at;
      this.stampBoundChanged = true;
    }
  }

  private saveStampBound(): void {
    if (!this.stampBoundKnown || !this.stampBoundChanged || this.stampBound === null) return;
    this.localValues.put(STAMP_BOUND_KEY, this.stampBound);
    this.stampBoundChanged = false;
  }

  /**
   * Repairs records frozen by stamps from the future (see frozen-stamps.ts): free when the bound
   * of projected stamps is within the horizon; otherwise finds the frozen records, brings their
   * changes' future stamps back to when the changes arrived, and projects them again. Returns the
   * stamps changed (none: nothing was frozen) and how many records were projected again.
   */
  repairFrozenStamps(): { restamped: RestampedField[]; records: number } {
    this.settle();
    const nowMs = this.now().getTime();
    const horizonMs = stampHorizon(nowMs);
    if (this.stampBoundKnown && this.stampBound !== null && stampMillis(this.stampBound) <= horizonMs) return { restamped: [], records: 0 };
    return this.tx(() => {
      const records = this.frozen.frozenRecords(horizonMs);
      // what of their history left the log (compaction.ts), restamped the same way, is where their
      // projection starts again: restampRecords empties their rows
      const at = new Date(nowMs).toISOString();
      const bases = new Map(records.map((r) => [frozenKey(r), this.compaction.restampedBase(r, horizonMs, at)]));
      const { restamped, rows } = this.frozen.restampRecords(records, horizonMs, nowMs);
      for (const record of records) {
        const kept = bases.get(frozenKey(record));
        if (kept) {
          const { base } = kept;
          this.insertRecord.run(record.app, record.table, record.id, JSON.stringify(base.data), stampsColumn(base.meta, base.data), isDeleted(base) ? 1 : 0, this.compactedSeq);
          // seq 0: a stamp of the record's compacted history (no log row holds it any more)
          for (const r of kept.restamped) restamped.push({ seq: 0, field: r.field, was: r.was, now: at });
        }
        for (const row of rows.get(frozenKey(record))!) {
          if (row.setAside) continue;
          const writes = parseWrites(row.data, row.fieldMeta, row.op);
          if (typeof writes !== 'string') this.project(record.app, record.table, record.id, writes, row.seq);
        }
      }
      // every stamp left is within the horizon (the others were just brought back)
      this.stampBound = new Date(horizonMs).toISOString();
      this.stampBoundKnown = true;
      this.stampBoundChanged = true;
      this.saveStampBound();
      return { restamped, records: records.length };
    });
  }

  /**
   * Folds the log after `fromSeq` into `records`, in seq order, through the same buffer (written
   * whenever it is full). Rows that fail to parse are quarantined and skipped.
   */
  private catchUp(fromSeq: number): { changes: number; quarantined: number } {
    let changes = 0;
    let quarantined = 0;
    this.tx(() => {
      this.pending.clear();
      let since = fromSeq;
      for (const page of this.readableLogAfter(fromSeq)) {
        this.pending.fold(page.rows);
        changes += page.rows.length;
        quarantined += page.unreadable;
        since = page.lastSeq;
        if (this.pending.size >= this.pendingLimit) this.writePending(since);
      }
      // rows set aside at the end of the log are behind the projection too
      this.writePending(Math.max(since, this.maxSeq()));
      this.catchUpNeeded = false;
    });
    return { changes, quarantined };
  }

  /** Records whose changes are in the log but not yet written to `records`. */
  get pendingRecords(): number {
    return this.pending.size;
  }

  /** The log seq the `records` table reflects (pending records aside). */
  projectedSeq(): number {
    return this.selectProjectedSeq.get() as number;
  }

  /**
   * A prepared read of `records` by the repositories' SQL that settles the projection before each
   * run, like every read through the Store.
   */
  private recordsQuery(sql: string): RecordsQuery {
    const stmt = this.db.prepare(sql);
    return {
      get: (...params) => {
        this.settle();
        return stmt.get(...params);
      },
      all: (...params) => {
        this.settle();
        return stmt.all(...params);
      },
    };
  }

  maxSeq(): number {
    return (this.selectMaxSeq.get() as { seq: number }).seq;
  }

  /**
   * A page of the log after `since`. Rows that fail to parse are quarantined and skipped, never
   * fatal. A cursor below the compaction point gets `cursorTooOld` and no changes: what followed
   * it is partly folded into snapshots, so the replica re-hydrates instead of replaying.
   */
  pull(since: number, limit: number): PullPage {
    if (since < this.compactedSeq) return { changes: [], seq: since, hasMore: false, quarantined: 0, cursorTooOld: true, compactedThrough: this.compactedSeq };
    const rows = this.selectChanges.all(since, limit + 1) as (ChangeRow & { set_aside: string | null })[];
    const hasMore = rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    const changes: ChangeOut[] = [];
    let quarantined = 0;
    for (const row of page) {
      if (row.set_aside !== null) {
        quarantined++;
        continue;
      }
      const change = rowToChange(row);
      if ('unreadable' in change) {
        this.quarantine(row.seq, change.unreadable);
        quarantined++;
      } else changes.push(change);
    }
    const last = page.at(-1);
    return { changes, seq: last ? last.seq : Math.max(since, 0), hasMore, quarantined };
  }

  /** A page of the projection for a new replica (see SnapshotPages.page). */
  snapshot(afterKey: SnapshotKey | null, limit: number): { records: SnapshotRecordOut[]; seq: number; nextKey: SnapshotKey | null } {
    return this.snapshots.page(afterKey, limit);
  }

  /** The same page as JSON text spliced from the stored JSON, or null when a row is damaged (see SnapshotPages.pageJson). */
  snapshotRecordsJson(afterKey: SnapshotKey | null, limit: number): { recordsJson: string; seq: number; nextKey: SnapshotKey | null } | null {
    return this.snapshots.pageJson(afterKey, limit);
  }

  /**
   * Recomputes `records` from the log (after a crash of the projection, or to check it): from the
   * records' compacted history (compaction.ts; empty before any compaction), the catch-up of the
   * log after the compaction point. Rows that fail to parse are quarantined and skipped.
   */
  rebuildProjection(): { changes: number; records: number; quarantined: number } {
    let stats: { changes: number; quarantined: number };
    try {
      stats = this.tx(() => {
        this.pending.clear();
        return this.catchUp(this.compaction.resetToBases());
      });
    } catch (error) {
      this.log('Rebuilding the projection failed; rebuilding it one change at a time', error);
      stats = this.tx(() => this.catchUpRowByRow(this.compaction.resetToBases()));
    }
    return { ...stats, records: this.countRecords.get() as number };
  }

  /** Sets a log row aside (it stays in the log, untouched) so it is reported instead of read. */
  quarantine(seq: number, reason: string): null {
    this.insertQuarantine.run(seq, reason, this.now().toISOString());
    return null;
  }

  /**
   * Sets aside log rows whose JSON no longer parses (a hand-edited file, a disk fault), found with
   * one SQL scan at open so the UI can report them at once. The scan starts where the last one
   * stopped (`quarantine_checked_seq`), so an open reads only the rows appended since; `full`
   * scans the whole log (`serve --check-db`). Rows already scanned are still checked whenever
   * they are read (pull, catch-up, rebuild, compaction). Returns how many are quarantined in all.
   */
  quarantineUnreadableRows(options: { full?: boolean } = {}): number {
    this.tx(() => {
      const from = options.full ? 0 : this.state.number('quarantine_checked_seq');
      this.quarantineUnreadable.run(this.now().toISOString(), from);
      this.state.set('quarantine_checked_seq', this.maxSeq());
    });
    return this.quarantinedCount();
  }

  /** The full check (`serve --check-db`): every page of the file, and every log row's JSON. */
  checkDatabase(): DatabaseCheck {
    const problem = integrityProblem(this.db);
    return { problem: problem?.message ?? null, quarantined: this.quarantineUnreadableRows({ full: true }) };
  }

  /** Every readable log row up to this seq has been compacted away (0: none). */
  compactedThrough(): number {
    return this.compactedSeq;
  }

  /** Bytes of the file, its tables and indexes, and the log's rows (a full scan: for reports, not hot paths). */
  databaseFacts(): DatabaseFacts {
    this.factsQuery ??= new DatabaseFactsQuery(this.db);
    return this.factsQuery.read();
  }

  /**
   * Copies what the WAL holds into the database file now (a passive checkpoint: it waits for no
   * reader or writer). The history keeper calls it between its steps, so that SQLite's automatic
   * checkpoint (every ~80 MB of WAL) does not land, whole, on one of them.
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /** One step of log compaction (compaction.ts): a short transaction; call again until `done`. */
  compactStep(limit: CompactionLimit, maxRows: number): CompactionStep {
    const step = this.compaction.step(limit, maxRows);
    this.compactedSeq = step.through;
    if (step.folded > 0) this.checkCompactedIds = true;
    return step;
  }

  quarantinedCount(): number {
    return this.countQuarantined.get() as number;
  }

  get(app: string, table: string, id: string): RecordOut | null {
    this.settle();
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
    this.settle();
    const stmt = opts.includeDeleted ? this.selectListWithDeleted : this.selectList;
    return (stmt.all(app, table, opts.limit ?? 1_000_000) as RecordRow[]).map(toRecordOut);
  }

  /** Every (app, table) that holds a record. */
  collections(): { app: string; table: string }[] {
    this.settle();
    return this.selectCollections.all() as { app: string; table: string }[];
  }

  /** The fields (with ids) of every live record of a table. */
  listData<T = FieldValues>(app: string, table: string): (T & { id: string })[] {
    this.settle();
    const rows = this.selectLiveData.all(app, table) as { record_id: string; data: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.data) as T), id: r.record_id }));
  }
}

