import { describe, expect, it } from 'vitest';
import { ChangeIn, changeToWrites } from './change';

const ARRIVAL = '2026-05-01T00:00:00.000Z-0000-00000000000000aa';
const base = { eventId: 'e1', app: 'todo', table: 'tasks', id: 't1' } as const;
const parse = (raw: Record<string, unknown>) => ChangeIn.parse({ ...base, ...raw });

describe('ChangeIn', () => {
  it('accepts {value, at} and the legacy {value, updatedAt}', () => {
    expect(ChangeIn.safeParse({ ...base, op: 'update', fields: { title: { value: 'a', at: '2026-01-01T00:00:00Z' } } }).success).toBe(true);
    expect(ChangeIn.safeParse({ ...base, op: 'update', fields: { title: { value: 'a', updatedAt: '2026-01-01T00:00:00Z' } } }).success).toBe(true);
  });

  it('rejects a bad stamp, an unknown key, an empty update and a wrong schema version', () => {
    for (const raw of [
      { op: 'update', fields: { title: { value: 'a', at: 'tomorrow' } } },
      { op: 'update', fields: { title: { value: 'a', at: '2026-01-01T00:00:00Z', extra: 1 } } },
      { op: 'update' },
      { op: 'upsert', data: {} },
      { op: 'insert', data: {}, schemaVersion: 2 },
      { op: 'insert', data: {}, surprise: true },
    ]) {
      expect(ChangeIn.safeParse({ ...base, ...raw }).success, JSON.stringify(raw)).toBe(false);
    }
  });

  it('says what is wrong with a field change, and where', () => {
    const at = '2026-01-01T00:00:00Z';
    const first = (fields: unknown) => {
      const result = ChangeIn.safeParse({ ...base, op: 'update', fields });
      expect(result.success).toBe(false);
      const issue = result.error!.issues[0]!;
      return { path: issue.path, message: issue.message };
    };
    const shape = 'a field change is {value, at} (or the legacy {value, updatedAt})';
    expect(first({ title: 'x' })).toEqual({ path: ['fields', 'title'], message: shape });
    expect(first({ title: { value: 'x' } })).toEqual({ path: ['fields', 'title'], message: `no stamp: ${shape}` });
    expect(first({ title: { value: 'x', at, updatedAt: at } })).toEqual({ path: ['fields', 'title'], message: `both \`at\` and \`updatedAt\`: ${shape}` });
    expect(first({ title: { value: 'x', at, extra: 1 } })).toEqual({ path: ['fields', 'title'], message: `unknown key "extra": ${shape}` });
    expect(first({ title: { value: 'x', updatedAt: '2026-02-30T00:00:00Z' } })).toEqual({ path: ['fields', 'title', 'updatedAt'], message: expect.stringMatching(/^must be an ISO-8601 instant/) });
    expect(first({ '': { value: 'x', at } })).toEqual({ path: ['fields', ''], message: 'a field name is 1 to 200 characters' });
    expect(first([{ value: 'x', at }])).toEqual({ path: ['fields'], message: expect.stringMatching(/^expected an object of field changes/) });
    expect(first(Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`f${i}`, { value: i, at }])))).toEqual({ path: ['fields'], message: 'more than 1000 fields in one change' });
    expect(first({ title: { value: { deep: JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) }, at } }).path.slice(0, 4)).toEqual(['fields', 'title', 'value', 'deep']);
  });
});

describe('changeToWrites', () => {
  it('keeps the stamps a client supplied, as given', () => {
    const writes = changeToWrites(parse({ op: 'update', fields: { a: { value: 1, at: '2026-01-01T00:00:00Z' }, b: { value: 2, updatedAt: '2026-01-01T01:00:00+01:00' } } }), ARRIVAL);
    expect(writes).toEqual({ a: { value: 1, at: '2026-01-01T00:00:00Z' }, b: { value: 2, at: '2026-01-01T01:00:00+01:00' } });
  });

  it('stamps an insert without per-field stamps with data.updatedAt, else data.createdAt, else arrival', () => {
    const u = '2026-02-02T00:00:00.000Z';
    const c = '2026-01-01T00:00:00.000Z';
    expect(changeToWrites(parse({ op: 'insert', data: { title: 'x', createdAt: c, updatedAt: u } }), ARRIVAL).title!.at).toBe(u);
    expect(changeToWrites(parse({ op: 'insert', data: { title: 'x', createdAt: c } }), ARRIVAL).title!.at).toBe(c);
    expect(changeToWrites(parse({ op: 'insert', data: { title: 'x' } }), ARRIVAL).title!.at).toBe(ARRIVAL);
    // An unparsable updatedAt is not a stamp: the next fallback applies.
    expect(changeToWrites(parse({ op: 'insert', data: { title: 'x', updatedAt: 'soon', createdAt: c } }), ARRIVAL).title!.at).toBe(c);
  });

  it('gives an insert an implicit live tombstone at its newest stamp, compared as instants', () => {
    const writes = changeToWrites(
      parse({ op: 'insert', fields: { a: { value: 1, at: '2026-01-01T00:00:00Z' }, b: { value: 2, at: '2026-01-01T00:00:00.500Z' } } }),
      ARRIVAL,
    );
    expect(writes.deletedAt).toEqual({ value: null, at: '2026-01-01T00:00:00.500Z' });
  });

  it('keeps a deletedAt carried in an insert’s data', () => {
    const writes = changeToWrites(parse({ op: 'insert', data: { title: 'x', deletedAt: '2026-01-03T00:00:00.000Z', updatedAt: '2026-01-03T00:00:00.000Z' } }), ARRIVAL);
    expect(writes.deletedAt).toEqual({ value: '2026-01-03T00:00:00.000Z', at: '2026-01-03T00:00:00.000Z' });
  });

  it('never treats the id as a field', () => {
    expect(changeToWrites(parse({ op: 'insert', data: { id: 't1', title: 'x' } }), ARRIVAL)).not.toHaveProperty('id');
  });

  it('turns every delete shape into one tombstone write', () => {
    expect(changeToWrites(parse({ op: 'delete', deletedAt: '2026-01-02T00:00:00Z' }), ARRIVAL)).toEqual({
      deletedAt: { value: '2026-01-02T00:00:00Z', at: '2026-01-02T00:00:00Z' },
    });
    // Fields other than the tombstone are dropped, like the upstream server does.
    expect(changeToWrites(parse({ op: 'delete', fields: { deletedAt: { value: 'gone', at: '2026-01-02T00:00:00Z' }, title: { value: 'x', at: '2026-01-02T00:00:00Z' } } }), ARRIVAL)).toEqual({
      deletedAt: { value: 'gone', at: '2026-01-02T00:00:00Z' },
    });
    // No stamp at all: arrival time, with a readable instant as the value.
    // both, as a change read back from the log or a server carries them: the field is the exact write
    expect(
      changeToWrites(parse({ op: 'delete', deletedAt: '2026-01-02T00:00:00.000Z', fields: { deletedAt: { value: '2026-01-02T00:00:00.000Z', at: '2026-01-02T00:00:00.000Z-0003-00000000000000aa' } } }), ARRIVAL),
    ).toEqual({ deletedAt: { value: '2026-01-02T00:00:00.000Z', at: '2026-01-02T00:00:00.000Z-0003-00000000000000aa' } });
    expect(changeToWrites(parse({ op: 'delete' }), ARRIVAL)).toEqual({ deletedAt: { value: '2026-05-01T00:00:00.000Z', at: ARRIVAL } });
    // A stamp with an offset still yields a valid instant.
    expect(changeToWrites(parse({ op: 'delete', fields: { deletedAt: { value: null, at: '2026-01-02T01:00:00+01:00' } } }), ARRIVAL).deletedAt!.value).toBe(
      '2026-01-02T00:00:00.000Z',
    );
  });
});
