/**
 * Two tabs of one browser share the replica (one IndexedDB per origin). Opened together on a new
 * replica, one hydrates it and the other waits, then finds it done (src-renderer/db/hydrator.ts
 * hydrateOnce): before, both hydrated at once, clearing each other's chunks and writing every
 * record twice, which took many times as long and left every record in the overlay.
 */
import type { Page } from '@playwright/test';
import { E2E_TARGET, expect, test } from './fixtures/app';

test.skip(E2E_TARGET === 'electron', 'the desktop app has one window');

const TASKS = 20_000;

/** What the replica holds of the tasks table, read from IndexedDB as stored: keys in chunks or the overlay, and overlay rows. */
function replicaTasks(page: Page): Promise<{ keys: number; overlayRows: number; cursor: unknown }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('mission-companion');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['chunks', 'records', 'meta'], 'readonly');
          const keys = new Set<string>();
          let overlayRows = 0;
          let cursor: unknown;
          const tasks = IDBKeyRange.bound('todo/tasks/', 'todo/tasks/\uffff');
          tx.objectStore('chunks').getAll(tasks).onsuccess = (e) => {
            for (const chunk of (e.target as IDBRequest<{ records: string }[]>).result) for (const r of JSON.parse(chunk.records) as { id: string }[]) keys.add(r.id);
          };
          tx.objectStore('records').getAll(tasks).onsuccess = (e) => {
            for (const r of (e.target as IDBRequest<{ id: string }[]>).result) {
              overlayRows++;
              keys.add(r.id);
            }
          };
          tx.objectStore('meta').get('lastSeq').onsuccess = (e) => (cursor = (e.target as IDBRequest<{ value: unknown } | undefined>).result?.value);
          tx.oncomplete = () => resolve({ keys: keys.size, overlayRows, cursor });
        };
      }),
  );
}

test('two tabs opened together on a new replica: one hydrates it, the other waits and finds it done', async ({ page, app }) => {
  // enough records that the two first loads overlap
  for (let batch = 0; batch < TASKS / 1000; batch++) {
    const changes = Array.from({ length: 1000 }, (_, i) => {
      const id = `task-${String(batch * 1000 + i).padStart(5, '0')}`;
      return { eventId: `seed-${id}`, app: 'todo', table: 'tasks', id, op: 'insert' as const, data: { title: `Task ${id}`, done: false } };
    });
    await app.api('sync.push', { clientId: 'e2e-seed', changes });
  }
  const second = await page.context().newPage();
  await Promise.all([page.goto(app.url), second.goto(app.url)]);
  for (const tab of [page, second]) await expect(tab.getByText('Synced', { exact: true })).toBeVisible({ timeout: 60_000 });

  const hydrations = await Promise.all([page, second].map((tab) => tab.evaluate(() => performance.getEntriesByName('replica:hydration-start').length)));
  expect(hydrations.sort()).toEqual([0, 1]);
  const replica = await replicaTasks(page);
  expect(replica.keys).toBe(TASKS);
  // a lone hydration puts a new replica's records into chunks; two at once left them all in the overlay
  expect(replica.overlayRows).toBe(0);
  expect(replica.cursor).toBeGreaterThan(0);
});
