/**
 * The benchmark workload, generated batch by batch (never all in memory, so the RSS figure is the
 * engine's): `records` inserts first, then updates of one or two fields of random records, each
 * stamped a millisecond after the previous change like a busy HLC would, as a renderer pushes them.
 */
import type { ChangeIn } from '../src-shared/domain/change';
import { prng } from '../src-main/testing/year-of-use';

export interface Workload {
  changes: number;
  records: number;
  batch: number;
}

export const FULL: Workload = { changes: 1_000_000, records: 100_000, batch: 1_000 };
export const QUICK: Workload = { changes: 100_000, records: 10_000, batch: 1_000 };

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const NODE = '00000000000000b1';
const PRIORITIES = ['low', 'medium', 'high'];
const ACTOR = { kind: 'user', principalId: 'user:local' } as const;

// The same workload on every run: the deterministic PRNG the year-of-use dataset uses.
export { prng };

export function recordId(n: number): string {
  return `task-${n.toString(36).padStart(5, '0')}`;
}

const stamp = (i: number) => `${new Date(T0 + i).toISOString()}-0000-${NODE}`;

function change(i: number, w: Workload, random: () => number): ChangeIn {
  const at = stamp(i);
  const base = { eventId: `bench-${i}`, app: 'todo', table: 'tasks', actor: ACTOR, origin: 'user' as const };
  if (i < w.records) {
    return {
      ...base,
      id: recordId(i),
      op: 'insert',
      fields: {
        title: { value: `Task number ${i}: follow up on the quarterly report`, at },
        notes: { value: 'Ask Anna for the figures, then draft the summary for Monday.', at },
        priority: { value: PRIORITIES[i % 3], at },
        done: { value: false, at },
        dueAt: { value: new Date(T0 + i * 60_000).toISOString(), at },
        tags: { value: ['work', 'report'], at },
      },
    };
  }
  const fields: ChangeIn['fields'] = { title: { value: `Task ${i}: renamed`, at } };
  if (random() < 0.5) fields.priority = { value: PRIORITIES[i % 3], at };
  else fields.done = { value: random() < 0.5, at };
  return { ...base, id: recordId(Math.floor(random() * w.records)), op: 'update', fields };
}

/** The workload's changes, `w.batch` at a time. */
export function* batches(w: Workload): Generator<ChangeIn[]> {
  const random = prng(42);
  for (let start = 0; start < w.changes; start += w.batch) {
    const out: ChangeIn[] = [];
    for (let i = start; i < Math.min(start + w.batch, w.changes); i++) out.push(change(i, w, random));
    yield out;
  }
}
