/**
 * History older than the horizon, seen from the browser: a replica that was away longer than the
 * horizon is told its cursor is too old (`sync.pull` → cursorTooOld) and hydrates again instead
 * of replaying, and the page shows the records as before.
 */
import { createHybridClock } from '../src-shared/hlc';
import { closeDatabase, openDatabase } from '../src-main/engine/store/db';
import { Store } from '../src-main/engine/store/store';
import { expect, test } from './fixtures/app';
import { goTo, watchConsole } from './fixtures/ui';

const LONG_AGO = new Date(Date.now() - 200 * 86_400_000);

test.describe('a replica away longer than the history horizon', () => {
  // A task written long ago, then renamed long ago: both changes older than the 90-day horizon.
  test.use({
    dataDirState: {
      prepare: (dir) => {
        const db = openDatabase(dir);
        const store = new Store(db, createHybridClock('00000000000000d1', () => LONG_AGO.getTime()), { now: () => LONG_AGO });
        const at = `${LONG_AGO.toISOString()}-0000-00000000000000d1`;
        const later = `${LONG_AGO.toISOString()}-0001-00000000000000d1`;
        store.push('old-device', [
          { eventId: 'old-task', app: 'todo', table: 'tasks', id: 'old-task', op: 'insert', fields: { title: { value: 'Water the plants', at }, done: { value: false, at } } },
          { eventId: 'old-rename', app: 'todo', table: 'tasks', id: 'old-task', op: 'update', fields: { title: { value: 'Water the plants on Sunday', at: later } } },
        ]);
        store.settle();
        closeDatabase(db);
      },
    },
  });

  test('hydrates again when its cursor is older than the compacted history, and shows the same records', async ({ page, app }) => {
    const console = watchConsole(page);
    const run = await app.api('history.compact');
    expect(run.compactedChanges).toBe(2);
    expect((await app.api('sync.pull', { since: 0 })).cursorTooOld).toBe(true);

    await page.goto(app.url);
    await goTo(page, 'Todo');
    const task = page.getByRole('checkbox', { name: 'Water the plants on Sunday' });
    await expect(task).toBeVisible();

    // The replica as a tab left open since before the compaction has it: a cursor from before the
    // compaction point, and none of what followed.
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('mission-companion');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction(['chunks', 'records', 'meta'], 'readwrite');
        tx.objectStore('chunks').clear();
        tx.objectStore('records').clear();
        tx.objectStore('meta').put({ key: 'lastSeq', value: 1 });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    });
    await page.reload();
    await goTo(page, 'Todo');
    await expect(task).toBeVisible();
    const cursor = await page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('mission-companion');
          open.onsuccess = () => {
            const get = open.result.transaction('meta').objectStore('meta').get('lastSeq');
            get.onsuccess = () => resolve((get.result as { value: unknown } | undefined)?.value);
            get.onerror = () => reject(get.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
    expect(cursor).toBeGreaterThanOrEqual(run.compactedThrough);
    console.expectNone();
  });
});
