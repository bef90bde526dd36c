/**
 * Applies what the engine sends (pulled changes, snapshot records) to the replica with the shared
 * merge of src-shared/replica.ts. A whole page goes through ONE read-write transaction (bulkGet +
 * bulkPut); applying never touches the outbox. Pulled changes that overwrite a value the user wrote
 * here are kept as conflicts (Activity lists them) and announced to subscribers (toasts).
 */
import { AI_APP, TABLES } from '../../src-shared/domain/ai';
import type { HybridClock } from '../../src-shared/hlc';
import { applyPulledChanges, applySnapshotRecords, lookupOf, recordKeysOf, type ApplyResult, type ConflictSignal } from '../../src-shared/replica';
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
  const proposals = await db.records.bulkGet(proposalIds.map((id) => recordKey(AI_APP, TABLES.proposals, id)));
  const decided = new Set(proposals.filter((p) => p && p.data.decidedBy).map((p) => p!.id));
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

async function advanceCursor(cursor: number): Promise<void> {
  // Another tab may have pulled further meanwhile: the cursor only moves forward.
  const previous = await readCursor();
  if (cursor > previous) await db.meta.put({ key: 'lastSeq', value: cursor });
}

/** Merges one page of pulled changes and advances the cursor to `cursor`, all or nothing. */
export async function applyPulledPage(changes: readonly unknown[], cursor: number, clock: HybridClock): Promise<void> {
  let result: ApplyResult | null = null;
  let conflicts: ConflictSignal[] = [];
  await db.transaction('rw', [db.records, db.meta, db.conflicts], async () => {
    const keys = recordKeysOf(changes);
    const found = await db.records.bulkGet(keys);
    result = applyPulledChanges(lookupOf(keys, found), changes, { observe: (at) => clock.observe(at) });
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

/** Merges one page of snapshot records; the cursor is set once the last page is in (`cursor`). */
export async function applySnapshotPage(records: readonly unknown[], cursor: number | null, clock: HybridClock): Promise<void> {
  let result: ApplyResult | null = null;
  await db.transaction('rw', [db.records, db.meta], async () => {
    const keys = recordKeysOf(records);
    const found = await db.records.bulkGet(keys);
    result = applySnapshotRecords(lookupOf(keys, found), records, { observe: (at) => clock.observe(at) });
    if (result.puts.length) await db.records.bulkPut(result.puts);
    if (cursor !== null) await advanceCursor(cursor);
  });
  if (result) report(result, []);
}
