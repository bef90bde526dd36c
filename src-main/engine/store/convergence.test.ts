/**
 * Property tests of convergence on real migrated databases: random histories (inserts, updates,
 * deletes over several records and clients, stamps in every accepted spelling, with exact ties and
 * duplicates) pushed to fresh stores in different orders and batchings end with identical records;
 * a rebuild equals the incremental projection; and a replica applying the pulled log (or a
 * snapshot, then the log) with src-shared/replica.ts ends equal to the engine's projection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChangeIn } from '../../../src-shared/domain/change';
import { applyPulledChanges, applySnapshotRecords, type RecordLookup, type ReplicaRecord } from '../../../src-shared/replica';
import { tempStore } from '../testing/temp-db';

/** Each property opens a few hundred real database files: generous, for a busy CI machine. */
const PROPERTY_TIMEOUT = 60_000;
import type { Db } from './db';
import { decodeSnapshotKey, encodeSnapshotKey, type RecordRow, type Store } from './store';
import { parseRecordRow } from './rows';

const NODES = ['00000000000000c1', '00000000000000c2', '00000000000000c3'];
const FIELDS = ['title', 'priority', 'notes'];

/** One of five instants, spelled in any accepted form: exact ties and cross-format ties are common. */
const stamp = fc
  .record({ minute: fc.integer({ min: 0, max: 4 }), form: fc.integer({ min: 0, max: 4 }), node: fc.constantFrom(...NODES), counter: fc.integer({ min: 0, max: 1 }) })
  .map(({ minute, form, node, counter }) => {
    const iso = `2026-04-01T10:0${minute}:00.000Z`;
    switch (form) {
      case 0:
        return iso;
      case 1:
        return `2026-04-01T10:0${minute}:00Z`;
      case 2:
        return `2026-04-01T12:0${minute}:00+02:00`;
      case 3:
        return `2026-04-01T10:0${minute}:00.000000000Z`;
      default:
        return `${iso}-000${counter}-${node}`;
    }
  });
const value = fc.constantFrom<unknown>('a', 'b', '', null, 1, true, { x: 1 }, ['a']);
const fieldChange = fc.oneof(
  fc.record({ value, at: stamp }),
  fc.record({ value, updatedAt: stamp }), // the legacy spelling
);
const fields = fc.dictionary(fc.constantFrom(...FIELDS), fieldChange, { minKeys: 1, maxKeys: 3 });
const values = fc.dictionary(fc.constantFrom(...FIELDS), value, { minKeys: 1, maxKeys: 3 });

/** A change without its identity (eventId, record). Every one carries stamps: no arrival-time fallback. */
type Body = Pick<ChangeIn, 'op' | 'fields' | 'data' | 'deletedAt'>;
const body: fc.Arbitrary<Body> = fc.oneof(
  fields.map((f) => ({ op: 'insert' as const, fields: f })),
  fc.record({ data: values, updatedAt: stamp }).map(({ data, updatedAt }) => ({ op: 'insert' as const, data: { ...data, updatedAt } })),
  fc.record({ data: values, createdAt: stamp }).map(({ data, createdAt }) => ({ op: 'insert' as const, data: { ...data, createdAt } })),
  fc.record({ data: values, at: stamp }).map(({ data, at }) => ({ op: 'insert' as const, data: { ...data, deletedAt: at, updatedAt: at } })),
  fields.map((f) => ({ op: 'update' as const, fields: f })),
  fc.record({ f: fields, at: stamp }).map(({ f, at }) => ({ op: 'update' as const, fields: { ...f, deletedAt: { value: null, at } } })),
  stamp.map((at) => ({ op: 'delete' as const, deletedAt: at })),
  stamp.map((at) => ({ op: 'delete' as const, fields: { deletedAt: { value: at, at } } })),
);

const history: fc.Arbitrary<ChangeIn[]> = fc
  .array(fc.record({ record: fc.constantFrom('r1', 'r2', 'r3'), table: fc.constantFrom('tasks', 'notes'), body }), { minLength: 1, maxLength: 25 })
  .map((items) => items.map(({ record, table, body }, i) => ({ eventId: `ev-${i}`, app: 'todo', table, id: record, ...body })));

/** Another delivery of a history: shuffled, some changes twice, cut into batches of random sizes. */
function delivery(changes: ChangeIn[]): fc.Arbitrary<ChangeIn[][]> {
  return fc
    .tuple(fc.shuffledSubarray(changes), fc.integer({ min: 1, max: 8 }))
    .chain(([dups, batch]) =>
      fc.shuffledSubarray([...changes, ...dups], { minLength: changes.length + dups.length }).map((order) => {
        const batches: ChangeIn[][] = [];
        for (let i = 0; i < order.length; i += batch) batches.push(order.slice(i, i + batch));
        return batches;
      }),
    );
}

/** The `records` table itself, once the store has written its pending records. */
function rows(store: Store): RecordRow[] {
  store.settle();
  return connections.get(store)!.prepare('SELECT * FROM records ORDER BY app_id, table_name, record_id').all() as RecordRow[];
}

/** Each temp store's connection, to read its table behind its back. */
const connections = new Map<Store, Db>();

/** The replica-independent content of the projection (seqs are local to each store). */
function content(store: Store) {
  return rows(store).map((r) => ({ key: `${r.app_id}/${r.table_name}/${r.record_id}`, ...parseRecordRow(r)!, deleted: r.deleted === 1 }));
}

function replicaContent(replica: Map<string, ReplicaRecord>) {
  return [...replica.values()]
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((r) => ({ key: r.key, data: r.data, meta: r.meta, deleted: r.deleted === 1 }));
}

function withStores<T>(count: number, fn: (stores: Store[]) => T): T {
  const made = Array.from({ length: count }, () => tempStore());
  for (const m of made) connections.set(m.store, m.db);
  try {
    return fn(made.map((m) => m.store));
  } finally {
    for (const m of made) {
      connections.delete(m.store);
      m.cleanup();
    }
  }
}

function putAll(replica: Map<string, ReplicaRecord>, puts: ReplicaRecord[]): void {
  for (const r of puts) replica.set(r.key, r);
}

describe('convergence of the SQLite projection (property)', () => {
  it('N stores fed the same history in different orders, batches and with duplicates end with identical records; rebuild equals incremental', () => {
    fc.assert(
      fc.property(
        history.chain((h) => fc.tuple(fc.constant(h), delivery(h), delivery(h), delivery(h))),
        ([, ...deliveries]) => {
          withStores(deliveries.length, (stores) => {
            deliveries.forEach((batches, i) => {
              for (const batch of batches) stores[i]!.push(`client-${i}`, batch);
            });
            const expected = content(stores[0]!);
            for (const store of stores.slice(1)) expect(content(store)).toEqual(expected);
            for (const store of stores) {
              const incremental = rows(store);
              store.rebuildProjection();
              expect(rows(store)).toStrictEqual(incremental);
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT);
});

describe('the replica equals the engine (property)', () => {
  it('applying the pulled log page by page gives the engine’s records', () => {
    fc.assert(
      fc.property(history.chain((h) => fc.tuple(delivery(h), fc.integer({ min: 1, max: 7 }))), ([batches, pageSize]) => {
        withStores(1, ([store]) => {
          for (const batch of batches) store!.push('client', batch);
          const replica = new Map<string, ReplicaRecord>();
          for (let since = 0, more = true; more; ) {
            const page = store!.pull(since, pageSize);
            const result = applyPulledChanges(replica, page.changes);
            expect(result.malformed).toEqual([]);
            putAll(replica, result.puts);
            more = page.hasMore;
            since = page.seq;
          }
          expect(replicaContent(replica)).toEqual(content(store!));
        });
      }),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT);

  it('hydrating from a snapshot taken mid-history, then pulling from its seq, gives the engine’s records', () => {
    fc.assert(
      fc.property(
        history.chain((h) => fc.tuple(fc.constant(h), fc.integer({ min: 0, max: h.length }), fc.integer({ min: 1, max: 3 }), fc.boolean())),
        ([changes, cut, pageSize, writeBetweenPages]) => {
          withStores(1, ([store]) => {
            store!.push('client', changes.slice(0, cut));
            const replica = new Map<string, ReplicaRecord>();
            const lookup: RecordLookup = replica;
            let cursor: number | null = null;
            let afterKey: string | null = null;
            let rest = changes.slice(cut);
            do {
              const page = store!.snapshot(afterKey === null ? null : decodeSnapshotKey(afterKey), pageSize);
              cursor ??= page.seq;
              putAll(replica, applySnapshotRecords(lookup, page.records).puts);
              afterKey = page.nextKey && encodeSnapshotKey(page.nextKey);
              // Writes landing between snapshot pages are picked up by the pull (idempotent merge).
              if (writeBetweenPages && rest.length) {
                store!.push('client', rest.slice(0, 1));
                rest = rest.slice(1);
              }
            } while (afterKey !== null);
            store!.push('client', rest);
            for (let since = cursor, more = true; more; ) {
              const page = store!.pull(since, 5);
              putAll(replica, applyPulledChanges(lookup, page.changes).puts);
              more = page.hasMore;
              since = page.seq;
            }
            expect(replicaContent(replica)).toEqual(content(store!));
          });
        },
      ),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT);
});

/** Compacts the store's log up to (not including) `keepFrom`, everything old enough, in small steps. */
function compactUpTo(store: Store, keepFrom: number | null): void {
  for (let step = store.compactStep({ before: '9999-12-31T00:00:00.000Z', keepFrom }, 3); !step.done; ) step = store.compactStep({ before: '9999-12-31T00:00:00.000Z', keepFrom }, 3);
}

describe('compaction keeps convergence (property)', () => {
  it('compacting at any point never changes the projection; a rebuild after it equals it; re-pushing old events changes nothing', () => {
    fc.assert(
      fc.property(
        history.chain((h) => fc.tuple(delivery(h), fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 })), { maxLength: 4 }))),
        ([batches, compactions]) => {
          withStores(2, ([plain, compacted]) => {
            batches.forEach((batch, i) => {
              plain!.push('client', batch);
              compacted!.push('client', batch);
              // after batch `at`, compact up to a seq of the log so far (sometimes all of it)
              for (const [at, upTo] of compactions) if (at === i) compactUpTo(compacted!, Math.min(upTo, compacted!.maxSeq() + 1));
            });
            expect(content(compacted!)).toEqual(content(plain!));
            const incremental = rows(compacted!);
            compactUpTo(compacted!, null);
            expect(rows(compacted!)).toStrictEqual(incremental);
            compacted!.rebuildProjection();
            expect(rows(compacted!)).toStrictEqual(incremental);
            const logged = compacted!.maxSeq();
            for (const batch of batches) expect(compacted!.push('client', batch).accepted).toBe(0);
            expect(compacted!.maxSeq()).toBe(logged);
            expect(content(compacted!)).toEqual(content(plain!));
          });
        },
      ),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT);

  it('a replica that pulled before a compaction and merges after it (re-hydrating when told) ends equal to the engine', () => {
    fc.assert(
      fc.property(
        history.chain((h) => fc.tuple(delivery(h), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }))),
        ([batches, split, pageSize, snapshotPage]) => {
          withStores(1, ([store]) => {
            const replica = new Map<string, ReplicaRecord>();
            let since = 0;
            let rehydrated = 0;
            const sync = () => {
              for (let more = true; more; ) {
                const page = store!.pull(since, pageSize);
                if (page.cursorTooOld) {
                  // re-hydrate into what the replica holds, then pull from the snapshot's seq
                  if (++rehydrated > 2) throw new Error(`still too old after re-hydrating: since ${since}, compacted through ${page.compactedThrough}`);
                  let afterKey: string | null = null;
                  let cursor: number | null = null;
                  do {
                    const snap = store!.snapshot(afterKey === null ? null : decodeSnapshotKey(afterKey), snapshotPage);
                    cursor ??= snap.seq;
                    putAll(replica, applySnapshotRecords(replica, snap.records).puts);
                    afterKey = snap.nextKey && encodeSnapshotKey(snap.nextKey);
                  } while (afterKey !== null);
                  since = cursor;
                  continue;
                }
                putAll(replica, applyPulledChanges(replica, page.changes).puts);
                more = page.hasMore;
                since = page.seq;
              }
            };
            const first = batches.slice(0, split);
            for (const batch of first) store!.push('client', batch);
            sync();
            for (const batch of batches.slice(split)) store!.push('client', batch);
            // the replica is away while the history it has not seen yet is compacted
            compactUpTo(store!, null);
            sync();
            expect(replicaContent(replica)).toEqual(content(store!));
            expect(rehydrated).toBeLessThanOrEqual(1);
          });
        },
      ),
      { numRuns: 60 },
    );
  }, PROPERTY_TIMEOUT);
});
