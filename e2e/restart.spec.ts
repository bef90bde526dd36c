/**
 * Staying signed in to the headless host (issue 12): the host keeps its access token in the data
 * dir, the tab keeps a session cookie (never the token in its address bar), so a restart on the same
 * port and data dir leaves an open tab working without a new URL. A new token (--new-token) signs
 * the tab out: it shows the exact command that prints a fresh URL, stops calling the api, and
 * resumes by itself once the fresh URL was opened in another tab.
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { ENGINE_NODE_FLAGS } from '../scripts/engine-flags.mjs';
import { callApi, DEFAULT_CLI, E2E_TARGET, expect, test } from './fixtures/app';

test.skip(E2E_TARGET === 'electron', 'the desktop app has no access token');

async function addTask(page: Page, title: string): Promise<void> {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  await form.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByRole('checkbox', { name: title })).toBeVisible();
}

async function taskTitles(baseUrl: string, token: string): Promise<string[]> {
  const { records } = await callApi(baseUrl, token, 'records.list', { app: 'todo', table: 'tasks' });
  return records.map((r) => String(r.data.title));
}

test('a restart on the same port and data dir keeps an open tab working, without a new URL', async ({ page, launchHost }) => {
  const first = await launchHost({ token: null });
  await page.goto(`${first.url}#/todo`);
  await expect(page.getByRole('heading', { level: 1, name: 'Todo' })).toBeVisible();
  // the token left the address bar at once, and the page keeps none
  expect(page.url()).not.toContain('token');
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(first.token);
  await addTask(page, 'Before the restart');
  await expect.poll(() => taskTitles(first.baseUrl, first.token)).toEqual(['Before the restart']);

  await first.stop();
  const second = await launchHost({ token: null, port: first.port });
  expect(second.url).toBe(first.url);

  // the same tab, no new URL: its writes reach the restarted host, and its event stream works again
  await addTask(page, 'After the restart');
  await expect.poll(() => taskTitles(second.baseUrl, second.token)).toEqual(expect.arrayContaining(['Before the restart', 'After the restart']));
  await callApi(second.baseUrl, second.token, 'sync.push', {
    clientId: 'another-device',
    changes: [{ eventId: 'remote-task', app: 'todo', table: 'tasks', id: 'remote-1', op: 'insert', data: { title: 'From another device', done: false } }],
  });
  await expect(page.getByRole('checkbox', { name: 'From another device' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Sign in again' })).toHaveCount(0);
  // a reload needs no token either
  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'After the restart' })).toBeVisible();
});

test('a new token signs the tab out: it shows the command, stops calling, and resumes once signed in', async ({ page, context, launchHost, dataDir }) => {
  const first = await launchHost({ token: null });
  await page.clock.install();
  await page.goto(`${first.url}#/todo`);
  await expect(page.getByRole('heading', { level: 1, name: 'Todo' })).toBeVisible();
  await first.stop();
  const rotated = await launchHost({ token: null, port: first.port, extraArgs: ['--new-token'] });
  expect(rotated.token).not.toBe(first.token);

  // every api call the page makes, counted in the page itself
  await page.evaluate(() => {
    const calls: string[] = [];
    (window as unknown as { apiCalls: string[] }).apiCalls = calls;
    const original = window.fetch.bind(window);
    window.fetch = (input, init) => {
      calls.push(new URL(input instanceof Request ? input.url : String(input), location.href).pathname);
      return original(input, init);
    };
  });
  const apiCalls = () => page.evaluate(() => (window as unknown as { apiCalls: string[] }).apiCalls.filter((p) => p !== '/api/session'));
  await page.clock.runFor(10_000);
  const signIn = page.getByRole('main').filter({ has: page.getByRole('heading', { name: 'Sign in again' }) });
  await expect(signIn).toBeVisible();
  // the exact command for how this host was started (here: node and the built CLI)
  const command = `${process.execPath} ${DEFAULT_CLI} url --data-dir ${dataDir} --port ${first.port}`;
  await expect(signIn.getByText(command, { exact: true })).toBeVisible();

  // no 401s in a loop: ten minutes of the page's timers (answers let in between) bring no api call
  const before = (await apiCalls()).length;
  for (let minute = 0; minute < 10; minute++) {
    await page.clock.runFor(60_000);
    await page.evaluate(() => fetch('/api/session').then((r) => r.text()));
  }
  expect((await apiCalls()).slice(before)).toEqual([]);
  // Only the page's clock ran those ten minutes; the host's did not. Back to the real time, as both
  // clocks would be after ten real minutes (the host refuses stamps more than 5 minutes ahead).
  await page.clock.setSystemTime(Date.now());

  // the command prints the fresh URL; opened in another tab, it signs this browser in again
  const printed = execFileSync(process.execPath, [...ENGINE_NODE_FLAGS, DEFAULT_CLI, 'url', '--data-dir', dataDir, '--port', String(first.port)], { encoding: 'utf8' }).trim();
  expect(printed).toBe(rotated.url);
  const other = await context.newPage();
  await other.goto(printed);
  await expect(other.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await other.close();

  // back in the first tab: it notices when it regains focus, and carries on
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(page.getByRole('heading', { level: 1, name: 'Todo' })).toBeVisible();
  await addTask(page, 'Signed in again');
  await expect.poll(() => taskTitles(rotated.baseUrl, rotated.token)).toContain('Signed in again');
});
