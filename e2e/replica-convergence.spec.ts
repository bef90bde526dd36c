/**
 * The renderer's Dexie replica and the engine's SQLite projection agree: random histories (several
 * records and clients, both stamp formats, exact ties, deletes and revivals) are pushed to a real
 * engine store; its log is then applied to the replica in Chromium in random orders, in random page
 * sizes and with duplicates, and every replica ends equal to the engine's records. Likewise a
 * replica hydrated from a snapshot (chunks) that then makes local writes and pulls what followed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import fc from 'fast-check';
import { build } from 'vite';
import type { ChangeIn } from '../src-shared/domain/change';
import { createHybridClock } from '../src-shared/hlc';
import { openDatabase } from '../src-main/engine/store/db';
import { Store, type SnapshotKey } from '../src-main/engine/store/store';
import { expect, test } from './fixtures/app';
import type { LocalWrite } from './replica/convergence.page';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
let pageScript = '';

test.beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), 'replica-page-'));
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, minify: false, target: 'es2023', lib: { entry: join(ROOT, 'e2e/replica/convergence.page.ts'), formats: ['es'], fileName: () => 'page.js' } },
  });
  pageScript = (await import('node:fs')).readFileSync(join(outDir, 'page.js'), 'utf8');
  rmSync(outDir, { recursive: true, force: true });
});

const ids = ['a', 'b', 'c'];
const instants = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000500Z', '2026-01-01T00:00:02.000+00:00'];
const stamp = fc.oneof(
  fc.constantFrom(...instants),
  fc.tuple(fc.constantFrom(...instants.filter((i) => i.length === 24)), fc.integer({ min: 0, max: 3 }), fc.constantFrom('00000000000000c1', '00000000000000c2')).map(
    ([iso, n, node]) => `${iso}-${n.toString(16).padStart(4, '0')}-${node}`,
  ),
);
const value = fc.oneof(fc.constantFrom('x', 'y', 'z'), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.constant(null));
const change = fc.record({
  id: fc.constantFrom(...ids),
  op: fc.constantFrom('insert', 'update', 'update', 'delete'),
  fields: fc.dictionary(fc.constantFrom('title', 'done', 'priority'), fc.record({ value, at: stamp }), { minKeys: 1, maxKeys: 3 }),
  deletedAt: stamp,
  client: fc.constantFrom('c1', 'c2', 'c3'),
});

type GeneratedChange = typeof change extends fc.Arbitrary<infer T> ? T : never;

function toChangeIn(c: GeneratedChange, i: number): ChangeIn {
  const base = { eventId: `e${i}`, app: 'todo', table: 'tasks', id: c.id };
  if (c.op === 'delete') return { ...base, op: 'delete', deletedAt: c.deletedAt };
  return { ...base, op: c.op, fields: c.fields };
}

async function openReplicaPage(page: Page): Promise<void> {
  await page.route('http://replica.test/**', (route) =>
    route.fulfill(
      route.request().url().endsWith('/page.js')
        ? { contentType: 'text/javascript', body: pageScript }
        : { contentType: 'text/html', body: '<!doctype html><script type="module" src="/page.js"></script>' },
    ),
  );
  await page.goto('http://replica.test/');
  await page.waitForFunction(() => 'replica' in window);
}

test('the Dexie replica equals the engine projection for random histories in any order', async ({ page }) => {
  await openReplicaPage(page);

  const dir = mkdtempSync(join(tmpdir(), 'replica-engine-'));
  try {
    const histories = fc.sample(fc.array(change, { minLength: 1, maxLength: 25 }), { numRuns: 20, seed: 20261121 });
    for (const [h, history] of histories.entries()) {
      const db = openDatabase(join(dir, `h${h}`));
      const store = new Store(db, createHybridClock('00000000000000e1'));
      history.forEach((c, i) => store.push(c.client, [toChangeIn(c, i)]));
      const { changes } = store.pull(0, 10_000);
      const expected = store
        .list('todo', 'tasks', { includeDeleted: true })
        .map((r) => ({ key: `todo/tasks/${r.id}`, data: r.data, meta: r.meta, deleted: r.deleted ? 1 : 0 }))
        .sort((a, b) => a.key.localeCompare(b.key));
      db.close();

      const orders = fc.sample(fc.tuple(fc.shuffledSubarray(changes, { minLength: changes.length, maxLength: changes.length }), fc.array(fc.integer({ min: 0, max: changes.length - 1 })), fc.integer({ min: 1, max: 6 })), { numRuns: 3, seed: h });
      for (const [shuffled, dupIdx, pageSize] of orders) {
        const feed = [...shuffled, ...dupIdx.map((i) => changes[i]!)];
        const pages: unknown[][] = [];
        for (let i = 0; i < feed.length; i += pageSize) pages.push(feed.slice(i, i + pageSize));
        const actual = await page.evaluate(async (p) => {
          await window.replica.reset();
          await window.replica.apply(p);
          return window.replica.records();
        }, pages);
        actual.sort((a, b) => a.key.localeCompare(b.key));
        expect(actual, `history ${h}`).toEqual(expected);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Tables whose order differs between the engine, (app, table), and the replica's keys: 'todo-x/' < 'todo/'.
const TABLES = [
  { app: 'todo', table: 'lists' },
  { app: 'todo', table: 'tasks' },
  { app: 'todo-x', table: 'tasks' },
];
// Ids that sort alike everywhere, one holding a '/', and two that only the overlay may hold.
const HYDRATED_IDS = ['a', 'b', 'c', 'B', 'a/b', '\u00e9', 'b\u{1f600}', '\ue000'];
const where = fc.record({ table: fc.constantFrom(...TABLES), id: fc.constantFrom(...HYDRATED_IDS) });
const logged = fc.tuple(where, change).map(([w, c]) => ({ ...c, ...w }));
const localWrite = fc.tuple(where, fc.option(fc.dictionary(fc.constantFrom('title', 'done', 'priority'), value, { minKeys: 1, maxKeys: 2 }), { freq: 4 })).map(
  ([w, fields]): LocalWrite => ({ app: w.table.app, table: w.table.table, id: w.id, fields }),
);

test('a replica hydrated from a snapshot, then writing locally and pulling, equals the engine projection', async ({ page }) => {
  await openReplicaPage(page);
  const dir = mkdtempSync(join(tmpdir(), 'replica-hydrated-'));
  try {
    const runs = fc.sample(
      fc.record({
        before: fc.array(logged, { minLength: 1, maxLength: 40 }),
        after: fc.array(logged, { maxLength: 15 }),
        local: fc.array(localWrite, { maxLength: 8 }),
        snapshotPage: fc.integer({ min: 1, max: 7 }),
        pullPage: fc.integer({ min: 1, max: 6 }),
        chunkSize: fc.integer({ min: 1, max: 4 }),
      }),
      { numRuns: 25, seed: 20261122 },
    );
    let chunked = 0;
    for (const [r, run] of runs.entries()) {
      const db = openDatabase(join(dir, `r${r}`));
      const store = new Store(db, createHybridClock('00000000000000e1'));
      const push = (changes: typeof run.before, from: number) =>
        changes.forEach((c, i) => store.push(c.client, [{ ...toChangeIn(c, from + i), app: c.table.app, table: c.table.table }]));
      push(run.before, 0);
      const snapshot: unknown[][] = [];
      let seq = 0;
      let afterKey: SnapshotKey | null = null;
      do {
        const p = store.snapshot(afterKey, run.snapshotPage);
        if (!snapshot.length) seq = p.seq;
        snapshot.push(p.records);
        afterKey = p.nextKey;
      } while (afterKey);
      push(run.after, run.before.length);

      await page.evaluate(async ([pages, s, size]) => {
        await window.replica.reset();
        await window.replica.hydrate(pages, s, size);
      }, [snapshot, seq, run.chunkSize] as const);
      chunked += await page.evaluate(() => window.replica.chunks());
      // Pull what followed the snapshot, write locally over it, then pull only what is new: the
      // local writes must have merged with the records as pulled, not with their chunk copies.
      const pullSince = async (since: number) => {
        const { changes } = store.pull(since, 10_000);
        const pages: unknown[][] = [];
        for (let i = 0; i < changes.length; i += run.pullPage) pages.push(changes.slice(i, i + run.pullPage));
        await page.evaluate((p) => window.replica.apply(p), pages);
        return changes.at(-1)?.seq ?? since;
      };
      const cursor = await pullSince(seq);
      const queued = await page.evaluate((writes) => window.replica.write(writes), run.local);
      if (queued.length) store.push('renderer', queued);
      await pullSince(cursor);
      const expected = TABLES.flatMap(({ app, table }) =>
        store.list(app, table, { includeDeleted: true }).map((rec) => ({ key: `${app}/${table}/${rec.id}`, data: rec.data, meta: rec.meta, deleted: rec.deleted ? 1 : 0 })),
      );
      db.close();

      const actual = await page.evaluate(() => window.replica.records());
      const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
      expect(actual.sort(byKey), `run ${r}`).toEqual(expected.sort(byKey));
    }
    // The runs did exercise chunks (not only the overlay).
    expect(chunked).toBeGreaterThan(runs.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
