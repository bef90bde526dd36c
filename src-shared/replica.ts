/**
 * The renderer replica's merge logic, kept pure (no Dexie, no DOM) so it is unit-tested in Node and
 * shares lww.ts with the engine's projection. The renderer calls it inside ONE Dexie transaction
 * per page:
 *
 *   await db.transaction('rw', [db.records, db.meta], async () => {
 *     const keys = recordKeysOf(page.changes);
 *     const found = await db.records.bulkGet(keys); // or a keySpan range read for big pages
 *     const result = applyPulledChanges(lookupOf(keys, found), page.changes, { hydrating, observe: (stamps) => clock.observeAll(stamps) });
 *     await db.records.bulkPut(result.puts);
 *     // cursor; then, after the transaction commits, report result.conflicts / result.malformed
 *   });
 *
 * Pulled writes never produce outbox entries: nothing here knows about the outbox (no echo).
 *
 * Hydration of a new replica: page through `sync.snapshot` with `applySnapshotRecords` (same
 * pattern), keep the `seq` of the FIRST page as the pull cursor, then pull. Records of later pages
 * may already reflect changes after that seq; pulling them again is harmless because the merge is
 * idempotent.
 */
import type { z } from 'zod';
import { issuesOf } from './api';
import type { Actor, Origin } from './domain/actor';
import { ChangeOut, isPlainObject, RecordOut, SnapshotRecordOut } from './domain/change';
import { compareStamps, stampSortKey } from './hlc';
import { canonicalJson, type FieldStamps, type FieldValues, type FieldWrite, isDeleted, mergeFields } from './lww';
import { unpackStamps } from './packed-stamps';

/** A record as the replica stores it. */
export interface ReplicaRecord {
  /** `${app}/${table}/${id}` */
  key: string;
  app: string;
  table: string;
  id: string;
  data: FieldValues;
  meta: FieldStamps;
  /**
   * field -> who last wrote it on THIS replica: the origin of a local write ('user' for the
   * person at the keyboard), 'server-replay' for anything merged from the engine. Only the conflict
   * signal reads it. Absent on records written before origins were kept.
   */
  origins?: Partial<Record<string, Origin>>;
  /** IndexedDB cannot index booleans, hence 0|1 */
  deleted: 0 | 1;
  /** seq of the last pulled change applied (0 while only written locally) */
  seq: number;
}

export function recordKey(app: string, table: string, id: string): string {
  return `${app}/${table}/${id}`;
}

/** The records a page may touch, as a Map or a lookup function (e.g. over a bulkGet result). */
export type RecordLookup = ReadonlyMap<string, ReplicaRecord> | ((key: string) => ReplicaRecord | undefined);

/**
 * The smallest key range holding `keys`: reading `where('key').between(lower, upper, true, true)`
 * returns the records a page may merge with in one cursor pass, and on a new (empty) replica
 * nothing at all, which is much cheaper than a bulkGet of every key.
 */
export function keySpan(keys: readonly string[]): { lower: string; upper: string } | null {
  if (!keys.length) return null;
  let lower = keys[0]!;
  let upper = lower;
  for (const k of keys) {
    if (k < lower) lower = k;
    if (k > upper) upper = k;
  }
  return { lower, upper };
}

/** Builds a lookup from `bulkGet(keys)`'s result (same order, undefined for missing rows). */
export function lookupOf(keys: readonly string[], found: readonly (ReplicaRecord | undefined)[]): Map<string, ReplicaRecord> {
  const map = new Map<string, ReplicaRecord>();
  keys.forEach((key, i) => {
    const record = found[i];
    if (record) map.set(key, record);
  });
  return map;
}

/** A pulled value overwrote a value the user wrote on this replica. */
export interface ConflictSignal {
  key: string;
  app: string;
  table: string;
  id: string;
  field: string;
  localValue: unknown;
  remoteValue: unknown;
  localAt: string;
  remoteAt: string;
  /** who wrote the remote value (null when the change carried no actor) */
  actor: Actor | null;
  origin: string | null;
  eventId: string;
  seq: number;
}

export interface MalformedEntry {
  index: number;
  issues: { path: (string | number)[]; message: string }[];
}

export interface ApplyResult {
  /** records to bulkPut, each key once */
  puts: ReplicaRecord[];
  conflicts: ConflictSignal[];
  /** entries that failed validation: dropped, the others still apply */
  malformed: MalformedEntry[];
  /** valid entries merged */
  applied: number;
  /** highest seq among valid entries, 0 when none */
  maxSeq: number;
}

export interface ApplyOptions {
  /** a new replica filling up: merges as usual but raises no conflict signal */
  hydrating?: boolean;
  /** sees every merged stamp of the page at once, e.g. `(stamps) => clock.observeAll(stamps)` */
  observe?: (stamps: string[]) => void;
}

export interface ReplicaMerge {
  record: ReplicaRecord;
  /** fields whose value or stamp changed */
  applied: string[];
}

/**
 * Merges writes into a replica record and notes who wrote each applied field. The one place that
 * builds a ReplicaRecord, for local writes and pulled ones alike.
 */
export function mergeIntoReplica(
  current: ReplicaRecord | undefined,
  ref: { app: string; table: string; id: string },
  writes: Record<string, FieldWrite>,
  origin: Origin,
  seq = 0,
): ReplicaMerge {
  const { record, applied } = mergeFields(current, writes);
  const origins = { ...current?.origins };
  for (const field of applied) origins[field] = origin;
  return {
    record: {
      key: current?.key ?? recordKey(ref.app, ref.table, ref.id),
      app: ref.app,
      table: ref.table,
      id: ref.id,
      data: record.data,
      meta: record.meta,
      origins,
      deleted: isDeleted(record) ? 1 : 0,
      seq: Math.max(current?.seq ?? 0, seq),
    },
    applied,
  };
}

/**
 * Keys of the records a page (pulled changes or snapshot records) refers to, malformed entries
 * included when they name one: what to bulkGet before applying it.
 */
export function recordKeysOf(entries: readonly unknown[]): string[] {
  const keys = new Set<string>();
  for (const e of entries) {
    const c = e as Partial<Record<'app' | 'table' | 'id', unknown>> | null;
    if (c && typeof c.app === 'string' && typeof c.table === 'string' && typeof c.id === 'string') keys.add(recordKey(c.app, c.table, c.id));
  }
  return [...keys];
}

/**
 * Merges a page of pulled changes (as received, unvalidated) into the replica. Only the per-field
 * stamps in `fields` count: the engine writes every field it merged there, inserts included, so
 * this replays exactly what its projection did.
 */
export function applyPulledChanges(records: RecordLookup, entries: readonly unknown[], options: ApplyOptions = {}): ApplyResult {
  return applyPage(records, entries, (entry) => ChangeOut.safeParse(entry), options, (change) => ({
    ref: change,
    writes: withoutId(change.fields),
    seq: change.seq,
    source: change,
  }));
}

/** Merges a page of `sync.snapshot` records into the replica (hydration: never a conflict). */
export function applySnapshotRecords(records: RecordLookup, entries: readonly unknown[], options: Omit<ApplyOptions, 'hydrating'> = {}): ApplyResult {
  return applyPage(records, entries, readRecordOut, { ...options, hydrating: true }, (record) => ({
    ref: record,
    writes: () => {
      const writes: Record<string, FieldWrite> = {};
      for (const [field, at] of Object.entries(record.meta)) if (field !== 'id') writes[field] = { value: record.data[field] ?? null, at };
      return writes;
    },
    seq: record.seq,
    source: null,
    asNew: (stamps) => snapshotRecordAsNew(record, stamps),
  }));
}

/**
 * What merging a snapshot record into nothing gives (mergeIntoReplica with its writes: every field
 * it has a stamp for, replayed), built directly: most of a new replica's records are new to it.
 * Pushes the stamps it holds onto `stamps`.
 */
export function snapshotRecordAsNew(record: RecordOut, stamps: string[]): ReplicaRecord {
  const data: FieldValues = {};
  const meta: FieldStamps = {};
  const origins: Partial<Record<string, Origin>> = {};
  for (const field in record.meta) {
    if (field === 'id') continue;
    const at = record.meta[field]!;
    data[field] = record.data[field] ?? null;
    meta[field] = at;
    origins[field] = 'server-replay';
    if (at !== stamps.at(-1)) stamps.push(at);
  }
  const { app, table, id } = record;
  return { key: recordKey(app, table, id), app, table, id, data, meta, origins, deleted: isDeleted({ data, meta }) ? 1 : 0, seq: Math.max(0, record.seq) };
}

interface Parsed {
  ref: { app: string; table: string; id: string };
  writes: Record<string, FieldWrite> | (() => Record<string, FieldWrite>);
  seq: number;
  /** the change that carried the writes, for conflict signals (null for snapshot records) */
  source: ChangeOut | null;
  /** the record merged into nothing, built directly (pushing its stamps onto `stamps`) */
  asNew?: (stamps: string[]) => ReplicaRecord;
}

type Validated<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/**
 * RecordOut's check, by hand, for hydration's hundred thousand records (as a zod parse it was most
 * of a snapshot page's cost after JSON.parse): a record it accepts, zod accepts too. Anything else
 * goes to zod, which has the last word and describes what is wrong.
 */
export function readRecordOut(entry: unknown): Validated<RecordOut> {
  const r = entry as Partial<Record<keyof RecordOut, unknown>> | null;
  // stamps packed as the engine stores them (a snapshot page of SNAPSHOT_PAGE_FORMAT): unpacked with the data (which checks them)
  if (r !== null && typeof r === 'object' && Array.isArray(r.meta)) {
    const meta = isPlainObject(r.data) ? unpackStamps(r.meta, r.data) : 'no data';
    if (typeof meta !== 'string' && typeof r.app === 'string' && typeof r.table === 'string' && typeof r.id === 'string' && typeof r.deleted === 'boolean' && Number.isSafeInteger(r.seq)) {
      return { success: true, data: { app: r.app, table: r.table, id: r.id, data: r.data as RecordOut['data'], meta, deleted: r.deleted, seq: r.seq as number } };
    }
    // unreadable: zod says why
    return SnapshotRecordOut.safeParse(entry) as Validated<RecordOut>;
  }
  if (
    r !== null &&
    typeof r === 'object' &&
    typeof r.app === 'string' &&
    typeof r.table === 'string' &&
    typeof r.id === 'string' &&
    typeof r.deleted === 'boolean' &&
    Number.isSafeInteger(r.seq) &&
    isPlainObject(r.data) &&
    stampsAreValid(r.meta)
  ) {
    return { success: true, data: r as RecordOut };
  }
  return RecordOut.safeParse(entry);
}

/** LoggedStamps' check: an object of stamps (the fields of one change share theirs: checked once). */
function stampsAreValid(meta: unknown): boolean {
  if (!isPlainObject(meta)) return false;
  let previous = '';
  for (const field in meta) {
    const at = meta[field];
    if (at === previous) continue;
    if (typeof at !== 'string' || stampSortKey(at) === null) return false;
    previous = at;
  }
  return true;
}

function applyPage<T>(
  records: RecordLookup,
  entries: readonly unknown[],
  validate: (entry: unknown) => Validated<T>,
  options: ApplyOptions,
  toWrites: (entry: T) => Parsed,
): ApplyResult {
  const lookup = typeof records === 'function' ? records : (key: string) => records.get(key);
  const touched = new Map<string, ReplicaRecord>();
  const result: ApplyResult = { puts: [], conflicts: [], malformed: [], applied: 0, maxSeq: 0 };
  const stamps: string[] = [];
  entries.forEach((entry, index) => {
    const parsed = validate(entry);
    if (!parsed.success) {
      result.malformed.push({ index, issues: issuesOf(parsed.error) });
      return;
    }
    const { ref, writes: writesOf, seq, source, asNew } = toWrites(parsed.data);
    const key = recordKey(ref.app, ref.table, ref.id);
    const current = touched.get(key) ?? lookup(key);
    if (!current && asNew) {
      touched.set(key, asNew(stamps));
      result.applied++;
      result.maxSeq = Math.max(result.maxSeq, seq);
      return;
    }
    const writes = typeof writesOf === 'function' ? writesOf() : writesOf;
    for (const field in writes) {
      const at = writes[field]!.at;
      // Fields of one change usually share their stamp: it is listed once.
      if (at !== stamps.at(-1)) stamps.push(at);
    }
    const { record, applied } = mergeIntoReplica(current, ref, writes, 'server-replay', seq);
    if (source && current && !options.hydrating) collectConflicts(result.conflicts, current, record, applied, source);
    touched.set(key, record);
    result.applied++;
    result.maxSeq = Math.max(result.maxSeq, seq);
  });
  result.puts = [...touched.values()];
  options.observe?.(stamps);
  return result;
}

/**
 * The upstream's rule: a pulled write overwrote a field whose local value the user wrote here,
 * with a strictly newer stamp (an exact tie is not a conflict), a non-empty local value (nothing of
 * the user's is lost otherwise) and a different value. After the overwrite the field's origin is
 * 'server-replay', so a burst of changes to one field signals once.
 */
function collectConflicts(out: ConflictSignal[], before: ReplicaRecord, after: ReplicaRecord, applied: string[], change: ChangeOut): void {
  for (const field of applied) {
    if (before.origins?.[field] !== 'user') continue;
    const localAt = before.meta[field];
    const localValue = before.data[field];
    if (localAt === undefined || isEmpty(localValue)) continue;
    const remoteAt = after.meta[field]!;
    const remoteValue = after.data[field];
    if (compareStamps(remoteAt, localAt) <= 0 || canonicalJson(remoteValue) === canonicalJson(localValue)) continue;
    out.push({
      key: after.key,
      app: after.app,
      table: after.table,
      id: after.id,
      field,
      localValue,
      remoteValue,
      localAt,
      remoteAt,
      actor: change.actor,
      origin: change.origin,
      eventId: change.eventId,
      seq: change.seq,
    });
  }
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function withoutId(fields: Record<string, FieldWrite>): Record<string, FieldWrite> {
  if (!('id' in fields)) return fields;
  const { id: _id, ...rest } = fields;
  return rest;
}
