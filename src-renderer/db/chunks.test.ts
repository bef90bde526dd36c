import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordKey, type ReplicaRecord } from '../../src-shared/replica';
import { utf8Compare } from './testing/engine-order';
import { candidateChunks, copiesIn, decodeChunk, lowerBound, mergeOverlay, recordsOf, type RecordChunk, sortsAlike, splitIntoChunks, tablePrefixOf } from './chunks';

const AT = '2026-01-01T00:00:00.000Z-0000-00000000000000c1';

function rec(app: string, table: string, id: string, title = id): ReplicaRecord {
  return { key: recordKey(app, table, id), app, table, id, data: { title }, meta: { title: AT }, origins: { title: 'server-replay' }, deleted: 0, seq: 1 };
}

/** What a chunk gives back: the record without origins (see ChunkedRecord). */
function chunked(r: ReplicaRecord): ReplicaRecord {
  const { origins: _origins, ...rest } = r;
  return rest;
}

/** The engine's snapshot order: (app, table, id), each in UTF-8 byte order. */
function snapshotOrder(records: ReplicaRecord[]): ReplicaRecord[] {
  return [...records].sort((a, b) => utf8Compare(a.app, b.app) || utf8Compare(a.table, b.table) || utf8Compare(a.id, b.id));
}

/** Chunks as IndexedDB returns them: by lastKey. */
function stored(chunks: RecordChunk[]): RecordChunk[] {
  return [...chunks].sort((a, b) => (a.lastKey < b.lastKey ? -1 : 1));
}

function find(chunks: RecordChunk[], keys: string[]): Map<string, ReplicaRecord> {
  const wanted = new Set(candidateChunks(
    chunks.map((c) => c.lastKey),
    keys,
  ));
  return copiesIn(
    chunks.filter((c) => wanted.has(c.lastKey)).map(decodeChunk),
    keys,
  );
}

const byKey = (a: ReplicaRecord, b: ReplicaRecord) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe('sortsAlike', () => {
  it('accepts ids below U+D800, where UTF-16 and UTF-8 order agree, and refuses the others', () => {
    expect(sortsAlike('task-00a1')).toBe(true);
    expect(sortsAlike('Überweisung \u00e9\u4e2d\ud7ff')).toBe(true);
    expect(sortsAlike('\ue000')).toBe(false);
    expect(sortsAlike('\uffff')).toBe(false);
    expect(sortsAlike('a\u{1f600}')).toBe(false);
  });

  it('is right: JavaScript order equals UTF-8 byte order for such ids', () => {
    const id = fc.string({ unit: 'binary', maxLength: 6 }).filter(sortsAlike);
    fc.assert(fc.property(id, id, (a, b) => Math.sign(utf8Compare(a, b)) === Math.sign(a < b ? -1 : a > b ? 1 : 0)));
    // and why the others stay out: U+E000 sorts after a surrogate pair in UTF-16, before it in UTF-8
    expect('\ue000' > '\u{1f600}').toBe(true);
    expect(utf8Compare('\ue000', '\u{1f600}')).toBeLessThan(0);
  });
});

describe('tablePrefixOf', () => {
  it('is the key up to the second slash, whatever the id holds', () => {
    expect(tablePrefixOf('todo/tasks/a/b')).toBe('todo/tasks/');
    expect(tablePrefixOf('ai/aiProposals/it.1')).toBe('ai/aiProposals/');
  });
});

describe('splitIntoChunks', () => {
  it('cuts runs of one table at `size` records and gives the records back in key order', () => {
    const records = [rec('todo', 'lists', 'x'), ...['a', 'b', 'c', 'd', 'e'].map((id) => rec('todo', 'tasks', id))];
    const { chunks, rest } = splitIntoChunks(records, 2);
    expect(rest).toEqual([]);
    expect(chunks.map((c) => [c.app, c.table, c.firstKey, c.lastKey])).toEqual([
      ['todo', 'lists', 'todo/lists/x', 'todo/lists/x'],
      ['todo', 'tasks', 'todo/tasks/a', 'todo/tasks/b'],
      ['todo', 'tasks', 'todo/tasks/c', 'todo/tasks/d'],
      ['todo', 'tasks', 'todo/tasks/e', 'todo/tasks/e'],
    ]);
    expect(chunks.flatMap(recordsOf)).toEqual(records.map(chunked));
  });

  it('stores the stamps packed, and reads chunks written before with plain stamps', () => {
    const later = '2026-01-02T00:00:00.000Z-0000-00000000000000c1';
    const r: ReplicaRecord = { ...rec('todo', 'tasks', 'a'), data: { title: 'a', done: true, note: null }, meta: { title: AT, done: later, note: AT } };
    const [chunk] = splitIntoChunks([r]).chunks;
    expect((JSON.parse(chunk!.records) as { meta: unknown }[])[0]!.meta).toEqual([AT, { done: later }]);
    expect(recordsOf(chunk!)).toEqual([chunked(r)]);
    const old: RecordChunk = { ...chunk!, records: JSON.stringify([{ id: 'a', data: r.data, meta: r.meta, deleted: 0, seq: 1 }]) };
    expect(recordsOf(old)).toEqual([chunked(r)]);
  });

  it('leaves to the overlay ids that may sort differently and records out of key order', () => {
    const high = rec('todo', 'tasks', 'b\u{1f600}');
    const late = rec('todo', 'tasks', 'a');
    const { chunks, rest } = splitIntoChunks([rec('todo', 'tasks', 'b'), high, rec('todo', 'tasks', 'c'), late], 10);
    expect(rest).toEqual([high, late]);
    expect(chunks.flatMap(recordsOf).map((r) => r.id)).toEqual(['b', 'c']);
  });
});

describe('finding a record in the chunks', () => {
  it('lowerBound is the first lastKey at or after a key', () => {
    expect(lowerBound(['b', 'd', 'f'], 'a')).toBe(0);
    expect(lowerBound(['b', 'd', 'f'], 'd')).toBe(1);
    expect(lowerBound(['b', 'd', 'f'], 'e')).toBe(2);
    expect(lowerBound(['b', 'd', 'f'], 'g')).toBe(3);
  });

  it('finds every chunked record and nothing else, over tables whose names sort differently as keys', () => {
    // 'a-b' < 'a' as key prefixes ('-' < '/') but 'a' < 'a-b' in the engine's (app, table) order.
    const table = fc.constantFrom(['a', 't'], ['a-b', 't'], ['a', 't.x'], ['b', 't']);
    const id = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), fc.constantFrom('a', 'a/b', 'b\u{1f600}', '\ue000'));
    const records = fc.uniqueArray(fc.tuple(table, id), { selector: ([[app, t], i]) => recordKey(app, t, i), maxLength: 40 }).map((rs) => rs.map(([[app, t], i]) => rec(app, t, i)));
    fc.assert(
      fc.property(records, fc.integer({ min: 1, max: 5 }), fc.array(fc.tuple(table, id), { maxLength: 10 }), (all, size, probes) => {
        const { chunks, rest } = splitIntoChunks(snapshotOrder(all), size);
        const inChunks = all.filter((r) => !rest.includes(r));
        const keys = [...all.map((r) => r.key), ...probes.map(([[app, t], i]) => recordKey(app, t, i))];
        const found = find(stored(chunks), keys);
        expect([...found.values()].sort(byKey)).toEqual(inChunks.map(chunked).sort(byKey));
        // the chunks, read in lastKey order, list their records in key order
        expect(stored(chunks).flatMap(recordsOf)).toEqual(inChunks.map(chunked).sort(byKey));
      }),
    );
  });
});

describe('mergeOverlay', () => {
  it('merges two key-ordered lists, the overlay winning a key both hold', () => {
    const newer = rec('todo', 'tasks', 'b', 'newer');
    expect(mergeOverlay([rec('todo', 'tasks', 'a'), rec('todo', 'tasks', 'b'), rec('todo', 'tasks', 'd')], [newer, rec('todo', 'tasks', 'c'), rec('todo', 'tasks', 'e')])).toEqual([
      rec('todo', 'tasks', 'a'),
      newer,
      rec('todo', 'tasks', 'c'),
      rec('todo', 'tasks', 'd'),
      rec('todo', 'tasks', 'e'),
    ]);
    expect(mergeOverlay([], [newer])).toEqual([newer]);
    expect(mergeOverlay([newer], [])).toEqual([newer]);
  });
});
