/**
 * Applies what the engine sends (pulled changes, snapshot records) to the replica with the shared
 * merge of src-shared/replica.ts. A whole page goes through ONE read-write transaction (read the
 * records it touches through records.ts, merge, write); applying never touches the outbox. Merged
 * records go to the overlay complete; snapshot records new to the replica go into chunks. Pulled
 * changes that overwrite a value the user wrote here are kept as conflicts (Activity lists them)
 * and announced to subscribers (toasts).
 */
import type { HybridClock } from '../../src-shared/hlc';
import { applyPulledChanges, applySnapshotRecords, recordKeysOf, type ApplyResult, type ConflictSignal } from '../../src-shared/replica';
import { CHUNK_SIZE, splitIntoChunks } from './chunks';
import { chunkFreshPage } from './freshChunks';
import { NO_WATERMARKS, type Watermarks } from './derive';
import { newId } from '../lib/ids';
import { persistRecords, type RecordWrites } from './persist';
import { getRecords, getRecordsInSpan } from './records';
import { db, recordStores, type ConflictEntry } from './schema';

const EXECUTION_EVENT = /^(.*)\/(effect|revert)\/\d+$/;

/**
 * Whether the user should hear about an overwrite. Not when the runner updated its bookkeeping
 * (nextRunAt and the like), nor when the change is the effect or the revert of a proposal the user
 * decided: they asked for that change. Edits from another device and auto-approved agent writes remain.
 * Read after the page's own writes, so a page carrying both the decision and its effect is quiet.
 */
async function worthTelling(signals: ConflictSignal[]): Promise<ConflictSignal[]> {
  const candidates = signals.filter((s) => s.actor?.kind !== 'system');
  const proposalIds = [...new Set(candidates.map((s) => EXECUTION_EVENT.exec(s.eventId)?.[1]).filter((id): id is string => !!id))];
  if (proposalIds.length === 0) return candidates;
  const proposals = await db.proposals.bulkGet(proposalIds);
  const decided = new Set(proposals.filter((p) => p?.decidedBy).map((p) => p!.id));
  return candidates.filter((s) => {
    const proposalId = EXECUTION_EVENT.exec(s.eventId)?.[1];
    return !proposalId || !decided.has(proposalId);
  });
}

type ConflictListener = (conflicts: ConflictSignal[]) => void;
const conflictListeners = new Set<ConflictListener>();

export function subscribeConflicts(listener: ConflictListener): () => void {
  conflictListeners.add(listener);
  return () => conflictListeners.delete(listener);
}

function report(result: ApplyResult, conflicts: ConflictSignal[]): void {
  if (result.malformed.length) console.warn(`Skipped ${result.malformed.length} unreadable change(s) from the engine`, result.malformed);
  if (conflicts.length) for (const l of conflictListeners) l(conflicts);
}

/** Which hydration's chunks the replica holds (a new id with every clearChunks). */
export async function chunksId(): Promise<string | undefined> {
  return (await db.meta.get('chunksId'))?.value as string | undefined;
}

export async function readCursor(): Promise<number> {
  const entry = await db.meta.get('lastSeq');
  return typeof entry?.value === 'number' ? entry.value : 0;
}

/**
 * Follows the engine's replica epoch (src-shared/api.ts ReplicaEpoch). When it is another than the
 * one this replica copied, the engine rewrote history the replica may hold (stamps from the future
 * were repaired): the records and the cursor are dropped, so the next pull hydrates again. The
 * outbox stays. A replica that pulled before epochs existed starts over once, for the same reason.
 * Returns true when it dropped the replica.
 */
export async function followEpoch(epoch: string): Promise<boolean> {
  return db.transaction('rw', [...recordStores(), db.meta], async () => {
    const copied = await db.meta.get('epoch');
    if (copied?.value === epoch) return false;
    await db.meta.put({ key: 'epoch', value: epoch });
    if (copied === undefined && (await readCursor()) === 0) return false;
    // every record store (the overlay would otherwise win over the snapshot with its old stamps)
    await Promise.all([db.records.clear(), db.chunks.clear(), db.proposals.clear()]);
    await db.meta.bulkPut([
      { key: 'lastSeq', value: 0 },
      { key: 'watermarks', value: NO_WATERMARKS },
      { key: 'chunksId', value: newId() },
    ]);
    return true;
  });
}

async function advanceCursor(cursor: number): Promise<void> {
  // Another tab may have pulled further meanwhile: the cursor only moves forward.
  const previous = await readCursor();
  if (cursor > previous) await db.meta.put({ key: 'lastSeq', value: cursor });
}

/** Merges one page of pulled changes and advances the cursor to `cursor`, all or nothing. */
export async function applyPulledPage(changes: readonly unknown[], cursor: number, clock: HybridClock): Promise<void> {
  let result: ApplyResult | null = null;
  let conflicts: ConflictSignal[] = [];
  await db.transaction('rw', [...recordStores(), db.meta, db.conflicts], async () => {
    const found = await getRecords(recordKeysOf(changes));
    result = applyPulledChanges(found, changes, { observe: (stamps) => clock.observeAll(stamps) });
    await persistRecords({ overlay: result.puts });
    conflicts = await worthTelling(result.conflicts);
    if (conflicts.length) {
      const detectedAt = new Date().toISOString();
      await db.conflicts.bulkAdd(conflicts.map((c): ConflictEntry => ({ ...c, detectedAt })));
    }
    await advanceCursor(cursor);
  });
  if (result) report(result, conflicts);
}

export interface SnapshotPagePosition {
  /** the pull cursor to set once this, the last page, is in; null before the last page */
  cursor: number | null;
  /** records per chunk (tests make it small, so that a few records make several chunks) */
  chunkSize?: number;
  /**
   * every record to the overlay, none into chunks: records that are not a run of their table in
   * key order (a proposal's target fetched ahead of its table), which a chunk must never overlap
   */
  overlayOnly?: boolean;
  /** the watermarks of the decisions a hydration leaves in chunks, to store with this page (derive.ts) */
  watermarks?: Watermarks;
  /**
   * the `chunksId` the hydration's chunks are written under: the page is refused (and the cursor
   * not set) when another hydration has cleared them since (another tab, where tabs cannot take
   * turns: hydrator.ts hydrateOnce)
   */
  chunksOf?: string;
}

/** Another tab cleared the chunks this hydration was writing: it stops without setting the cursor (the next sync finds what that tab did). */
export class HydrationOvertaken extends Error {
  constructor() {
    super('Another tab is loading your data at the same time; this one uses what it loads.');
    this.name = 'HydrationOvertaken';
  }
}

/** What a snapshot page writes: merged records to the overlay, records new to the replica into chunks. */
function writesOf(found: ReadonlyMap<string, unknown>, applied: ApplyResult, position: SnapshotPagePosition): RecordWrites {
  const fresh = position.overlayOnly ? [] : applied.puts.filter((r) => !found.has(r.key));
  const { chunks, rest } = splitIntoChunks(fresh, position.chunkSize ?? CHUNK_SIZE);
  const inChunks = new Set(fresh);
  for (const r of rest) inChunks.delete(r);
  return { overlay: applied.puts.filter((r) => !inChunks.has(r)), chunks };
}

/**
 * A page of snapshot records merged into nothing, ready to write: a new replica's page as it will
 * most likely be written (records new to it). Made outside any transaction, so that hydration
 * decodes and encodes one page while IndexedDB commits the one before (writeSnapshotPage checks
 * that the replica has none of its records, and merges again if it has).
 */
export interface PreparedSnapshotPage {
  records: readonly unknown[];
  position: SnapshotPagePosition;
  keys: string[];
  applied: ApplyResult;
  writes: RecordWrites;
}

export function prepareSnapshotPage(records: readonly unknown[], position: SnapshotPagePosition, clock: HybridClock): PreparedSnapshotPage {
  // most records go into chunks as the engine sent them (freshChunks.ts)
  const fresh = position.overlayOnly ? null : chunkFreshPage(records, position.chunkSize ?? CHUNK_SIZE);
  if (fresh) {
    clock.observeAll(fresh.stamps);
    return { records, position, keys: fresh.keys, applied: fresh.applied, writes: { overlay: fresh.overlay, chunks: fresh.chunks } };
  }
  const none = new Map<string, never>();
  const applied = applySnapshotRecords(none, records, { observe: (stamps) => clock.observeAll(stamps) });
  return { records, position, keys: recordKeysOf(records), applied, writes: writesOf(none, applied, position) };
}

/**
 * Writes a prepared snapshot page in ONE transaction. Records the replica already has (a local
 * write made before or during hydration, or fetched ahead) merge as usual into the overlay: when
 * the page has any, it is merged again with them, inside the transaction. Chunks hold engine
 * snapshot data only: a hydration starts by clearing them (persist.ts clearChunks), so an
 * interrupted one starts over and chunks of one table never overlap. Returns the records applied.
 */
export async function writeSnapshotPage(prepared: PreparedSnapshotPage, clock: HybridClock): Promise<number> {
  const { records, position } = prepared;
  let result: ApplyResult | null = null;
  await db.transaction('rw', [...recordStores(), db.meta], async () => {
    if (position.chunksOf !== undefined && (await chunksId()) !== position.chunksOf) throw new HydrationOvertaken();
    const found = await getRecordsInSpan(prepared.keys);
    let { applied, writes } = prepared;
    if (found.size) {
      applied = applySnapshotRecords(found, records, { observe: (stamps) => clock.observeAll(stamps) });
      writes = writesOf(found, applied, position);
    }
    await persistRecords(writes);
    if (position.watermarks) await db.meta.put({ key: 'watermarks', value: position.watermarks });
    if (position.cursor !== null) await advanceCursor(position.cursor);
    result = applied;
  });
  if (result) report(result, []);
  return (result as ApplyResult | null)?.applied ?? 0;
}

/**
 * Merges one page of snapshot records (prepareSnapshotPage, then writeSnapshotPage): records the
 * replica already has merge into the overlay; the others go into chunks, or the overlay for the
 * few that cannot (see splitIntoChunks) or should not (overlayOnly).
 */
export function applySnapshotPage(records: readonly unknown[], position: SnapshotPagePosition, clock: HybridClock): Promise<number> {
  return writeSnapshotPage(prepareSnapshotPage(records, position, clock), clock);
}
