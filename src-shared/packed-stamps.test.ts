import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldStamps, FieldValues } from './lww';
import { packStamps, unpackStamps } from './packed-stamps';

const A = '2026-04-01T10:00:00.000Z-0000-00000000000000a1';
const B = '2026-04-01T10:05:00.000Z-0000-00000000000000b2';

describe('packed field stamps', () => {
  it('keeps the stamp every field of a change shares once', () => {
    const data = { title: 'a', done: false, deletedAt: null };
    const text = packStamps({ title: A, done: A, deletedAt: A }, data);
    expect(text).toBe(JSON.stringify([A, {}]));
    expect(unpackStamps(JSON.parse(text), data)).toEqual({ title: A, done: A, deletedAt: A });
  });

  it('lists the fields whose stamp differs, a field of the data without a stamp, and a stamp without a field', () => {
    const data = { title: 'a', done: true, note: 'x' };
    const meta = { title: A, done: B, note: A, gone: B, extra: B };
    const text = packStamps(meta, data);
    // B is as common as A: ties go to the larger stamp, whatever the order
    expect(text).toBe(JSON.stringify([B, { title: A, note: A, extra: B, gone: B }]));
    expect(unpackStamps(JSON.parse(text), data)).toEqual(meta);
    expect(JSON.parse(packStamps({ title: A }, { title: 'a', done: true }))).toEqual([A, { done: null }]);
    expect(unpackStamps(JSON.parse(packStamps({ title: A }, { title: 'a', done: true })), { title: 'a', done: true })).toEqual({ title: A });
  });

  it('reads the plain form as it is', () => {
    expect(unpackStamps({ title: A, done: B }, { title: 'a' })).toEqual({ title: A, done: B });
  });

  it('says what cannot be read, naming the column', () => {
    expect(unpackStamps([A], {}, 'field_meta')).toMatch(/field_meta is neither/);
    expect(unpackStamps(['yesterday', {}], { title: 'a' }, 'field_meta')).toBe('field_meta[0] is not a stamp');
    expect(unpackStamps([A, { title: 'soon' }], { title: 'a' }, 'field_meta')).toBe('field_meta.title is not a stamp');
    expect(unpackStamps({ title: 5 }, { title: 'a' }, 'field_meta')).toBe('field_meta.title is not a stamp');
  });

  it('round-trips any stamps, and packs the same stamps to the same text whatever order they were noted in (property)', () => {
    const field = fc.constantFrom('title', 'done', 'note', 'deletedAt', 'updatedAt');
    const stamp = fc.constantFrom(A, B, '2026-04-01T09:00:00.000Z-0003-00000000000000c3');
    fc.assert(
      fc.property(fc.dictionary(field, stamp), fc.uniqueArray(field), (meta: FieldStamps, dataFields: string[]) => {
        const data: FieldValues = Object.fromEntries(dataFields.map((f) => [f, f.length]));
        const text = packStamps(meta, data);
        expect(unpackStamps(JSON.parse(text), data)).toEqual(meta);
        const reordered = Object.fromEntries(Object.entries(meta).reverse());
        expect(packStamps(reordered, data)).toBe(text);
      }),
    );
  });
});
