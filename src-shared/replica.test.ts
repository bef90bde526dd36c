import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type ChangeOut, RecordOut } from './domain/change';
import type { FieldWrite } from './lww';
import { packStamps } from './packed-stamps';
import { applyPulledChanges, applySnapshotRecords, keySpan, lookupOf, mergeIntoReplica, readRecordOut, recordKey, recordKeysOf, type ReplicaRecord } from './replica';

const at = (minute: number) => `2026-04-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const KEY = recordKey('todo', 'tasks', 't1');
const AGENT = { kind: 'ai', principalId: 'agent:planner', missionId: 'm1', iterationId: 'i1', rationale: 'because' } as const;

let seq = 0;
function pulled(op: ChangeOut['op'], fields: Record<string, FieldWrite>, extra: Partial<ChangeOut> = {}): ChangeOut {
  seq += 1;
  return {
    seq,
    eventId: `e${seq}`,
    app: 'todo',
    table: 'tasks',
    id: 't1',
    op,
    fields,
    actor: null,
    origin: 'user',
    spaceId: null,
    clientId: 'other-device',
    createdAt: at(0),
    ...extra,
  };
}
const f = (value: unknown, minute: number): FieldWrite => ({ value, at: at(minute) });

/** A record the user wrote on this replica. */
function localRecord(fields: Record<string, FieldWrite>, origin: 'user' | 'agent' = 'user'): Map<string, ReplicaRecord> {
  const { record } = mergeIntoReplica(undefined, { app: 'todo', table: 'tasks', id: 't1' }, fields, origin);
  return new Map([[KEY, record]]);
}

describe('applyPulledChanges', () => {
  it('creates a record from an insert, stamped per field and marked as replayed', () => {
    const r = applyPulledChanges(new Map(), [pulled('insert', { title: f('a', 1), deletedAt: f(null, 1) })]);
    expect(r.puts).toEqual([
      {
        key: KEY,
        app: 'todo',
        table: 'tasks',
        id: 't1',
        data: { title: 'a', deletedAt: null },
        meta: { title: at(1), deletedAt: at(1) },
        origins: { title: 'server-replay', deletedAt: 'server-replay' },
        deleted: 0,
        seq: r.maxSeq,
      },
    ]);
    expect(r).toMatchObject({ applied: 1, malformed: [], conflicts: [] });
  });

  it('lets a newer update win on both fields, and splits an older title from a newer priority', () => {
    const base = applyPulledChanges(new Map(), [pulled('insert', { title: f('a', 5), priority: f('low', 5) })]).puts;
    const both = applyPulledChanges(lookupOf([KEY], base), [pulled('update', { title: f('b', 6), priority: f('high', 6) })]).puts[0]!;
    expect(both.data).toMatchObject({ title: 'b', priority: 'high' });
    const split = applyPulledChanges(lookupOf([KEY], base), [pulled('update', { title: f('old', 4), priority: f('high', 6) })]).puts[0]!;
    expect(split.data).toMatchObject({ title: 'a', priority: 'high' });
    expect(split.meta).toMatchObject({ title: at(5), priority: at(6) });
  });

  it('merges several changes to one record within a page and puts it once', () => {
    const r = applyPulledChanges(new Map(), [pulled('insert', { title: f('a', 1) }), pulled('update', { title: f('b', 2) }), pulled('update', { title: f('older', 0) })]);
    expect(r.puts).toHaveLength(1);
    expect(r.puts[0]!.data.title).toBe('b');
    expect(r.applied).toBe(3);
  });

  it('applies a tombstone, and a newer insert revives', () => {
    const deleted = applyPulledChanges(new Map(), [pulled('insert', { title: f('a', 1), deletedAt: f(null, 1) }), pulled('delete', { deletedAt: f(at(2), 2) })]).puts;
    expect(deleted[0]!.deleted).toBe(1);
    const revived = applyPulledChanges(lookupOf([KEY], deleted), [pulled('insert', { title: f('b', 3), deletedAt: f(null, 3) })]).puts[0]!;
    expect(revived).toMatchObject({ deleted: 0, data: { title: 'b', deletedAt: null } });
  });

  it('drops and counts a malformed entry while the valid ones apply', () => {
    const r = applyPulledChanges(new Map(), [
      { nonsense: true },
      pulled('update', { title: f('a', 1) }),
      { ...pulled('update', { title: f('b', 2) }), op: 'upsert' },
      { ...pulled('update', {}), fields: { title: { value: 'x', at: 'yesterday' } } },
      null,
    ]);
    expect(r.malformed.map((m) => m.index)).toEqual([0, 2, 3, 4]);
    expect(r.malformed[2]!.issues[0]).toMatchObject({ path: ['fields', 'title', 'at'] });
    expect(r.applied).toBe(1);
    expect(r.puts[0]!.data).toEqual({ title: 'a' });
  });

  it('ignores an `id` field and reports the highest seq and every stamp it merged', () => {
    const seen: string[] = [];
    const c = pulled('update', { id: f('evil', 9), title: f('a', 1) });
    const r = applyPulledChanges(new Map(), [c], { observe: (s) => seen.push(...s) });
    expect(r.puts[0]!.data).toEqual({ title: 'a' });
    expect(r.maxSeq).toBe(c.seq);
    expect(seen).toEqual([at(1)]);
  });

  it('accepts a lookup function (e.g. over a bulkGet result)', () => {
    const local = localRecord({ title: f('mine', 1) });
    const r = applyPulledChanges((key) => local.get(key), [pulled('update', { priority: f('high', 2) })]);
    expect(r.puts[0]!.data).toEqual({ title: 'mine', priority: 'high' });
    expect(r.puts[0]!.origins).toEqual({ title: 'user', priority: 'server-replay' });
  });
});

describe('conflict signal', () => {
  const overwrite = (local: Map<string, ReplicaRecord>, fields: Record<string, FieldWrite>, opts = {}) =>
    applyPulledChanges(local, [pulled('update', fields, { actor: AGENT, origin: 'agent' })], opts).conflicts;

  it('fires when a strictly newer, different value replaces one the user wrote here', () => {
    const conflicts = overwrite(localRecord({ title: f('mine', 1) }), { title: f('theirs', 2) });
    expect(conflicts).toEqual([
      expect.objectContaining({ key: KEY, field: 'title', localValue: 'mine', remoteValue: 'theirs', localAt: at(1), remoteAt: at(2), actor: AGENT, origin: 'agent' }),
    ]);
  });

  it('does not fire for an empty local value, an equal value, an exact tie, an older value, or an agent-written local value', () => {
    expect(overwrite(localRecord({ title: f(null, 1) }), { title: f('theirs', 2) })).toEqual([]);
    expect(overwrite(localRecord({ title: f('', 1) }), { title: f('theirs', 2) })).toEqual([]);
    expect(overwrite(localRecord({ title: f({ a: 1, b: 2 }, 1) }), { title: f({ b: 2, a: 1 }, 2) })).toEqual([]);
    expect(overwrite(localRecord({ title: f('a', 1) }), { title: f('z', 1) })).toEqual([]); // tie: 'z' wins, but not strictly newer
    expect(overwrite(localRecord({ title: f('mine', 3) }), { title: f('theirs', 2) })).toEqual([]);
    expect(overwrite(localRecord({ title: f('mine', 1) }, 'agent'), { title: f('theirs', 2) })).toEqual([]);
  });

  it('does not fire during hydration, nor for a snapshot', () => {
    expect(overwrite(localRecord({ title: f('mine', 1) }), { title: f('theirs', 2) }, { hydrating: true })).toEqual([]);
    const snapshot: RecordOut = { app: 'todo', table: 'tasks', id: 't1', data: { title: 'theirs' }, meta: { title: at(2) }, deleted: false, seq: 7 };
    const r = applySnapshotRecords(localRecord({ title: f('mine', 1) }), [snapshot]);
    expect(r.conflicts).toEqual([]);
    expect(r.puts[0]!.data.title).toBe('theirs');
  });

  it('fires once per field for a burst of replayed updates', () => {
    const local = localRecord({ title: f('mine', 1), note: f('n', 1) });
    const burst = Array.from({ length: 10 }, (_, i) => pulled('update', { title: f(`v${i}`, 2 + i) }));
    const r = applyPulledChanges(local, burst);
    expect(r.conflicts.map((c) => [c.field, c.localValue, c.remoteValue])).toEqual([['title', 'mine', 'v0']]);
    expect(r.puts[0]!.data.title).toBe('v9');
  });

  it('does not fire when the user’s own change comes back from the engine', () => {
    const local = localRecord({ title: f('mine', 1) });
    expect(overwrite(local, { title: f('mine', 1) })).toEqual([]);
    expect(applyPulledChanges(local, [pulled('update', { title: f('mine', 1) })]).puts[0]!.origins?.title).toBe('user');
  });
});

describe('applySnapshotRecords', () => {
  it('merges records with their stamps into what the replica already has', () => {
    const local = localRecord({ title: f('mine, newer', 9) });
    const snapshot: RecordOut = {
      app: 'todo',
      table: 'tasks',
      id: 't1',
      data: { title: 'engine', priority: 'high', deletedAt: null },
      meta: { title: at(5), priority: at(5), deletedAt: at(5) },
      deleted: false,
      seq: 42,
    };
    const r = applySnapshotRecords(local, [snapshot, { app: 'todo' }]);
    expect(r.puts[0]).toMatchObject({ data: { title: 'mine, newer', priority: 'high', deletedAt: null }, seq: 42, deleted: 0 });
    expect(r.malformed.map((m) => m.index)).toEqual([1]);
    expect(r.maxSeq).toBe(42);
  });

  it('reads stamps packed as the engine stores them (a page of format 2) as the plain ones', () => {
    const plain: RecordOut = { app: 'todo', table: 'tasks', id: 't1', data: { title: 'a', done: true, deletedAt: null }, meta: { title: at(5), done: at(7), deletedAt: at(5) }, deleted: false, seq: 4 };
    const packed = { ...plain, meta: JSON.parse(packStamps(plain.meta, plain.data)) as unknown };
    expect(packed.meta).toEqual([at(5), { done: at(7) }]);
    expect(readRecordOut(packed)).toEqual({ success: true, data: plain });
    expect(applySnapshotRecords(new Map(), [packed]).puts).toEqual(applySnapshotRecords(new Map(), [plain]).puts);
    const r = applySnapshotRecords(new Map(), [{ ...plain, meta: [at(5), { done: 'later' }] }, { ...plain, meta: ['soon', {}] }]);
    expect(r.malformed.map((m) => m.index)).toEqual([0, 1]);
    expect(r.malformed[0]!.issues).toEqual([expect.objectContaining({ path: ['meta'] })]);
  });

  it('keeps tombstones', () => {
    const snapshot: RecordOut = { app: 'todo', table: 'tasks', id: 't1', data: { deletedAt: at(3) }, meta: { deletedAt: at(3) }, deleted: true, seq: 3 };
    expect(applySnapshotRecords(new Map(), [snapshot]).puts[0]!.deleted).toBe(1);
  });

  it('reports records whose fields or stamps are not what the engine sends, naming the field', () => {
    const good: RecordOut = { app: 'todo', table: 'tasks', id: 't1', data: { title: 'a' }, meta: { title: at(1) }, deleted: false, seq: 1 };
    const r = applySnapshotRecords(new Map(), [
      { ...good, meta: { title: at(1), done: 'yesterday' } },
      { ...good, meta: { title: 5 } },
      { ...good, meta: [at(1)] },
      { ...good, data: ['a'] },
      { ...good, data: null },
      good,
    ]);
    expect(r.malformed.map((m) => m.index)).toEqual([0, 1, 2, 3, 4]);
    expect(r.malformed[0]!.issues).toEqual([expect.objectContaining({ path: ['meta', 'done'], message: 'not a stamp' })]);
    expect(r.malformed[1]!.issues).toEqual([expect.objectContaining({ path: ['meta', 'title'] })]);
    expect(r.malformed[2]!.issues).toEqual([expect.objectContaining({ path: ['meta'] })]);
    expect(r.malformed[3]!.issues).toEqual([expect.objectContaining({ path: ['data'] })]);
    expect(r.applied).toBe(1);
  });
});

describe('hydration\'s short cuts', () => {
  const stamp = fc.oneof(
    fc.constantFrom(at(1), at(2), '2026-04-01T10:00:00Z', '2026-04-01T10:00:00.000500Z', '2026-04-01T12:00:00+02:00'),
    fc.constantFrom('2026-04-01T10:00:00.000Z-0001-00000000000000c1', '2026-04-01T10:00:00.000Z-0002-00000000000000c2'),
  );
  const value = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const field = fc.constantFrom('title', 'done', 'id', 'deletedAt', 'tags');
  const record = fc.record({
    app: fc.constantFrom('todo', 'ai'),
    table: fc.constantFrom('tasks', 'aiProposals'),
    id: fc.constantFrom('a', 'b', 'c'),
    data: fc.dictionary(field, value),
    meta: fc.dictionary(field, stamp),
    deleted: fc.boolean(),
    seq: fc.integer({ min: -2, max: 50 }),
  });

  it('a record new to the replica is built as merging it into nothing builds it, stamps observed alike', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), (records) => {
        const seen: string[] = [];
        const fast = applySnapshotRecords(new Map(), records, { observe: (stamps) => seen.push(...stamps) });
        // The reference: every record merged with mergeIntoReplica, one after the other.
        const expected = new Map<string, ReplicaRecord>();
        for (const r of records) {
          const writes: Record<string, FieldWrite> = {};
          for (const [name, stampOf] of Object.entries(r.meta)) if (name !== 'id') writes[name] = { value: r.data[name] ?? null, at: stampOf };
          const key = recordKey(r.app, r.table, r.id);
          expected.set(key, mergeIntoReplica(expected.get(key), r, writes, 'server-replay', r.seq).record);
        }
        expect(fast.puts).toEqual([...expected.values()]);
        expect(new Set(seen)).toEqual(new Set(records.flatMap((r) => Object.entries(r.meta).filter(([n]) => n !== 'id').map(([, s]) => s))));
      }),
    );
  });

  it('readRecordOut accepts exactly what RecordOut accepts', () => {
    const anything = fc.oneof(fc.anything(), record, record.map((r) => ({ ...r, meta: { ...r.meta, done: 'not a stamp' } })), record.map((r) => ({ ...r, seq: 1.5 })));
    fc.assert(
      fc.property(anything, (entry) => {
        expect(readRecordOut(entry).success).toBe(RecordOut.safeParse(entry).success);
      }),
      { numRuns: 500 },
    );
  });
});

describe('helpers', () => {
  it('recordKeysOf names each record once, skipping entries without a name', () => {
    expect(recordKeysOf([pulled('update', {}), pulled('update', {}), { app: 'a', table: 'b', id: 'c' }, { app: 1 }, null])).toEqual([KEY, 'a/b/c']);
  });

  it('keySpan bounds a page’s keys', () => {
    expect(keySpan(['todo/tasks/b', 'ai/x/1', 'todo/tasks/a'])).toEqual({ lower: 'ai/x/1', upper: 'todo/tasks/b' });
    expect(keySpan([])).toBeNull();
  });

  it('lookupOf pairs keys with a bulkGet result', () => {
    const rec = localRecord({ title: f('x', 1) }).get(KEY)!;
    expect(lookupOf(['a', KEY], [undefined, rec])).toEqual(new Map([[KEY, rec]]));
  });

  it('mergeIntoReplica records the origin of the fields a local write changed', () => {
    const first = mergeIntoReplica(undefined, { app: 'todo', table: 'tasks', id: 't1' }, { title: f('a', 1), note: f('n', 1) }, 'server-replay', 4).record;
    const { record, applied } = mergeIntoReplica(first, first, { title: f('b', 2), note: f('old', 0) }, 'user');
    expect(applied).toEqual(['title']);
    expect(record.origins).toEqual({ title: 'user', note: 'server-replay' });
    expect(record.seq).toBe(4);
  });
});
