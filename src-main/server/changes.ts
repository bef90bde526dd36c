/**
 * Changes at the server's edge: every change of a pushed changeset is validated with the shared
 * `ChangeIn` schema and turned into a row, chunk by chunk as the storage takes them (a bad change
 * anywhere means nothing is written); stored rows go out in the wire form of `SyncChangeOut`. Values
 * pushed without a stamp (upstream inserts carry only `data`) are stamped here once, by the server's
 * clock, so every device later merges the same stamps.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, issuesOf } from '../../src-shared/api';
import { originOf, type Actor } from '../../src-shared/domain/actor';
import { ChangeIn, changeToWrites, isPlainObject } from '../../src-shared/domain/change';
import { SYNC_SCHEMA_VERSION, SyncChangeset, type SyncChangeOut } from '../../src-shared/domain/sync-protocol';
import type { HybridClock } from '../../src-shared/hlc';
import type { FieldWrite } from '../../src-shared/lww';
import { checkPushedStamps } from '../engine/push-edge';
import type { ChangeChunks, NewChange, StoredChange } from './storage';

export interface ParsedChangeset {
  clientId: string;
  since: string | undefined;
  /** validated and made into rows as they are taken (see ChangeChunks); iterate once */
  changes: ChangeChunks;
}

/**
 * Changes validated and made into rows at a time: a storage that sends each chunk's rows when they
 * are ready (Postgres) has the database insert one chunk while the next is validated here.
 */
export const PUSH_CHUNK = 250;

/**
 * Checks a push body's envelope for `appId` (throws at once) and returns its changes as chunks that
 * are checked as they are taken: a bad change throws a BAD_INPUT ApiError naming it (by index) and
 * what is wrong with it, and the storage then writes nothing.
 */
export function parseChangeset(body: unknown, appId: string, headerClientId: string | null, clock: HybridClock, now: Date, bodyText?: string): ParsedChangeset {
  const set = SyncChangeset.safeParse(body);
  if (!set.success) throw new ApiError('BAD_INPUT', 'The body is not a changeset: expected {clientId, since, schemaVersion, changes: [...]}.', issuesOf(set.error));
  const { data } = set;
  const version = data.schemaVersion === undefined || data.schemaVersion <= 0 ? 1 : data.schemaVersion;
  if (version > SYNC_SCHEMA_VERSION) {
    throw new ApiError('BAD_INPUT', `schemaVersion ${version} is newer than this server understands (${SYNC_SCHEMA_VERSION}); update the server.`);
  }
  if (data.appId !== undefined && data.appId !== '' && data.appId !== appId) {
    throw new ApiError('BAD_INPUT', `The body names app "${data.appId}" but was sent to /sync/${appId}.`);
  }
  const clientId = headerClientId ?? data.clientId;
  if (!clientId) throw new ApiError('BAD_INPUT', 'Say which client is pushing: send the X-Client-Id header (or clientId in the body).');

  // JSON text can only carry U+0000 escaped: without that escape, no change needs the walk.
  const mayHoldNul = bodyText === undefined || bodyText.includes('\\u0000');
  return { clientId, since: data.since, changes: chunksOf(data.changes, appId, mayHoldNul, clock, now) };
}

/**
 * Stamping moves the server's clock, so a chunk is stamped only once all of it passed; a changeset
 * refused at a later chunk may have moved the clock by the earlier chunks' stamps, no further than
 * accepting them would have (observing never follows a stamp beyond MAX_DRIFT_MS).
 */
function* chunksOf(raws: unknown[], appId: string, mayHoldNul: boolean, clock: HybridClock, now: Date): Generator<NewChange[]> {
  for (let start = 0; start < raws.length; start += PUSH_CHUNK) {
    const valid: ChangeIn[] = [];
    for (let index = start; index < Math.min(start + PUSH_CHUNK, raws.length); index++) valid.push(parseChange(raws[index], index, appId, mayHoldNul));
    // A stamp far ahead would win every later write of its field on every device (as sync.push refuses it).
    checkPushedStamps(valid, now, start);
    yield valid.map((c) => toNewChange(c, clock));
  }
}

function parseChange(raw: unknown, index: number, appId: string, mayHoldNul: boolean): ChangeIn {
  const bad = (message: string, issues?: { path: (string | number)[]; message: string }[]) =>
    new ApiError('BAD_INPUT', `Change ${index} is invalid: ${message}. Nothing was stored.`, issues?.map((i) => ({ ...i, path: ['changes', index, ...i.path] })));
  if (!isPlainObject(raw)) throw bad('expected an object');
  if (raw.app !== undefined && raw.app !== appId) throw bad(`it names app "${String(raw.app)}" but was sent to /sync/${appId}`);
  // Postgres cannot store U+0000 in JSON text; refused here so both storages accept the same input.
  if (mayHoldNul && containsNul(raw)) throw bad('it contains the character U+0000, which cannot be stored');
  // Upstream clients send no eventId: such a change gets a fresh one (it cannot be deduplicated).
  const candidate = { ...raw, app: appId, eventId: raw.eventId ?? randomUUID() };
  const result = ChangeIn.safeParse(candidate);
  if (!result.success) throw bad(result.error.issues[0]?.message ?? 'invalid', issuesOf(result.error));
  return result.data;
}

/** Whether any string or key inside `value` holds U+0000 (iterative: a deeply nested body must not overflow the stack). */
function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\0')) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        if (key.includes('\0')) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

function toNewChange(change: ChangeIn, clock: HybridClock): NewChange {
  const writes = changeToWrites(change, () => clock.now());
  const data: Record<string, unknown> = {};
  const fieldMeta: Record<string, string> = {};
  for (const field in writes) {
    const w = writes[field]!;
    clock.observe(w.at);
    data[field] = w.value === undefined ? null : w.value;
    fieldMeta[field] = w.at;
  }
  const actor = change.actor ?? null;
  return {
    eventId: change.eventId,
    table: change.table,
    recordId: change.id,
    op: change.op,
    data,
    fieldMeta,
    spaceId: spaceIdOf(change, writes),
    actor,
    origin: change.origin ?? (actor ? originOf(actor) : null),
    schemaVersion: SYNC_SCHEMA_VERSION,
  };
}

/** Top-level `spaceId`, else one written as a field (upstream's extractSpaceID); empty → none. */
function spaceIdOf(change: ChangeIn, writes: Record<string, FieldWrite>): string | null {
  const candidates = [change.spaceId, writes.spaceId?.value];
  for (const c of candidates) if (typeof c === 'string' && c !== '') return c;
  return null;
}

/** The wire form of a stored change. */
export function toWire(row: StoredChange): SyncChangeOut {
  const fields: SyncChangeOut['fields'] = {};
  for (const field in row.fieldMeta) fields[field] = { value: row.data[field] ?? null, at: row.fieldMeta[field]! };
  const out: SyncChangeOut = {
    eventId: row.eventId,
    schemaVersion: row.schemaVersion,
    app: row.appId,
    table: row.table,
    id: row.recordId,
    op: row.op,
    fields,
    actor: (row.actor ?? null) as Actor | null,
    origin: row.origin,
    spaceId: row.spaceId,
    clientId: row.clientId,
    createdAt: row.createdAt,
  };
  // Upstream readers take an insert's values from `data` and a delete's tombstone from `deletedAt`.
  if (row.op === 'insert') out.data = { ...row.data };
  const tombstone = row.data.deletedAt;
  if (row.op === 'delete' && typeof tombstone === 'string') out.deletedAt = tombstone;
  return out;
}
