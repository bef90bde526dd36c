/**
 * Two devices and a sync server, as a household runs them: a home server (`serve --sync`, joining
 * its own sync server) and a laptop pointed at it, each with its own browser tab. A mission created
 * in the laptop's UI is planned once (both runners claim its due time; one plans), its proposal
 * shows in the home server's inbox, is approved there, and the task appears in the laptop's Todo,
 * attributed to the agent. The status bars say so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src-main/testing/free-port';
import { ENGINE_NODE_FLAGS } from '../scripts/engine-flags.mjs';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { DEFAULT_CLI, callApi, expect, test } from './fixtures/app';
import { createMission, goTo } from './fixtures/ui';

test.skip(({ browserName }) => browserName !== 'chromium', 'two headless hosts');

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [...ENGINE_NODE_FLAGS, DEFAULT_CLI, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').at(-1)!;
}

const callAnna = { summary: 'Schedule the call', toolName: 'create_task', params: { title: 'Call Anna', priority: 'high' }, rationale: 'Anna asked for a call before Friday.' };

test('a mission made on the laptop is planned once, approved on the home server, and its task shows on the laptop', async ({ page, context, dataDir, llm, launchHost }) => {
  const homeDir = await mkdtemp(join(tmpdir(), 'companion-e2e-home-'));
  let home: Awaited<ReturnType<typeof launchHost>> | null = null;
  try {
    // the home server: an account, then `serve --sync` that joins its own sync server
    const homeToken = cli(['users', 'add', 'household', '--data-dir', homeDir, '--device', 'home server']);
    const laptopToken = cli(['users', 'token', 'household', '--data-dir', homeDir, '--device', 'laptop']);
    const port = await freePort();
    const syncUrl = `http://127.0.0.1:${port}`;
    home = await launchHost({ dataDir: homeDir, port, extraArgs: ['--sync', '--sync-url', syncUrl, '--sync-token', homeToken, '--device-name', 'Home server'] });
    const laptop = await launchHost({ dataDir, extraArgs: ['--sync-url', syncUrl, '--sync-token', laptopToken, '--device-name', 'Laptop'] });

    llm.enqueue(jsonPlanReply({ summary: 'One call to make', steps: [callAnna] }));
    await page.goto(laptop.url);
    await expect(page.getByRole('contentinfo', { name: 'Status' }).getByRole('link', { name: /^Synced \d+ s ago$/ })).toBeVisible();
    await createMission(page, { title: 'Family admin', objective: 'Keep track of calls to make' });

    // Its first run, brought forward to now (instead of waiting for the cadence): both runners
    // wake for it, both claim it at the sync server, one plans.
    const [mission] = (await callApi(laptop.baseUrl, laptop.token, 'records.list', { app: 'ai', table: 'aiMissions' })).records;
    await callApi(laptop.baseUrl, laptop.token, 'sync.push', {
      clientId: 'e2e',
      changes: [{ eventId: 'bring-forward', app: 'ai', table: 'aiMissions', id: mission!.id, op: 'update', data: { cadence: { kind: 'interval', everyMinutes: 60 }, nextRunAt: new Date(Date.now() + 2000).toISOString() } }],
    });

    const homePage = await context.newPage();
    await homePage.goto(home.url);
    await goTo(homePage, 'Todo');
    const card = homePage.getByRole('article', { name: /Proposal: Create task 'Call Anna'/ });
    await expect(card).toBeVisible({ timeout: 20_000 });
    await expect(card).toContainText('Anna asked for a call before Friday.');
    await card.getByRole('button', { name: 'Approve' }).click();
    await expect(card).toHaveCount(0);

    await goTo(page, 'Todo');
    const task = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Call Anna' }) });
    await expect(task).toBeVisible({ timeout: 15_000 });
    await expect(task).toContainText('by Companion');
    // on the laptop the proposal is decided too
    await expect(page.getByRole('article', { name: /Proposal: Create task 'Call Anna'/ })).toHaveCount(0);

    // one plan for the due time: one LLM call, one iteration on both devices
    expect(llm.requests).toHaveLength(1);
    for (const host of [home, laptop]) {
      const { records } = await callApi(host.baseUrl, host.token, 'records.list', { app: 'ai', table: 'aiIterations' });
      expect(records).toHaveLength(1);
    }
    const homeStatus = await callApi(home.baseUrl, home.token, 'syncServer.status', {});
    expect(homeStatus).toMatchObject({ state: 'synced', claims: 'supported', parked: 0 });
    await expect(homePage.getByRole('contentinfo', { name: 'Status' }).getByRole('link', { name: /^Synced/ })).toBeVisible();
  } finally {
    await home?.stop();
    await rm(homeDir, { recursive: true, force: true, maxRetries: 3 });
  }
});
