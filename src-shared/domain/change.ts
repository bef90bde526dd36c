/**
 * The wire form of a change (push and pull) and its normalisation into field writes.
 * Push accepts the upstream shapes (`{value, at}` and the legacy `{value, updatedAt}`, inserts
 * carrying only `data`); everything is normalised here, once, for the engine and the replica.
 */
import { z } from 'zod';
import { compareStamps, isStamp, stampMillis, stampSortKey } from '../hlc';
import type { FieldWrite } from '../lww';
import { refineJsonShape } from '../json-shape';
import { Actor, Origin } from './actor';

const STAMP_PROBLEM = 'must be an ISO-8601 instant with a zone (e.g. 2026-11-21T10:00:00.000Z) or an HLC stamp';
const MAX_STAMP_LENGTH = 80;

export const Stamp = z.string().max(MAX_STAMP_LENGTH).refine(isStamp, { message: STAMP_PROBLEM });

/**
 * A stamp as read back from the log (pull, snapshot): only its shape is checked, the same check the
 * engine applies when it reads a row, so the replica accepts exactly what the projection accepted.
 * Strict validation (real calendar dates) happens once, at push.
 */
export const LoggedStamp = z.string().refine((at) => stampSortKey(at) !== null, { message: 'not a stamp' });

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A record's fields as the engine sends them: any JSON object, taken as is. Hydration reads 100k
 * records at a time, and `z.record(z.string(), z.unknown())` copied every one entry by entry to
 * check nothing (JSON keys are strings).
 */
export const FieldValuesOut = z.custom<Record<string, unknown>>(isPlainObject, { message: 'expected an object of field values' });

/**
 * A record's field stamps as the engine sends them (`LoggedStamp` for each field), checked in one
 * loop: as a `z.record` of refined strings this was about half of the replica's cost per record
 * when hydrating. Issues name the field, as the record schema's did.
 */
export const LoggedStamps = z.custom<Record<string, string>>().superRefine((value, ctx) => {
  if (!isPlainObject(value)) {
    ctx.addIssue({ code: 'custom', message: 'expected an object of field stamps' });
    return;
  }
  for (const field in value) {
    const at = value[field];
    if (typeof at !== 'string' || stampSortKey(at) === null) ctx.addIssue({ code: 'custom', path: [field], message: 'not a stamp' });
  }
});

/**
 * A record's field stamps packed as the engine stores them (src-shared/packed-stamps.ts): the
 * common stamp ('' when none), then the fields whose stamp differs (null: a field without one).
 */
export const PackedLoggedStamps = z.custom<[string, Record<string, string | null>]>().superRefine((value, ctx) => {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || !isPlainObject(value[1])) {
    ctx.addIssue({ code: 'custom', message: 'expected packed field stamps [stamp, {field: stamp}]' });
    return;
  }
  const [common, others] = value as [string, Record<string, unknown>];
  if (common !== '' && stampSortKey(common) === null) ctx.addIssue({ code: 'custom', path: [0], message: 'not a stamp' });
  for (const field in others) {
    const at = others[field];
    if (at !== null && (typeof at !== 'string' || stampSortKey(at) === null)) ctx.addIssue({ code: 'custom', path: [1, field], message: 'not a stamp' });
  }
});

const Name = z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'only letters, digits and _ . : -');
const RecordId = z.string().min(1).max(200);

/** A single change above this size (as JSON) is refused: the log is not a file store. */
export const MAX_CHANGE_BYTES = 1024 * 1024;

/** Fields one change may write (a record is not a key-value store). */
export const MAX_FIELDS_PER_CHANGE = 1000;
const MAX_FIELD_NAME = 200;

/** One field's write as pushed: `{value, at}`, or the legacy `{value, updatedAt}`. */
export type FieldChange = { value: unknown; at: string } | { value: unknown; updatedAt: string };
const FIELD_CHANGE_SHAPE = 'a field change is {value, at} (or the legacy {value, updatedAt})';

/**
 * A change's `fields` or `data`: an object of at most MAX_FIELDS_PER_CHANGE named entries, each
 * checked by `entry` (which adds its issues below the field's name). One loop over the fields,
 * taken as given: as a `z.record` of a union of two strict objects this was most of the time a
 * sync server spent validating a push (every field of every change parsed twice over and copied).
 */
function fieldMap<T>(what: string, entry: (value: unknown, ctx: z.RefinementCtx, path: string[]) => void) {
  return z.custom<Record<string, T>>().superRefine((value, ctx) => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: 'custom', message: `expected an object of ${what}` });
      return;
    }
    let count = 0;
    for (const _field in value) {
      if (++count > MAX_FIELDS_PER_CHANGE) {
        ctx.addIssue({ code: 'custom', message: `more than ${MAX_FIELDS_PER_CHANGE} fields in one change` });
        return;
      }
    }
    for (const name in value) {
      if (name.length === 0 || name.length > MAX_FIELD_NAME) ctx.addIssue({ code: 'custom', path: [name], message: `a field name is 1 to ${MAX_FIELD_NAME} characters` });
      else entry(value[name], ctx, [name]);
    }
  });
}

/** Values are stored as given: their shape is bounded here, once, for every receiver. */
const FieldValues = fieldMap<unknown>('field values', (value, ctx, path) => refineJsonShape(value, ctx, path));

const FieldChanges = fieldMap<FieldChange>('field changes: {name: {value, at}}', (fc, ctx, path) => {
  if (!isPlainObject(fc) || !('value' in fc)) {
    ctx.addIssue({ code: 'custom', path, message: FIELD_CHANGE_SHAPE });
    return;
  }
  let stampKey: string | null = null;
  for (const key in fc) {
    if (key === 'value') continue;
    if (stampKey !== null || (key !== 'at' && key !== 'updatedAt')) {
      const problem = key === 'at' || key === 'updatedAt' ? 'both `at` and `updatedAt`' : `unknown key "${key}"`;
      ctx.addIssue({ code: 'custom', path, message: `${problem}: ${FIELD_CHANGE_SHAPE}` });
      return;
    }
    stampKey = key;
  }
  if (stampKey === null) {
    ctx.addIssue({ code: 'custom', path, message: `no stamp: ${FIELD_CHANGE_SHAPE}` });
    return;
  }
  const at = fc[stampKey];
  if (typeof at !== 'string' || at.length > MAX_STAMP_LENGTH || !isStamp(at)) ctx.addIssue({ code: 'custom', path: [...path, stampKey], message: STAMP_PROBLEM });
  refineJsonShape(fc.value, ctx, [...path, 'value']);
});

export const Op = z.enum(['insert', 'update', 'delete']);
export type Op = z.infer<typeof Op>;

export const ChangeIn = z
  .object({
    eventId: z.string().min(1).max(200),
    app: Name,
    table: Name,
    id: RecordId,
    op: Op,
    fields: FieldChanges.optional(),
    data: FieldValues.optional(),
    deletedAt: Stamp.optional(),
    actor: Actor.optional(),
    origin: Origin.optional(),
    spaceId: z.string().max(200).optional(),
    schemaVersion: z.number().int().min(1).max(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op === 'update' && !c.fields && !c.data) {
      ctx.addIssue({ code: 'custom', message: 'an update needs `fields` (or `data`)', path: ['fields'] });
    }
    if (c.op === 'insert' && !c.fields && !c.data) {
      ctx.addIssue({ code: 'custom', message: 'an insert needs `data` or `fields`', path: ['data'] });
    }
  });
export type ChangeIn = z.infer<typeof ChangeIn>;

/**
 * A change as a client of the api (the renderer's outbox, a script) pushes it: the user's own.
 * The runner's, the agents', migrations' and replays from a server are written by the engine
 * itself (its sync client applies pulled changes through the Store, not through the api), so
 * nobody can push a change that claims to be theirs.
 */
export const PushedChange = ChangeIn.superRefine((c, ctx) => {
  if (c.origin !== undefined && c.origin !== 'user') {
    ctx.addIssue({ code: 'custom', path: ['origin'], message: `origin "${c.origin}" is the engine's own; a pushed change is the user's (origin "user" or none)` });
  }
  if (c.actor !== undefined && c.actor.kind !== 'user') {
    ctx.addIssue({ code: 'custom', path: ['actor', 'kind'], message: `an actor of kind "${c.actor.kind}" is the engine's own; a pushed change is the user's (kind "user" or no actor)` });
  }
});

export const ChangeOut = z.object({
  seq: z.number().int(),
  eventId: z.string(),
  app: z.string(),
  table: z.string(),
  id: z.string(),
  op: Op,
  fields: z.record(z.string(), z.object({ value: z.unknown(), at: LoggedStamp })),
  data: z.record(z.string(), z.unknown()).optional(),
  deletedAt: z.string().optional(),
  actor: Actor.nullable(),
  origin: z.string().nullable(),
  spaceId: z.string().nullable(),
  clientId: z.string(),
  createdAt: z.string(),
});
export type ChangeOut = z.infer<typeof ChangeOut>;

/** A record as the engine projects it and the replica stores it. */
export const RecordOut = z.object({
  app: z.string(),
  table: z.string(),
  id: z.string(),
  data: FieldValuesOut,
  meta: LoggedStamps,
  deleted: z.boolean(),
  seq: z.number().int(),
});
export type RecordOut = z.infer<typeof RecordOut>;

/**
 * A record of a `sync.snapshot` page: its stamps plain, or packed as stored (a page of format 2,
 * which the host sends without parsing the stored JSON); the replica unpacks them with the data.
 */
export const SnapshotRecordOut = RecordOut.extend({ meta: z.union([LoggedStamps, PackedLoggedStamps]) });
export type SnapshotRecordOut = z.infer<typeof SnapshotRecordOut>;

function stampOf(value: unknown): string | undefined {
  return typeof value === 'string' && isStamp(value) ? value : undefined;
}

/** The newest of an insert's field stamps: the stamp of its implicit `deletedAt: null`. */
function latest(stamps: string[]): string | undefined {
  // Same instant in two spellings: the larger spelling, as lww.ts does, so field order never matters.
  const newer = (a: string, b: string) => {
    const c = compareStamps(b, a);
    return c > 0 || (c === 0 && b > a) ? b : a;
  };
  return stamps.length ? stamps.reduce(newer) : undefined;
}

/**
 * The field writes a change stands for. `arrivalAt` stamps values that came without a stamp (a
 * function is called only then, so stamped changes cost no clock tick). The record id is never a field.
 */
export function changeToWrites(change: ChangeIn, arrivalAt: string | (() => string)): Record<string, FieldWrite> {
  let arrivalStamp: string | undefined;
  const arrival = () => (arrivalStamp ??= typeof arrivalAt === 'string' ? arrivalAt : arrivalAt());
  const writes: Record<string, FieldWrite> = {};
  if (change.op === 'delete') {
    // `fields.deletedAt` is the exact write ({value, at}); our wire form repeats its value as
    // `deletedAt` for upstream readers, which must not become the stamp when both are sent.
    const fromFields = change.fields?.deletedAt;
    const at = (fromFields ? stampOfField(fromFields) : undefined) ?? change.deletedAt ?? stampOf(change.data?.deletedAt) ?? arrival();
    // A delete's tombstone is never empty: without a value, the instant it was deleted.
    const value = fromFields?.value ?? change.deletedAt ?? change.data?.deletedAt ?? new Date(stampMillis(at)).toISOString();
    writes.deletedAt = { value, at };
    return writes;
  }
  if (change.fields) {
    for (const [field, fc] of Object.entries(change.fields)) {
      if (field === 'id') continue;
      writes[field] = { value: fc.value, at: stampOfField(fc) };
    }
  } else if (change.data) {
    const at =
      change.op === 'insert' ? (stampOf(change.data.updatedAt) ?? stampOf(change.data.createdAt) ?? arrival()) : arrival();
    for (const [field, value] of Object.entries(change.data)) {
      if (field === 'id') continue;
      writes[field] = { value, at };
    }
  }
  if (change.deletedAt && !writes.deletedAt) writes.deletedAt = { value: change.deletedAt, at: change.deletedAt };
  if (change.op === 'insert' && !writes.deletedAt) {
    writes.deletedAt = { value: null, at: latest(Object.values(writes).map((w) => w.at)) ?? arrival() };
  }
  return writes;
}

function stampOfField(fc: FieldChange): string {
  return 'at' in fc ? fc.at : fc.updatedAt;
}

/**
 * Every stamp a change carries that `changeToWrites` may use, with where it is in the change: the
 * field stamps and `deletedAt` as given, and the `data` values an insert or a delete without
 * stamps takes its stamp from. What the receiver checks against its clock (see stampRangeProblem).
 */
export function stampsOf(change: ChangeIn): { path: (string | number)[]; at: string }[] {
  const found: { path: (string | number)[]; at: string }[] = [];
  if (change.fields) {
    for (const [field, fc] of Object.entries(change.fields)) {
      if (field !== 'id') found.push({ path: ['fields', field, 'at' in fc ? 'at' : 'updatedAt'], at: stampOfField(fc) });
    }
  }
  if (change.deletedAt) found.push({ path: ['deletedAt'], at: change.deletedAt });
  if (!change.fields && change.data) {
    const candidates = change.op === 'insert' ? ['updatedAt', 'createdAt'] : change.op === 'delete' && !change.deletedAt ? ['deletedAt'] : [];
    const used = candidates.find((key) => stampOf(change.data![key]) !== undefined);
    if (used) found.push({ path: ['data', used], at: change.data[used] as string });
  }
  return found;
}
