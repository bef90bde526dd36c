import { describe, expect, it } from 'vitest';
import { ChangeIn } from './domain/change';
import { describeShapeProblem, JSON_BOUNDS, jsonShapeProblem } from './json-shape';

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('the bounded shape of JSON values', () => {
  it('counts nesting exactly and names where it went too deep', () => {
    expect(jsonShapeProblem(nested(64))).toBeNull();
    const problem = jsonShapeProblem(nested(65))!;
    expect(problem.message).toBe('nested more than 64 levels deep');
    expect(problem.path).toHaveLength(64);
    expect(describeShapeProblem({ path: ['a', 0, 'b'], message: 'm' })).toBe('m (at a[0].b)');
  });

  it('checks a value nested a million levels deep without overflowing its own stack', () => {
    expect(jsonShapeProblem(nested(1_000_000))?.message).toBe('nested more than 64 levels deep');
  });

  it('refuses what JSON cannot carry instead of changing it on the way in (IPC clones more than JSON)', () => {
    expect(jsonShapeProblem({ when: new Date() })?.message).toBe('not a JSON value (a Date)');
    expect(jsonShapeProblem({ map: new Map() })?.message).toBe('not a JSON value (a Map)');
    expect(jsonShapeProblem([Number.NaN])?.message).toMatch(/finite/);
    expect(jsonShapeProblem(Number.POSITIVE_INFINITY)?.message).toMatch(/finite/);
    expect(jsonShapeProblem({ f: () => 1 })?.message).toBe('not a JSON value (a function)');
    expect(jsonShapeProblem({ n: 10n })?.message).toBe('not a JSON value (a bigint)');
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(jsonShapeProblem(cycle)?.message).toBe('nested more than 64 levels deep');
    // what JSON.stringify drops is absent, not wrong
    expect(jsonShapeProblem({ a: undefined, b: [null, true, 1.5, 'x'], c: Object.create(null) })).toBeNull();
  });

  it('bounds texts, lists, members and the whole', () => {
    const small = { ...JSON_BOUNDS, stringLength: 3, arrayLength: 2, objectKeys: 2, nodes: 5 };
    expect(jsonShapeProblem('abcd', small)?.message).toBe('a text longer than 3 characters');
    expect(jsonShapeProblem({ x: ['abcd'] }, small)).toEqual({ path: ['x', 0], message: 'a text longer than 3 characters' });
    expect(jsonShapeProblem([1, 2, 3], small)?.message).toBe('a list of more than 2 items');
    expect(jsonShapeProblem({ a: 1, b: 2, c: 3 }, small)?.message).toBe('an object with more than 2 members');
    expect(jsonShapeProblem({ abcd: 1 }, small)?.message).toBe('a member name longer than 3 characters');
    expect(jsonShapeProblem([[1, 2], [3, 4]], small)?.message).toBe('more than 5 values in all');
  });

  it('is part of the change schema, for field values and data alike', () => {
    const base = { eventId: 'e', app: 'todo', table: 'tasks', id: 't' };
    const fields = ChangeIn.safeParse({ ...base, op: 'update', fields: { notes: { value: nested(65), at: '2026-11-20T09:00:00.000Z' } } });
    expect(fields.success).toBe(false);
    expect(fields.error!.issues[0]).toMatchObject({ path: expect.arrayContaining(['fields', 'notes', 'value']), message: expect.stringMatching(/^nested more than 64 levels deep \(at a/) });
    const data = ChangeIn.safeParse({ ...base, op: 'insert', data: { notes: nested(65) } });
    expect(data.error!.issues[0]!.path.slice(0, 2)).toEqual(['data', 'notes']);
    expect(ChangeIn.safeParse({ ...base, op: 'insert', data: { notes: nested(64) } }).success).toBe(true);
  });
});
