/**
 * The renderer's Dexie replica and the engine's SQLite projection agree: random histories (several
 * records and clients, both stamp formats, exact ties, deletes and revivals) are pushed to a real
 * engine store; its log is then applied to the replica in Chromium in random orders, in random page
 * sizes and with duplicates, and every replica ends equal to the engine's records.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { build } from 'vite';
import type { ChangeIn } from '../src-shared/domain/change';
import { createHybridClock } from '../src-shared/hlc';
import { openDatabase } from '../src-main/engine/store/db';
import { Store } from '../src-main/engine/store/store';
import { expect, test } from './fixtures/app';

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

test('the Dexie replica equals the engine projection for random histories in any order', async ({ page }) => {
  await page.route('http://replica.test/**', (route) =>
    route.fulfill(
      route.request().url().endsWith('/page.js')
        ? { contentType: 'text/javascript', body: pageScript }
        : { contentType: 'text/html', body: '<!doctype html><script type="module" src="/page.js"></script>' },
    ),
  );
  await page.goto('http://replica.test/');
  await page.waitForFunction(() => 'replica' in window);

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
