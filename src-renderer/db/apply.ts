/**
 * Applies what the engine sends (pulled changes, snapshot records) to the replica with the shared
 * merge of src-shared/replica.ts. A whole page goes through ONE read-write transaction (read the
 * records it touches through records.ts, merge, write); applying never touches the outbox. Merged
 * records go to the overlay complete; snapshot records new to the replica go into chunks. Pulled
 * changes that overwrite a value the user wrote here are kept as conflicts (Activity lists them)
 * and announced to subscribers (toasts).
 */
import { AI_APP, TABLES } from '../../src-shared/domain/ai';
import type { HybridClock } from '../../src-shared/hlc';
import { applyPulledChanges, applySnapshotRecords, recordKeysOf, type ApplyResult, type ConflictSignal } from '../../src-shared/replica';
import { CHUNK_SIZE, splitIntoChunks } from './chunks';
import { getRecords, getRecordsInSpan } from './records';
import { db, recordKey, type ConflictEntry } from './schema';

const EXECUTION_EVENT = /^(.*)\/(effect|revert)\/\d+$/;

/**
 * Whether the user should hear about an overwrite. Not when the runner updated its bookkeeping
 * (nextRunAt and the like), nor when the change is the effect or the revert of a proposal the user
 * decided: they asked for that change. Edits from another device and auto-approved agent writes remain.
 */
async function worthTelling(signals: ConflictSignal[]): Promise<ConflictSignal[]> {
  const candidates = signals.filter((s) => s.actor?.kind !== 'system');
  const proposalIds = [...new Set(candidates.map((s) => EXECUTION_EVENT.exec(s.eventId)?.[1]).filter((id): id is string => !!id))];
  if (proposalIds.length === 0) return candidates;
  const proposals = await getRecords(proposalIds.map((id) => recordKey(AI_APP, TABLES.proposals, id)));
  const decided = new Set([...proposals.values()].filter((p) => p.data.decidedBy).map((p) => p.id));
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
  return db.transaction('rw', [db.records, db.chunks, db.meta], async () => {
    const copied = await db.meta.get('epoch');
    if (copied?.value === epoch) return false;
    await db.meta.put({ key: 'epoch', value: epoch });
    if (copied === undefined && (await readCursor()) === 0) return false;
    await db.records.clear();
    await db.chunks.clear();
    await db.meta.put({ key: 'lastSeq', value: 0 });
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
  await db.transaction('rw', [db.records, db.chunks, db.meta, db.conflicts], async () => {
    const found = await getRecords(recordKeysOf(changes));
    result = applyPulledChanges(found, changes, { observe: (stamps) => clock.observeAll(stamps) });
    if (result.puts.length) await db.records.bulkPut(result.puts);
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
  /** the first page of a hydration: the chunks of an earlier, interrupted one are dropped */
  first: boolean;
  /** the pull cursor to set once this, the last page, is in; null before the last page */
  cursor: number | null;
  /** records per chunk (tests make it small, so that a few records make several chunks) */
  chunkSize?: number;
}

/**
 * Merges one page of snapshot records. Records the replica already has (a local write made before
 * hydration) merge as usual into the overlay; the others go into chunks, or the overlay for the few
 * that cannot (see splitIntoChunks). Chunks hold engine snapshot data only: a hydration starts
 * with none, so an interrupted one starts over and chunks of one table never overlap.
 */
export async function applySnapshotPage(records: readonly unknown[], position: SnapshotPagePosition, clock: HybridClock): Promise<void> {
  let result: ApplyResult | null = null;
  await db.transaction('rw', [db.records, db.chunks, db.meta], async () => {
    if (position.first) await db.chunks.clear();
    const found = await getRecordsInSpan(recordKeysOf(records));
    const applied = applySnapshotRecords(found, records, { observe: (stamps) => clock.observeAll(stamps) });
    const { chunks, rest } = splitIntoChunks(
      applied.puts.filter((r) => !found.has(r.key)),
      position.chunkSize ?? CHUNK_SIZE,
    );
    const overlay = [...applied.puts.filter((r) => found.has(r.key)), ...rest];
    if (chunks.length) await db.chunks.bulkAdd(chunks);
    if (overlay.length) await db.records.bulkPut(overlay);
    if (position.cursor !== null) await advanceCursor(position.cursor);
    result = applied;
  });
  if (result) report(result, []);
}
