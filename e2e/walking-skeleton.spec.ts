/**
 * The whole loop a person goes through: create a mission in the UI, run it, review the ghost card
 * in the todo inbox, approve (the task appears, attributed to the agent), reject with a reason (the
 * next LLM request carries it), revert (the task goes away).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { createMission, goTo, runNow } from './fixtures/ui';

const callAnna = {
  summary: 'Schedule the call',
  toolName: 'create_task',
  params: { title: 'Call Anna', priority: 'high', dueDate: '2026-11-27' },
  rationale: 'Anna asked for a call before Friday.',
};

async function createMissionAndRun(page: Page, title: string): Promise<void> {
  await createMission(page, { title, objective: 'Turn my meeting notes into tasks' });
  await expect(page.getByText(`Created “${title}”.`)).toBeVisible();
  await runNow(page, /Run finished: awaiting review/);
}

test('mission → run now → ghost card → approve → task by the agent → revert', async ({ page, app, llm }) => {
  llm.enqueue(jsonPlanReply({ summary: 'One task from the notes', steps: [callAnna] }));
  await page.goto(app.url);
  await createMissionAndRun(page, 'Weekly planning');

  await goTo(page, 'Todo');
  const card = page.getByRole('article', { name: /Proposal: Create task 'Call Anna' due Fri 27 Nov, high priority/ });
  await expect(card).toBeVisible();
  await expect(card).toContainText('Anna asked for a call before Friday.');
  await expect(card).toContainText('Companion');
  await expect(page.getByRole('link', { name: /Inbox \(1 pending\)/ })).toBeVisible();

  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(card).toHaveCount(0);
  const task = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Call Anna' }) });
  await expect(task).toBeVisible();
  await expect(task).toContainText('by Companion');

  // The log says who did it: the agent, on behalf of this mission.
  const { changes } = await app.api('sync.pull', { since: 0, limit: 1000 });
  const effect = changes.find((c) => c.app === 'todo' && c.table === 'tasks');
  expect(effect?.actor).toMatchObject({ kind: 'ai', principalId: 'agent:default', rationale: callAnna.rationale });

  const decided = page.getByRole('listitem', { name: /Approved: Create task 'Call Anna'/ });
  await decided.getByRole('button', { name: 'Revert' }).click();
  await page.getByRole('dialog', { name: 'Revert this change?' }).getByRole('button', { name: 'Revert change' }).click();
  await expect(page.getByRole('checkbox', { name: 'Call Anna' })).toHaveCount(0);
  await expect(page.getByRole('listitem', { name: /Reverted: Create task 'Call Anna'/ })).toBeVisible();
  const after = await app.api('records.list', { app: 'todo', table: 'tasks' });
  expect(after.records).toHaveLength(0);
});

test('rejecting with a reason puts the reason in the next request to the LLM', async ({ page, app, llm }) => {
  llm.enqueue(jsonPlanReply({ summary: 'One task', steps: [callAnna] }));
  await page.goto(app.url);
  await createMissionAndRun(page, 'Meeting follow-ups');

  await goTo(page, 'Inbox');
  const card = page.getByRole('article', { name: /Proposal: Create task 'Call Anna'/ });
  await card.getByRole('button', { name: 'Reject' }).click();
  await card.getByLabel('Reason (optional)').fill('Anna is on holiday until May');
  await card.getByRole('button', { name: 'Confirm reject' }).click();
  await expect(card).toHaveCount(0);
  await expect(page.getByRole('listitem', { name: /Rejected: Create task 'Call Anna'/ })).toBeVisible();

  llm.enqueue(jsonPlanReply({ summary: 'Nothing else', steps: [] }));
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'Meeting follow-ups' }).click();
  await runNow(page, /Run finished: done/);

  const lastRequest = JSON.stringify(llm.requests.at(-1)!.body);
  expect(lastRequest).toContain('Anna is on holiday until May');
  expect(lastRequest).toContain('[rejected]');
});

test('a failing LLM shows a failed iteration with a readable error and the app keeps working', async ({ page, app, llm }) => {
  // Prose is not a plan, in any mode.
  await app.api('settings.update', { llm: { plannerMode: 'json' } });
  llm.enqueue({ content: 'Sure! I would call Anna.' }, { content: 'Still no JSON, sorry.' });
  await page.goto(app.url);
  await createMission(page, { title: 'Flaky model' });
  await runNow(page, /Run failed|Run finished: failed/);
  await expect(page.getByRole('listitem', { name: /Run started .*: Failed/ })).toContainText('did not answer with a plan');
  // Still usable: the todo page works.
  await goTo(page, 'Todo');
  const add = page.getByRole('form', { name: 'New task' });
  await add.getByLabel('Title').fill('Water the plants');
  await add.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByRole('checkbox', { name: 'Water the plants' })).toBeVisible();
  await expect.poll(async () => (await app.api('records.list', { app: 'todo', table: 'tasks' })).records.length).toBe(1);
});
