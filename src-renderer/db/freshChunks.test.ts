import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldStamps, FieldValues } from '../../src-shared/lww';
import { packedStamps } from '../../src-shared/packed-stamps';
import { applySnapshotRecords, type ApplyResult } from '../../src-shared/replica';
import { recordsOf, type RecordChunk, splitIntoChunks } from './chunks';
import { chunkFreshPage } from './freshChunks';
import { utf8Compare } from './testing/engine-order';

const stamp = (n: number) => `2026-01-0${1 + (n % 9)}T00:00:00.000Z-000${n % 10}-00000000000000c${n % 10}`;

/** A record as the engine sends it in a snapshot page: its stamps packed as it stores them. */
function sent(app: string, table: string, id: string, data: FieldValues, meta: FieldStamps, seq = 1) {
  return { app, table, id, data, meta: packedStamps(meta, data), deleted: data.deletedAt != null, seq };
}

const everyField = (data: FieldValues, at: string): FieldStamps => Object.fromEntries(Object.keys(data).map((f) => [f, at]));

/** What the general way makes of a page new to the replica: the merge, then splitIntoChunks. */
function merged(entries: readonly unknown[], size: number): { applied: ApplyResult; chunks: RecordChunk[]; overlay: ApplyResult['puts']; stamps: string[] } {
  const stamps: string[] = [];
  const applied = applySnapshotRecords(new Map(), entries, { observe: (s) => stamps.push(...s) });
  const { chunks, rest } = splitIntoChunks(applied.puts, size);
  return { applied, chunks, overlay: rest, stamps };
}

/** The two ways agree on everything a replica keeps and reads back. */
function expectSameAsMerged(entries: readonly unknown[], size: number): void {
  const fresh = chunkFreshPage(entries, size);
  expect(fresh).not.toBeNull();
  const general = merged(entries, size);
  const shape = (chunks: RecordChunk[]) => chunks.map(({ firstKey, lastKey, app, table }) => ({ firstKey, lastKey, app, table }));
  expect(shape(fresh!.chunks)).toEqual(shape(general.chunks));
  expect(fresh!.chunks.map(recordsOf)).toEqual(general.chunks.map(recordsOf));
  expect(fresh!.overlay).toEqual(general.overlay);
  expect(fresh!.applied.applied).toBe(general.applied.applied);
  expect(fresh!.applied.malformed.map((m) => m.index)).toEqual(general.applied.malformed.map((m) => m.index));
  expect(new Set(fresh!.stamps)).toEqual(new Set(general.stamps));
  expect(new Set(fresh!.keys)).toEqual(new Set(general.applied.puts.map((r) => r.key).concat(keysOfMalformed(entries, general.applied))));
}

function keysOfMalformed(entries: readonly unknown[], applied: ApplyResult): string[] {
  return applied.malformed.flatMap((m) => {
    const e = entries[m.index] as { app?: unknown; table?: unknown; id?: unknown } | null;
    return e && typeof e.app === 'string' && typeof e.table === 'string' && typeof e.id === 'string' ? [`${e.app}/${e.table}/${e.id}`] : [];
  });
}

describe('chunkFreshPage', () => {
  it('takes the usual records as sent: their chunks hold exactly what the merge would have stored', () => {
    const page = [
      sent('ai', 'aiProposals', 'p1', { status: 'pending', title: 'Plan' }, everyField({ status: 0, title: 0 }, stamp(1))),
      sent('todo', 'tasks', 'a', { title: 'A', done: false }, { title: stamp(2), done: stamp(3) }),
      sent('todo', 'tasks', 'b', { title: 'B', deletedAt: '2026-01-02T00:00:00.000Z' }, everyField({ title: 0, deletedAt: 0 }, stamp(4)), 7),
      sent('todo', 'tasks', 'c', { title: 'C' }, everyField({ title: 0 }, stamp(5))),
    ];
    const fresh = chunkFreshPage(page, 2)!;
    expect(fresh.chunks.map((c) => [c.firstKey, c.lastKey])).toEqual([
      ['ai/aiProposals/p1', 'ai/aiProposals/p1'],
      ['todo/tasks/a', 'todo/tasks/b'],
      ['todo/tasks/c', 'todo/tasks/c'],
    ]);
    // nothing merged: every record went into a chunk as sent
    expect(fresh.applied.puts).toEqual([]);
    expect(fresh.applied.applied).toBe(4);
    expect(recordsOf(fresh.chunks[1]!)[1]).toMatchObject({ id: 'b', deleted: 1, seq: 7, meta: { title: stamp(4), deletedAt: stamp(4) } });
    expectSameAsMerged(page, 2);
  });

  it('merges, in their place, the records a chunk cannot take as sent', () => {
    const plain = { ...sent('todo', 'tasks', 'b', { title: 'B' }, { title: stamp(2) }), meta: { title: stamp(2) } };
    const unstamped = { ...sent('todo', 'tasks', 'c', { title: 'C', note: 'x' }, { title: stamp(3) }) };
    const extraStamp = { ...sent('todo', 'tasks', 'd', { title: 'D' }, { title: stamp(4), gone: stamp(5) }) };
    const withId = sent('todo', 'tasks', 'e', { title: 'E', id: 'e' }, everyField({ title: 0, id: 0 }, stamp(6)));
    const empty = sent('todo', 'tasks', 'f', {}, {});
    const surrogate = sent('todo', 'tasks', 'z\u{1f600}', { title: 'Z' }, { title: stamp(7) });
    const page = [sent('todo', 'tasks', 'a', { title: 'A' }, { title: stamp(1) }), plain, unstamped, extraStamp, withId, empty, surrogate];
    const fresh = chunkFreshPage(page, 10)!;
    expect(fresh.applied.puts.map((r) => r.id)).toEqual(['b', 'c', 'd', 'e', 'f', 'z\u{1f600}']);
    // one chunk in key order, the merged ones in their place; the id that may sort otherwise in the overlay
    expect(recordsOf(fresh.chunks[0]!).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(fresh.overlay.map((r) => r.id)).toEqual(['z\u{1f600}']);
    expectSameAsMerged(page, 10);
  });

  it('reports unreadable records at their place in the page and keeps the others', () => {
    const page = [
      sent('todo', 'tasks', 'a', { title: 'A' }, { title: stamp(1) }),
      { app: 'todo', table: 'tasks', id: 'b', data: 'not an object', meta: [stamp(2), {}], deleted: false, seq: 1 },
      { ...sent('todo', 'tasks', 'c', { title: 'C' }, { title: stamp(3) }), meta: ['not a stamp', {}] },
      { ...sent('todo', 'tasks', 'd', { title: 'D' }, { title: stamp(4) }), meta: [stamp(4), { title: 'nor this' }] },
      null,
      sent('todo', 'tasks', 'e', { title: 'E' }, { title: stamp(5) }),
    ];
    const fresh = chunkFreshPage(page, 10)!;
    expect(fresh.applied.malformed.map((m) => m.index)).toEqual([1, 2, 3, 4]);
    expect(fresh.chunks.flatMap(recordsOf).map((r) => r.id)).toEqual(['a', 'e']);
    expectSameAsMerged(page, 10);
  });

  it('leaves a page out of the engine order to the merge (no record twice, no chunks overlapping)', () => {
    const a = sent('todo', 'tasks', 'a', { title: 'A' }, { title: stamp(1) });
    const b = sent('todo', 'tasks', 'b', { title: 'B' }, { title: stamp(2) });
    expect(chunkFreshPage([b, a], 10)).toBeNull();
    expect(chunkFreshPage([a, { ...a, data: { title: 'A again' } }], 10)).toBeNull();
    expect(chunkFreshPage([a, sent('notes', 'notes', 'n', { title: 'N' }, { title: stamp(3) })], 10)).toBeNull();
    expect(chunkFreshPage([sent('ai', 'x', 'x', { t: 1 }, { t: stamp(1) }), a, b], 10)).not.toBeNull();
  });

  it('agrees with the merge on any page in the engine order', () => {
    const field = fc.constantFrom('title', 'done', 'deletedAt', 'note');
    const value = fc.oneof(fc.string({ maxLength: 4 }), fc.boolean(), fc.constant(null), fc.integer());
    const record = fc.record({
      table: fc.constantFrom('aiProposals', 'tasks', 'notes'),
      id: fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '\ue000', '\u{1f600}'), minLength: 1, maxLength: 3 }),
      data: fc.dictionary(field, value, { maxKeys: 4 }),
      stamps: fc.array(fc.nat(20), { minLength: 5, maxLength: 5 }),
      form: fc.constantFrom('packed', 'packed', 'packed', 'plain', 'unstamped', 'extra', 'broken'),
      seq: fc.integer({ min: -1, max: 50 }),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), fc.integer({ min: 1, max: 4 }), (records, size) => {
        const seen = new Set<string>();
        const unique = records.filter((r) => !seen.has(`${r.table}/${r.id}`) && seen.add(`${r.table}/${r.id}`));
        // the engine's order: app, table, then id as SQLite compares text (UTF-8 bytes)
        unique.sort((x, y) => (x.table < y.table ? -1 : x.table > y.table ? 1 : utf8Compare(x.id, y.id)));
        const page = unique.map(({ table, id, data, stamps, form, seq }) => {
          const meta: FieldStamps = Object.fromEntries(Object.keys(data).map((f, i) => [f, stamp(stamps[i % stamps.length]!)]));
          const entry = sent('app', table, id, data, meta, seq);
          if (form === 'plain') return { ...entry, meta };
          if (form === 'unstamped' && Object.keys(data).length) return { ...entry, meta: [entry.meta[0], { ...entry.meta[1], [Object.keys(data)[0]!]: null }] };
          if (form === 'extra') return { ...entry, meta: [entry.meta[0] || stamp(1), { ...entry.meta[1], elsewhere: stamp(stamps[0]!) }] };
          if (form === 'broken') return { ...entry, meta: [stamp(1), 'x'] };
          return entry;
        });
        // ids in UTF-8 order are not always in JavaScript order: such a page goes to the merge whole
        if (chunkFreshPage(page, size) === null) return;
        expectSameAsMerged(page, size);
      }),
      { numRuns: 300 },
    );
  });
});
