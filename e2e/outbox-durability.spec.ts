/**
 * Local writes survive what a desktop app goes through: the host unreachable while the user keeps
 * working, the window closed mid-burst, and a push whose answer was lost (the engine got it, the
 * replica did not hear back). Afterwards the engine holds every change exactly once.
 */
import type { Page } from '@playwright/test';
import type { ChangeOut } from '../src-shared/domain/change';
import { expect, test } from './fixtures/app';

async function addTask(page: Page, title: string): Promise<void> {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByRole('checkbox', { name: title })).toBeVisible();
}

function insertedTitles(changes: ChangeOut[]): string[] {
  return changes.filter((c) => c.app === 'todo' && c.op === 'insert').map((c) => String(c.fields.title?.value));
}

test('writes made while pushes fail, then the page closed mid-burst, arrive once after reopening', async ({ browser, app }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${app.url}#/todo`);
  await expect(page.getByRole('heading', { level: 1, name: 'Todo' })).toBeVisible();

  // The host "goes away" for pushes: everything written now can only live in the outbox.
  await page.route('**/api/sync.push', (route) => route.abort('connectionrefused'));
  const titles = Array.from({ length: 8 }, (_, i) => `Offline task ${i + 1}`);
  for (const title of titles) await addTask(page, title);
  await expect(page.getByText(/changes? waiting/)).toBeVisible();
  expect(insertedTitles((await app.api('sync.pull', { since: 0, limit: 10_000 })).changes)).toEqual([]);

  // Close mid-burst: start more writes without waiting, then close the page at once.
  const late = ['Late task A', 'Late task B'];
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(late[0]!);
  await form.getByRole('button', { name: 'Add task' }).click();
  await page.close();

  // Reopen with the host reachable: the outbox drains.
  const reopened = await context.newPage();
  await reopened.goto(`${app.url}#/todo`);
  await expect(reopened.getByText('Synced')).toBeVisible({ timeout: 20_000 });
  const replicaTitles = await reopened.getByRole('checkbox').evaluateAll((boxes) =>
    boxes.map((b) => (b as HTMLInputElement).closest('label')?.textContent?.trim() ?? ''),
  );
  const inEngine = insertedTitles((await app.api('sync.pull', { since: 0, limit: 10_000 })).changes);
  // Nothing lost: every acknowledged write is there; nothing duplicated; replica == engine.
  for (const title of titles) expect(inEngine).toContain(title);
  expect(new Set(inEngine).size).toBe(inEngine.length);
  expect([...replicaTitles].sort()).toEqual([...inEngine].sort());
  await context.close();
});

test('a push whose answer is lost is retried without duplicating anything', async ({ page, app }) => {
  await page.goto(`${app.url}#/todo`);
  await expect(page.getByRole('heading', { level: 1, name: 'Todo' })).toBeVisible();
  let dropped = 0;
  // The first push reaches the engine, but the answer never reaches the page.
  await page.route('**/api/sync.push', async (route) => {
    if (dropped === 0) {
      dropped++;
      await route.fetch();
      await route.abort('connectionreset');
      return;
    }
    await route.continue();
  });
  await addTask(page, 'Exactly once');
  await expect.poll(() => dropped).toBe(1);
  await expect(page.getByText('Synced')).toBeVisible({ timeout: 20_000 });
  const { changes } = await app.api('sync.pull', { since: 0, limit: 1000 });
  const inserts = changes.filter((c) => c.app === 'todo' && c.op === 'insert');
  expect(inserts).toHaveLength(1);
  expect(inserts[0]!.fields.title?.value).toBe('Exactly once');
});
