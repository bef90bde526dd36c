import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, type FieldWrite, isDeleted, type LwwRecord, mergeFields, writeWins } from './lww';

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;

describe('writeWins', () => {
  it('lets the larger stamp win, in either format', () => {
    expect(writeWins({ value: 'new', at: at(2) }, at(1), 'old')).toBe(true);
    expect(writeWins({ value: 'old', at: at(1) }, at(2), 'new')).toBe(false);
    expect(writeWins({ value: 'hlc', at: `${at(1)}-0000-00000000000000aa` }, at(1), 'plain')).toBe(true);
    expect(writeWins({ value: 'x', at: '2026-01-01T00:00:00Z' }, '2026-01-01T00:00:00.500Z', 'y')).toBe(false);
  });

  it('takes anything over a field that was never written', () => {
    expect(writeWins({ value: null, at: at(0) }, undefined, undefined)).toBe(true);
  });

  it('breaks an exact tie by the value, never by arrival', () => {
    expect(writeWins({ value: 'b', at: at(1) }, at(1), 'a')).toBe(true);
    expect(writeWins({ value: 'a', at: at(1) }, at(1), 'b')).toBe(false);
  });

  it('breaks a tie of instant and value by the stamp spelling, and ignores a true duplicate', () => {
    const plain = '2026-01-01T00:01:00Z';
    expect(writeWins({ value: 'v', at: plain }, at(1), 'v')).toBe(plain > at(1));
    expect(writeWins({ value: 'v', at: at(1) }, plain, 'v')).toBe(at(1) > plain);
    expect(writeWins({ value: 'v', at: at(1) }, at(1), 'v')).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order and treats undefined as null', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('mergeFields', () => {
  it('merges per field and reports what it applied, without mutating its inputs', () => {
    const current: LwwRecord = { data: { title: 'a', priority: 'low' }, meta: { title: at(5), priority: at(1) } };
    const frozen = structuredClone(current);
    const { record, applied } = mergeFields(current, { title: { value: 'older', at: at(3) }, priority: { value: 'high', at: at(6) } });
    expect(record).toEqual({ data: { title: 'a', priority: 'high' }, meta: { title: at(5), priority: at(6) } });
    expect(applied).toEqual(['priority']);
    expect(current).toEqual(frozen);
  });

  it('stores undefined as null', () => {
    expect(mergeFields(undefined, { note: { value: undefined, at: at(1) } }).record.data).toEqual({ note: null });
  });

  it('treats the tombstone as a field: newer revives, older cannot', () => {
    const deleted = mergeFields(undefined, { title: { value: 'a', at: at(1) }, deletedAt: { value: at(2), at: at(2) } }).record;
    expect(isDeleted(deleted)).toBe(true);
    expect(isDeleted(mergeFields(deleted, { deletedAt: { value: null, at: at(1) } }).record)).toBe(true);
    expect(isDeleted(mergeFields(deleted, { deletedAt: { value: null, at: at(3) } }).record)).toBe(false);
  });

  it('isDeleted accepts only a set tombstone', () => {
    for (const d of [undefined, null, '', false]) expect(isDeleted({ data: { deletedAt: d }, meta: {} })).toBe(false);
    expect(isDeleted(undefined)).toBe(false);
    expect(isDeleted({ data: { deletedAt: at(1) }, meta: {} })).toBe(true);
  });
});

/**
 * Random writes over a few fields, with stamps drawn from a small pool so exact ties, ties across
 * spellings and duplicates are common.
 */
const STAMPS = [at(1), '2026-01-01T00:01:00Z', '2026-01-01T01:01:00+01:00', at(2), `${at(2)}-0000-00000000000000aa`, `${at(2)}-0000-00000000000000bb`, '2026-01-01T00:02:00.000000001Z'];
const fieldWrite = fc.record({
  field: fc.constantFrom('title', 'priority', 'deletedAt', 'tags'),
  at: fc.constantFrom(...STAMPS),
  value: fc.oneof(fc.constantFrom('a', 'b', null, 1, true), fc.constant({ y: 1, x: [1, 2] }), fc.constant({ x: [1, 2], y: 1 })),
});

function applyAll(order: { field: string; at: string; value: unknown }[]): LwwRecord | undefined {
  let record: LwwRecord | undefined;
  for (const w of order) record = mergeFields(record, { [w.field]: { value: w.value, at: w.at } as FieldWrite }).record;
  return record;
}

describe('convergence (property)', () => {
  it('any order of arrival, duplicates included, gives the same record', () => {
    fc.assert(
      fc.property(
        fc.array(fieldWrite, { minLength: 1, maxLength: 30 }).chain((writes) =>
          fc.tuple(
            fc.constant(writes),
            // another arrival order of the same writes, some of them delivered twice
            fc.shuffledSubarray(writes, { minLength: 0 }).chain((dups) => fc.shuffledSubarray([...writes, ...dups], { minLength: writes.length + dups.length })),
          ),
        ),
        ([writes, otherOrder]) => {
          const a = applyAll(writes);
          const b = applyAll(otherOrder);
          // Structurally equal (two spellings of one object value may keep either key order).
          expect(b).toEqual(a);
          expect(b!.meta).toStrictEqual(a!.meta);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('merging in batches equals merging one by one (associative)', () => {
    fc.assert(
      fc.property(fc.array(fieldWrite, { minLength: 1, maxLength: 20 }), fc.nat(20), (writes, cut) => {
        const batch = (ws: typeof writes) => {
          // A batch holds at most one write per field, like a change does.
          const out: Record<string, FieldWrite> = {};
          for (const w of ws) out[w.field] = { value: w.value, at: w.at };
          return out;
        };
        const head = writes.slice(0, cut);
        const tail = writes.slice(cut);
        const one = applyAll([...Object.entries(batch(head)), ...Object.entries(batch(tail))].map(([field, w]) => ({ field, ...w })));
        const two = mergeFields(mergeFields(undefined, batch(head)).record, batch(tail)).record;
        expect(two).toEqual(one ?? { data: {}, meta: {} });
      }),
    );
  });
});
