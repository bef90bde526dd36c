/**
 * Applies what the engine sends (pulled changes, snapshot records) to the replica with the shared
 * LWW rule. A whole page goes through ONE read-write transaction (bulkGet + bulkPut); applying
 * never touches the outbox.
 */
import type { ChangeIn, ChangeOut, RecordOut } from '../../src-shared/domain/change';
import { changeToWrites } from '../../src-shared/domain/change';
import type { HybridClock } from '../../src-shared/hlc';
import { isDeleted, mergeFields, type FieldWrite } from '../../src-shared/lww';
import { db, recordKey, type StoredRecord } from './schema';

interface Incoming {
  app: string;
  table: string;
  id: string;
  writes: Record<string, FieldWrite>;
  seq: number;
}

/**
 * Only `fields` carries the stamps the engine merged with; the top-level `deletedAt` of a pulled
 * delete is the tombstone's value, and passing it on would make changeToWrites use it as the stamp.
 */
function fromChange(c: ChangeOut): Incoming {
  const asIn: ChangeIn = { eventId: c.eventId, app: c.app, table: c.table, id: c.id, op: c.op, fields: c.fields };
  return { app: c.app, table: c.table, id: c.id, writes: changeToWrites(asIn, c.createdAt), seq: c.seq };
}

function fromRecord(r: RecordOut): Incoming {
  const writes: Record<string, FieldWrite> = {};
  for (const [field, at] of Object.entries(r.meta)) writes[field] = { value: r.data[field] ?? null, at };
  return { app: r.app, table: r.table, id: r.id, writes, seq: r.seq };
}

async function mergePage(items: readonly Incoming[], clock: HybridClock): Promise<void> {
  const keys = [...new Set(items.map((c) => recordKey(c.app, c.table, c.id)))];
  const existing = await db.records.bulkGet(keys);
  const byKey = new Map<string, StoredRecord>();
  existing.forEach((r, i) => {
    if (r) byKey.set(keys[i]!, r);
  });
  for (const item of items) {
    const key = recordKey(item.app, item.table, item.id);
    for (const w of Object.values(item.writes)) clock.observe(w.at);
    const current = byKey.get(key);
    const merged = mergeFields(current, item.writes).record;
    byKey.set(key, {
      key,
      app: item.app,
      table: item.table,
      id: item.id,
      data: merged.data,
      meta: merged.meta,
      deleted: isDeleted(merged) ? 1 : 0,
      seq: Math.max(current?.seq ?? 0, item.seq),
    });
  }
  if (byKey.size) await db.records.bulkPut(keys.map((k) => byKey.get(k)!));
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
export async function applyPulledPage(changes: readonly ChangeOut[], cursor: number, clock: HybridClock): Promise<void> {
  await db.transaction('rw', [db.records, db.meta], async () => {
    await mergePage(changes.map(fromChange), clock);
    await advanceCursor(cursor);
  });
}

/** Merges one page of snapshot records; the cursor is set once the last page is in (`cursor`). */
export async function applySnapshotPage(records: readonly RecordOut[], cursor: number | null, clock: HybridClock): Promise<void> {
  await db.transaction('rw', [db.records, db.meta], async () => {
    await mergePage(records.map(fromRecord), clock);
    if (cursor !== null) await advanceCursor(cursor);
  });
}
