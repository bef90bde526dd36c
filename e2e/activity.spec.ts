/**
 * Activity: charts from the replica, the audit timeline from the change log (who, what, when, in
 * which mission) with its filters, and edits of yours that a change from elsewhere overwrote.
 */
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { createMission, goTo, runNow, watchConsole } from './fixtures/ui';

test('charts and a filterable audit timeline of a run and its decisions', async ({ page, app, llm }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  llm.enqueue({
    ...jsonPlanReply({
      summary: 'Two tasks',
      steps: [
        { summary: 'a', toolName: 'create_task', params: { title: 'Pay rent' }, rationale: 'It is the first of the month.' },
        { summary: 'b', toolName: 'create_task', params: { title: 'Buy a yacht' }, rationale: 'Why not.' },
      ],
    }),
    usage: { prompt_tokens: 700, completion_tokens: 50 },
  });
  await createMission(page, { title: 'Monthly chores' });
  await runNow(page, /Run finished: awaiting review/);
  await page.getByRole('article', { name: /Pay rent/ }).getByRole('button', { name: 'Approve' }).click();
  const yacht = page.getByRole('article', { name: /Buy a yacht/ });
  await yacht.getByRole('button', { name: 'Reject' }).click();
  await yacht.getByRole('button', { name: 'Confirm reject' }).click();
  await expect(page.getByRole('article')).toHaveCount(0);

  await goTo(page, 'Activity');
  // both cards decided: the run is reviewed, not "awaiting review" forever (issue 12)
  await expect(page.getByRole('figure', { name: 'Runs per day' })).toContainText('1 reviewed');
  await expect(page.getByRole('figure', { name: 'Proposals per day' })).toContainText('1 approved, 1 rejected');
  await expect(page.getByRole('figure', { name: 'Tokens per day' })).toContainText('750 tokens by Companion');
  const rates = page.getByRole('figure', { name: 'Approval rate per kind of change' });
  await expect(rates).toContainText('Of 2 decisions: 50% approved, 50% rejected');
  await expect(rates).toContainText('Create a task');
  await expect(page.locator('main')).not.toContainText(/create_task|awaiting-review/);
  await expect(page.locator('figure .recharts-wrapper')).toHaveCount(4);

  const entries = page.locator('.timeline-entry');
  await expect(entries.filter({ hasText: 'Companion proposed “Create task \'Pay rent\'”' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'Companion created the task “Pay rent”' })).toContainText('Why: It is the first of the month.');
  await expect(entries.filter({ hasText: 'Mission runner planned “Monthly chores”' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'You created the mission “Monthly chores”' })).toHaveCount(1);

  // Only what you did.
  await page.getByLabel('By').selectOption('user');
  await expect(entries.filter({ hasText: 'You rejected “Create task \'Buy a yacht\'”' })).toHaveCount(1);
  await expect(entries.filter({ hasText: 'Companion' })).toHaveCount(0);
  // Only the todo module: the agent's task (and nothing of yours there).
  await page.getByLabel('By').selectOption('all');
  await page.getByLabel('Show').selectOption('todo');
  await expect(entries).toHaveCount(1);
  await expect(entries.first()).toContainText('Companion created the task “Pay rent”');
  console.expectNone();
});

test('an edit of yours overwritten by another device is announced and listed', async ({ page, app }) => {
  await page.goto(app.url);
  await goTo(page, 'Todo');
  const add = page.getByRole('form', { name: 'New task' });
  await add.getByLabel('Title').fill('Buy milk');
  await add.getByRole('button', { name: 'Add task' }).click();
  const task = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Buy milk' }) });
  await task.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit task Buy milk' });
  await edit.getByLabel('Title').fill('Buy oat milk');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect.poll(async () => (await app.api('records.list', { app: 'todo', table: 'tasks' })).records[0]?.data.title).toBe('Buy oat milk');

  // Another device writes the same field a little later.
  const [record] = (await app.api('records.list', { app: 'todo', table: 'tasks' })).records;
  const later = new Date(Date.now() + 30_000).toISOString();
  await app.api('sync.push', {
    clientId: 'phone',
    changes: [
      {
        eventId: 'phone-edit-1',
        app: 'todo',
        table: 'tasks',
        id: record!.id,
        op: 'update',
        fields: { title: { value: 'Buy soy milk', at: later } },
        actor: { kind: 'user', principalId: 'user:local', displayName: 'Phone' },
      },
    ],
  });
  const toast = page.getByRole('region', { name: 'Notifications' });
  await expect(toast).toContainText('Your edit of a task was overwritten');
  await expect(toast).toContainText('title was changed by Phone');
  await expect(page.getByRole('checkbox', { name: 'Buy soy milk' })).toBeVisible();
  await toast.getByRole('link', { name: 'See in Activity' }).click();
  const overwritten = page.getByRole('region', { name: 'Overwritten edits' });
  await expect(overwritten).toContainText('Title of the task: you wrote “Buy oat milk”, now “Buy soy milk”');
});
