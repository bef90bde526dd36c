/**
 * The shape every JSON value that crosses an edge must keep (pushed changes, approved params,
 * model output): how deep it nests, how long its texts and lists are, how many members it has.
 * A value beyond these bounds is refused with a clear reason before anything is written; inside
 * the engine, everything stored can then be serialised, merged and read back (a value nested a few
 * thousand levels deep overflowed the stack of JSON.stringify and broke every later read).
 *
 * The walk is iterative: the value being checked cannot overflow the stack of its own check.
 */
import { z } from 'zod';

export interface JsonBounds {
  /** containers inside containers: `[1]` is 1 deep, `{"a":[1]}` 2 */
  depth: number;
  /** characters of one text (object keys included) */
  stringLength: number;
  /** items of one list */
  arrayLength: number;
  /** members of one object */
  objectKeys: number;
  /** values in all, containers included */
  nodes: number;
}

/**
 * Generous for every record the app writes (an iteration with its steps and results nests about
 * 6 deep) and still far from what breaks: V8 overflows at a few thousand levels, SQLite's JSON
 * functions refuse more than 1000. One change is at most 1 MB anyway (MAX_CHANGE_BYTES).
 */
export const JSON_BOUNDS: JsonBounds = {
  depth: 64,
  stringLength: 1024 * 1024,
  arrayLength: 10_000,
  objectKeys: 10_000,
  nodes: 200_000,
};

export interface ShapeProblem {
  /** where, from the value checked (keys and list indexes) */
  path: (string | number)[];
  message: string;
}

interface Frame {
  value: unknown;
  depth: number;
  key: string | number | null;
  parent: Frame | null;
}

function pathOf(frame: Frame): (string | number)[] {
  const path: (string | number)[] = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) path.push(f.key);
  return path.reverse();
}

function isPlainJsonObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const count = (n: number) => n.toLocaleString('en');

/**
 * The first way `value` breaks `bounds`, or null when it is a JSON value within them. `undefined`
 * members count as absent (as JSON.stringify drops them); anything JSON cannot carry (a Date, a
 * Map, NaN, a function) is refused rather than silently changed on the way into the log.
 */
export function jsonShapeProblem(value: unknown, bounds: JsonBounds = JSON_BOUNDS): ShapeProblem | null {
  // Most values are primitives: no frame, no allocation.
  if (value === null || typeof value === 'boolean' || value === undefined) return null;
  if (typeof value === 'string') return value.length > bounds.stringLength ? { path: [], message: tooLongText(bounds) } : null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path: [], message: 'not a JSON value (a number must be finite)' };
  const stack: Frame[] = [{ value, depth: 0, key: null, parent: null }];
  let nodes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (++nodes > bounds.nodes) return { path: pathOf(frame), message: `more than ${count(bounds.nodes)} values in all` };
    if (v === null || v === undefined || typeof v === 'boolean') continue;
    if (typeof v === 'string') {
      if (v.length > bounds.stringLength) return { path: pathOf(frame), message: tooLongText(bounds) };
      continue;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path: pathOf(frame), message: 'not a JSON value (a number must be finite)' };
      continue;
    }
    if (typeof v !== 'object') return { path: pathOf(frame), message: `not a JSON value (a ${typeof v})` };
    const depth = frame.depth + 1;
    if (depth > bounds.depth) return { path: pathOf(frame), message: `nested more than ${bounds.depth} levels deep` };
    if (Array.isArray(v)) {
      if (v.length > bounds.arrayLength) return { path: pathOf(frame), message: `a list of more than ${count(bounds.arrayLength)} items` };
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, key: i, parent: frame });
      continue;
    }
    if (!isPlainJsonObject(v)) return { path: pathOf(frame), message: `not a JSON value (a ${v.constructor?.name ?? 'special object'})` };
    const keys = Object.keys(v);
    if (keys.length > bounds.objectKeys) return { path: pathOf(frame), message: `an object with more than ${count(bounds.objectKeys)} members` };
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key.length > bounds.stringLength) return { path: pathOf(frame), message: `a member name longer than ${count(bounds.stringLength)} characters` };
      stack.push({ value: (v as Record<string, unknown>)[key], depth, key, parent: frame });
    }
  }
  return null;
}

function tooLongText(bounds: JsonBounds): string {
  return `a text longer than ${count(bounds.stringLength)} characters`;
}

/** "at notes.value[3]" for a problem's path below `prefix` (empty for the value itself). */
export function describeShapeProblem(problem: ShapeProblem): string {
  if (problem.path.length === 0) return problem.message;
  const where = problem.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return `${problem.message} (at ${where.length > 200 ? `${where.slice(0, 200)}…` : where})`;
}

/** Adds the problem of `value`, if any, to a zod refinement, at `path` below the value refined. */
export function refineJsonShape(value: unknown, ctx: z.RefinementCtx, path: (string | number)[] = [], bounds?: JsonBounds): void {
  const problem = jsonShapeProblem(value, bounds);
  if (problem) ctx.addIssue({ code: 'custom', path: [...path, ...problem.path], message: describeShapeProblem(problem) });
}

/** Any JSON value within JSON_BOUNDS (as a schema). */
export const BoundedJson = z.unknown().superRefine((value, ctx) => refineJsonShape(value, ctx));

/** A JSON object within JSON_BOUNDS, e.g. a tool's parameters. */
export const BoundedJsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => refineJsonShape(value, ctx));
