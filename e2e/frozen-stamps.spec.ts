/**
 * A record frozen by a stamp from the future (issue 13, finding 3), as a database from before the
 * edge refused such stamps holds it: renaming it in the window changes nothing, neither there nor
 * in the engine. At the next start the engine repairs it (the stamp becomes the time its change
 * arrived) and starts a new replica epoch; the open tab notices, drops its copy and hydrates
 * again, and shows the rename that now wins.
 */
import type { Page } from '@playwright/test';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { STAMP_BOUND_KEY } from '../src-main/engine/store/frozen-stamps';
import { callApi, E2E_TARGET, expect, test } from './fixtures/app';

test.skip(E2E_TARGET === 'electron', 'restarts the headless host on its data dir');

const FUTURE = '9999-12-31T23:59:59.000Z';

/** Runs `edit` on the host's database file while the host is stopped. */
function withDatabase(dataDir: string, edit: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'companion.sqlite'));
  try {
    edit(db);
  } finally {
    db.close();
  }
}

async function taskTitles(baseUrl: string, token: string): Promise<string[]> {
  const { records } = await callApi(baseUrl, token, 'records.list', { app: 'todo', table: 'tasks' });
  return records.map((r) => String(r.data.title));
}

async function rename(page: Page, from: string, to: string): Promise<void> {
  const task = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: from }) });
  await task.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: `Edit task ${from}` });
  await edit.getByLabel('Title').fill(to);
  await edit.getByRole('button', { name: 'Save' }).click();
}

test('a record frozen by a stamp from the future is repaired at the next start, and the open tab follows', async ({ page, launchHost, dataDir }) => {
  const first = await launchHost({ token: null });
  const at = new Date(Date.now() - 60_000).toISOString();
  await callApi(first.baseUrl, first.token, 'sync.push', {
    clientId: 'old-device',
    changes: [{ eventId: 'create-t1', app: 'todo', table: 'tasks', id: 't1', op: 'insert', fields: { title: { value: 'Frozen title', at }, done: { value: false, at } } }],
  });
  await first.stop();
  // what an older version let in: the title stamped in 9999, in the log and in the records
  withDatabase(dataDir, (db) => {
    // (field stamps are stored packed, [common, {field: stamp}]: a stamp of its own goes to the object)
    db.prepare(`UPDATE sync_changes SET field_meta = json_set(field_meta, '$[1].title', ?) WHERE id = 'create-t1'`).run(FUTURE);
    db.prepare(`UPDATE records SET field_meta = json_set(field_meta, '$[1].title', ?) WHERE record_id = 't1'`).run(FUTURE);
  });

  const second = await launchHost({ token: null, port: first.port });
  await page.goto(`${second.url}#/todo`);
  await expect(page.getByRole('checkbox', { name: 'Frozen title' })).toBeVisible();
  await rename(page, 'Frozen title', 'Renamed');
  // the rename reaches the host, and changes nothing there or here
  await expect.poll(async () => (await callApi(second.baseUrl, second.token, 'sync.pull', { since: 0 })).changes.length).toBe(2);
  expect(await taskTitles(second.baseUrl, second.token)).toEqual(['Frozen title']);
  await expect(page.getByRole('checkbox', { name: 'Frozen title' })).toBeVisible();
  await second.stop();
  // as a database from before the kept bound of stamps: the next start looks
  withDatabase(dataDir, (db) => db.prepare('DELETE FROM settings WHERE key = ?').run(STAMP_BOUND_KEY));

  const third = await launchHost({ token: null, port: first.port });
  expect(await taskTitles(third.baseUrl, third.token)).toEqual(['Renamed']);
  // the same tab, no reload: it hydrates again and shows what the engine has
  await expect(page.getByRole('checkbox', { name: 'Renamed' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('checkbox', { name: 'Frozen title' })).toHaveCount(0);
});
