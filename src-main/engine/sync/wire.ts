/**
 * The sync client's side of the wire (docs/sync-protocol.md): a log row as the change it pushes,
 * and whatever a server answers, ours or the upstream mana-sync, read leniently into changes the
 * Store can append. Upstream quirks tolerated here (reference §1.3–1.4, §9.8):
 * - inserts with `data` only (field_meta `{}`): stamped from the record's own updatedAt/createdAt,
 *   else with the epoch, the same on every device (an arrival time would differ per device and let
 *   a late reader's copy of an old insert beat newer updates);
 * - no `hasMore` on push answers (a 5,000-row cap): see `completeDelta`;
 * - Go's `null` for empty arrays, no `clientId`/`createdAt`/`app` on changes, opaque actors;
 * - RFC3339Nano and ISO times: stamps of every accepted spelling compare as instants (hlc.ts).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Actor, Origin } from '../../../src-shared/domain/actor';
import { type ChangeIn, Op, changeToWrites, isPlainObject } from '../../../src-shared/domain/change';
import { SyncName } from '../../../src-shared/domain/sync-protocol';
import { stampSortKey } from '../../../src-shared/hlc';
import type { FieldWrite } from '../../../src-shared/lww';
import type { ChangeRow } from '../store/rows';
import { rowToChange } from '../store/rows';
import type { RemoteChange } from '../store/store';

/** The stamp of values that came with no time at all: older than any real write, the same everywhere. */
export const EPOCH_STAMP = '1970-01-01T00:00:00.000Z';

/** A change as this client pushes it (`ChangeIn` without `app`, which the URL names). */
export type OutgoingChange = Omit<ChangeIn, 'app'>;

/**
 * A log row as the change pushed for it: every field with its stamp (`fields`, what our server
 * stores exactly), plus `data` for upstream servers, which keep only `data` of inserts and
 * `data.deletedAt` of deletes. No top-level `deletedAt`: our server would take it as the stamp.
 */
export function outgoingChange(row: ChangeRow): OutgoingChange | { unreadable: string } {
  const change = rowToChange(row);
  if ('unreadable' in change) return change;
  const out: OutgoingChange = { eventId: change.eventId, table: change.table, id: change.id, op: change.op, fields: change.fields };
  if (change.op === 'insert') out.data = change.data;
  if (change.op === 'delete' && change.deletedAt !== undefined) out.data = { deletedAt: change.deletedAt };
  if (change.actor) out.actor = change.actor;
  const origin = Origin.safeParse(change.origin);
  if (origin.success) out.origin = origin.data;
  if (change.spaceId) out.spaceId = change.spaceId;
  return out;
}

const IncomingField = z.object({ value: z.unknown(), at: z.string().nullish(), updatedAt: z.string().nullish() });

/** A change as any server may send it: ours (`SyncChangeOut`) or upstream's, whose fields are fewer. */
const IncomingChange = z.object({
  eventId: z.string().min(1).max(200).nullish(),
  table: SyncName,
  id: z.string().min(1).max(200),
  op: Op,
  fields: z.record(z.string(), IncomingField).nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
  deletedAt: z.string().nullish(),
  actor: z.unknown().optional(),
  origin: z.string().nullish(),
  spaceId: z.string().nullish(),
  clientId: z.string().nullish(),
  createdAt: z.string().nullish(),
});

/** A push answer or a pull page, ours or upstream's. */
export const IncomingPage = z.object({
  serverChanges: z.array(z.unknown()).nullish(),
  syncedUntil: z.string().max(1000),
  /** absent on upstream push answers: then the delta may have been cut at 5,000 rows */
  hasMore: z.boolean().optional(),
  accepted: z.number().optional(),
  duplicates: z.number().optional(),
});
export type IncomingPage = z.infer<typeof IncomingPage>;

/** The data of a stream's `changes` event. */
export const IncomingStreamEvent = z.object({
  table: SyncName,
  changes: z.array(z.unknown()).nullish(),
  syncedUntil: z.string().max(1000),
  hasMore: z.boolean().optional(),
});

export interface ReadChanges {
  changes: RemoteChange[];
  /** changes that could not be read (not a change, a field without a usable stamp): skipped, counted */
  unreadable: number;
}

/** Reads what a server sent for `app`: the changes to append, and how many were not usable. */
export function readChanges(app: string, raw: readonly unknown[] | null | undefined): ReadChanges {
  const changes: RemoteChange[] = [];
  let unreadable = 0;
  for (const item of raw ?? []) {
    const change = readChange(app, item);
    if (change) changes.push(change);
    else unreadable++;
  }
  return { changes, unreadable };
}

function readChange(app: string, raw: unknown): RemoteChange | null {
  const parsed = IncomingChange.safeParse(raw);
  if (!parsed.success) return null;
  const c = parsed.data;
  const writes = writesOf(c);
  if (!writes) return null;
  const actor = Actor.safeParse(c.actor);
  return {
    // Upstream always sends an id; a change without one gets its content's hash, so a re-delivery is still a duplicate.
    eventId: c.eventId ?? `remote-${createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 32)}`,
    app,
    table: c.table,
    id: c.id,
    op: c.op,
    writes,
    actor: actor.success ? actor.data : null,
    origin: c.origin ?? null,
    spaceId: c.spaceId || null,
    clientId: c.clientId ?? 'server',
  };
}

/**
 * The field writes of an incoming change, or null when a stamp is unusable. Values without a stamp
 * get a deterministic one (see the file comment); a delete without any time takes the server's
 * arrival time when it sent one.
 */
function writesOf(c: z.infer<typeof IncomingChange>): Record<string, FieldWrite> | null {
  const fields: NonNullable<ChangeIn['fields']> = {};
  for (const [name, f] of Object.entries(c.fields ?? {})) {
    const at = f.at ?? f.updatedAt;
    if (typeof at !== 'string' || stampSortKey(at) === null) return null;
    fields[name] = { value: f.value, at };
  }
  const hasFields = Object.keys(fields).length > 0;
  if (c.deletedAt != null && stampSortKey(c.deletedAt) === null) return null;
  const data = c.data && isPlainObject(c.data) ? c.data : undefined;
  const change: ChangeIn = {
    eventId: 'incoming',
    app: 'incoming',
    table: c.table,
    id: c.id,
    op: c.op,
    ...(hasFields ? { fields } : {}),
    ...(data ? { data } : {}),
    ...(c.deletedAt != null ? { deletedAt: c.deletedAt } : {}),
  };
  if (c.op !== 'delete' && !hasFields && !data) return null;
  const fallback = c.op === 'delete' && c.createdAt && stampSortKey(c.createdAt) !== null ? c.createdAt : EPOCH_STAMP;
  const writes = changeToWrites(change, fallback);
  for (const field in writes) if (stampSortKey(writes[field]!.at) === null) return null;
  return writes;
}

/**
 * Whether a push answer's delta is known to be complete, so that every collection's cursor may
 * move to its `syncedUntil`. Our server says `hasMore: false`; an upstream answer says nothing and
 * cuts at 5,000 rows: its changes are applied, its cursor is not trusted (the pulls catch up).
 */
export function completeDelta(page: IncomingPage): boolean {
  return page.hasMore === false;
}
