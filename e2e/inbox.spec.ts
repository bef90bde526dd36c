/**
 * Reviewing proposals: plain words with the agent, mission and reason; before/after for updates;
 * edit with inline validation; approve/reject all of a plan; badges per module; the per-module
 * and per-mission inboxes.
 */
import type { App } from './fixtures/app';
import { expect, test } from './fixtures/app';
import { jsonPlanReply, type ScriptedLlm } from '../src-main/testing/llm-server';
import { createMission, goTo, runNow, watchConsole } from './fixtures/ui';

async function seedTask(app: App, id: string, data: Record<string, unknown>): Promise<void> {
  await app.api('sync.push', { clientId: 'e2e-seed', changes: [{ eventId: `seed-${id}`, app: 'todo', table: 'tasks', id, op: 'insert', data }] });
}

async function planned(page: import('@playwright/test').Page, llm: ScriptedLlm, title: string, steps: unknown[]): Promise<void> {
  llm.enqueue(jsonPlanReply({ summary: 'A plan', steps }));
  await createMission(page, { title });
  await runNow(page, /Run finished: awaiting review/);
}

test('an update shows what changes, and the card names the task instead of its id', async ({ page, app, llm }) => {
  await seedTask(app, 't-report', { title: 'Write report', priority: 'low', dueDate: '2026-12-01', done: false });
  const console = watchConsole(page);
  await page.goto(app.url);
  await planned(page, llm, 'Tidy tasks', [
    { summary: 'Sharper', toolName: 'update_task', params: { taskId: 't-report', title: 'Write the Q4 report', priority: 'high' }, rationale: 'The board meets Monday.' },
  ]);
  // The mission's own inbox lists it too; a card the runner just wrote animates in (once).
  await expect(page.getByRole('heading', { name: 'Proposals of this mission (1)' })).toBeVisible();
  await expect(page.getByRole('article', { name: /^Proposal: Update task/ })).toHaveClass(/fresh/);

  await goTo(page, 'Todo');
  const card = page.getByRole('article', { name: /^Proposal: Update task 'Write report'/ });
  await expect(card).toContainText('Why: The board meets Monday.');
  const changes = card.getByRole('table', { name: 'Changes' });
  await expect(changes.getByRole('row', { name: /Title/ })).toContainText('Write report');
  await expect(changes.getByRole('row', { name: /Title/ })).toContainText('Write the Q4 report');
  await expect(changes.getByRole('row', { name: /Priority/ })).toContainText(/low\s*high/);

  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('checkbox', { name: 'Write the Q4 report' })).toBeVisible();
  console.expectNone();
});

test('edit before approve: a form from the tool schema, validated inline', async ({ page, app, llm }) => {
  await page.goto(app.url);
  await planned(page, llm, 'Goals', [
    { summary: 'New goal', toolName: 'create_goal', params: { title: 'Run', targetValue: 3, period: 'week' }, rationale: 'You said you want to run more.' },
  ]);
  await goTo(page, 'Goals');
  await expect(page.getByRole('link', { name: 'Goals (1 pending)' })).toBeVisible();
  const card = page.getByRole('article', { name: /^Proposal: Create goal 'Run': 3 per week/ });
  await card.getByRole('button', { name: 'Edit' }).click();
  const form = card.getByRole('form', { name: 'Edit proposal' });
  await expect(form.getByLabel('Period')).toHaveValue('week');
  await form.getByLabel('Target').fill('-2');
  await expect(form.getByLabel('Target')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('Target must be more than 0')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Approve with changes' })).toBeDisabled();
  await form.getByLabel('Target').fill('4');
  await form.getByLabel('Period').selectOption('month');
  await form.getByRole('button', { name: 'Approve with changes' }).click();
  const decided = page.getByRole('listitem', { name: "Approved: Create goal 'Run': 4 per month" });
  await expect(decided).toContainText('edited');
  await expect(page.getByRole('listitem', { name: 'Goal: Run' })).toContainText('0 / 4 per month');
  const proposal = (await app.api('records.list', { app: 'ai', table: 'aiProposals' })).records[0]!;
  expect(proposal.data).toMatchObject({ params: { title: 'Run', targetValue: 4, period: 'month' }, originalParams: { targetValue: 3, period: 'week' } });
});

test('approve all and reject all of a plan', async ({ page, app, llm }) => {
  await page.goto(app.url);
  await planned(page, llm, 'Batch', [
    { summary: 'a', toolName: 'create_task', params: { title: 'First' }, rationale: 'r1' },
    { summary: 'b', toolName: 'create_task', params: { title: 'Second' }, rationale: 'r2' },
  ]);
  await goTo(page, 'Inbox');
  const plan = page.getByRole('region', { name: 'Plan from Batch' });
  await expect(plan.getByRole('article')).toHaveCount(2);
  await plan.getByRole('button', { name: 'Approve all 2' }).click();
  await expect(page.getByRole('listitem', { name: "Approved: Create task 'First'" })).toBeVisible();
  await expect(page.getByRole('listitem', { name: "Approved: Create task 'Second'" })).toBeVisible();
  expect((await app.api('records.list', { app: 'todo', table: 'tasks' })).records).toHaveLength(2);

  // A second plan, rejected as a whole with one reason for the next prompt.
  llm.enqueue(jsonPlanReply({ summary: 'More', steps: [
    { summary: 'c', toolName: 'create_task', params: { title: 'Third' }, rationale: 'r3' },
    { summary: 'd', toolName: 'create_note', params: { content: 'Fourth' }, rationale: 'r4' },
  ] }));
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'Batch' }).click();
  await runNow(page, /Run finished: awaiting review/);
  await goTo(page, 'Inbox');
  await expect(page.getByRole('link', { name: 'Notes (1 pending)' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Todo (1 pending)' })).toBeVisible();
  const second = page.getByRole('region', { name: 'Plan from Batch' });
  await second.getByRole('button', { name: 'Reject all' }).click();
  await second.getByLabel('Reason (optional)').fill('Not now');
  await second.getByRole('button', { name: 'Reject all 2' }).click();
  await expect(page.getByRole('listitem', { name: "Rejected: Create task 'Third'" })).toContainText('Reason: Not now');
  await expect(page.getByRole('link', { name: 'Inbox' })).toHaveAccessibleName('Inbox');
});
