/**
 * The sync wire protocol between devices and a sync server (docs/sync-protocol.md): the upstream
 * mana-sync shapes (reference §1.3–1.4), with a lossless opaque cursor, paged push deltas and a
 * claim endpoint. Both sides import these schemas: the server (src-main/server) validates requests
 * with them, the client (src-main/engine/sync) validates answers with them.
 */
import { z } from 'zod';
import { ChangeIn, ChangeOut, Stamp } from './change';

/** Protocol version; a changeset declaring a higher one is refused with 400 (as upstream). */
export const SYNC_SCHEMA_VERSION = 1;
/** Largest request body the server reads (as upstream); larger ones answer 413. */
export const SYNC_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Changes per page of a pull, of a push's delta and of a stream event. */
export const SYNC_PAGE_SIZE = 1000;

/** An app id (`/sync/{appId}`) or a collection (table) name: the names a change may carry. */
export const SyncName = ChangeIn.shape.table;

/**
 * `POST /sync/{appId}` body. `changes` are checked one by one with `ChangeIn` after the server
 * fills in `app` from the URL (and an `eventId` when an upstream client sent none), so a bad change
 * is reported with its index. `clientId` may come in the `X-Client-Id` header instead.
 */
export const SyncChangeset = z.object({
  clientId: z.string().min(1).max(200).optional(),
  appId: z.string().max(100).optional(),
  /** the cursor of an earlier answer; anything else (an upstream ISO time, '') means "from the start" */
  since: z.string().max(200).optional(),
  /** ≤ 0 counts as 1, as upstream; > 1 is refused */
  schemaVersion: z.number().int().optional(),
  changes: z.array(z.unknown()),
});
export type SyncChangeset = z.infer<typeof SyncChangeset>;

/**
 * A change as the server sends it (push delta, pull, stream). `fields` carries every field the
 * change wrote with its stamp (inserts too, unlike upstream); `data` is repeated for inserts and
 * `deletedAt` for deletes, for upstream readers.
 */
export const SyncChangeOut = ChangeOut.omit({ seq: true }).extend({ schemaVersion: z.number().int() });
export type SyncChangeOut = z.infer<typeof SyncChangeOut>;

/**
 * Answer of a push and of a pull page. `syncedUntil` is an opaque cursor: send it back as `since`
 * and never compare or parse it. `hasMore` means: ask again from `syncedUntil` for the rest.
 */
export const SyncResponse = z.object({
  serverChanges: z.array(SyncChangeOut),
  conflicts: z.array(z.unknown()),
  syncedUntil: z.string(),
  hasMore: z.boolean(),
  /** push only: changes stored by this push, and those already stored (same eventId) before */
  accepted: z.number().int().optional(),
  duplicates: z.number().int().optional(),
});
export type SyncResponse = z.infer<typeof SyncResponse>;

/** Data of a stream's `changes` event: one page of one collection. */
export const SyncStreamChanges = z.object({
  table: z.string(),
  changes: z.array(SyncChangeOut),
  syncedUntil: z.string(),
  hasMore: z.boolean(),
});
export type SyncStreamChanges = z.infer<typeof SyncStreamChanges>;

/** `POST /sync/{appId}/claims` body: a runner claims one due time of one mission before planning it. */
export const SyncClaimRequest = z
  .object({
    missionId: z.string().min(1).max(200),
    /** the due time being planned (ISO instant or HLC stamp); spellings of one instant are one claim */
    dueAt: Stamp,
    /** the claiming device (its sync client id) */
    deviceId: z.string().min(1).max(200),
  })
  .strict();
export type SyncClaimRequest = z.infer<typeof SyncClaimRequest>;

/**
 * How long a claim holds against other devices. A device that claimed a due time and then went away
 * (closed mid-run, uninstalled) would otherwise keep every other device from planning that mission
 * for good: its due time never moves. After this long another device's claim takes it over. It is
 * longer than any run can last (a run's LLM time is capped at 3x the endpoint timeout, at most 30
 * min), and a plan the first device made anyway collapses with the second's (ids derive from the
 * mission and due time).
 */
export const CLAIM_LEASE_MS = 2 * 60 * 60_000;

/**
 * Answer of a claim (always 200 once authenticated and valid). `won` is true for the first claim of
 * (mission, due time), for the same device claiming again (a retried request) and for a claim that
 * took over one older than CLAIM_LEASE_MS; otherwise `by` and `at` say which device claimed it and
 * when (server time, ISO).
 */
export const SyncClaimResponse = z.object({
  won: z.boolean(),
  missionId: z.string(),
  dueAt: z.string(),
  by: z.string(),
  at: z.string(),
});
export type SyncClaimResponse = z.infer<typeof SyncClaimResponse>;

/** `GET /health`. */
export const SyncHealth = z.object({ status: z.enum(['ok', 'unavailable']), storage: z.enum(['sqlite', 'postgres']) });
export type SyncHealth = z.infer<typeof SyncHealth>;
