/**
 * The "done when" path of the product, as a person who never saw the app goes through it: connect
 * an endpoint on the welcome page, create a mission from a template, run it, review its proposals
 * with the keyboard (edit one, approve, reject with a reason, revert), and find it all in Activity.
 */
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { goTo, watchConsole } from './fixtures/ui';

const PLAN = {
  summary: 'Three tasks from the stand-up',
  steps: [
    { summary: 'Call', toolName: 'create_task', params: { title: 'Call Anna', priority: 'high' }, rationale: 'Anna owns the supplier call.' },
    { summary: 'Flights', toolName: 'create_task', params: { title: 'Book flights', dueDate: '2026-12-01' }, rationale: 'The trip is in two weeks.' },
    { summary: 'Licence', toolName: 'create_task', params: { title: 'Renew the design licence' }, rationale: 'It expires this month.' },
  ],
};

test('configure, create from a template, review with the keyboard, find it in Activity', async ({ page, app, llm }) => {
  // A first start with an endpoint that does not answer: the person has to configure theirs.
  await app.api('settings.update', { llm: { baseUrl: 'http://127.0.0.1:9/v1', model: '' } });
  const console = watchConsole(page);
  await page.goto(app.url);

  // 1. Welcome: connect the language model and test it.
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Mission Companion' })).toBeVisible();
  const connect = page.getByRole('form', { name: 'Connect a language model' });
  // Nothing red before the person did anything: an endpoint that does not answer yet is expected.
  await expect(connect.getByText(/Nothing answers at this address yet/)).toBeVisible();
  await expect(connect.getByRole('alert')).toHaveCount(0);
  // Asked explicitly, it says why; a later success clears that.
  await connect.getByRole('button', { name: 'List models' }).click();
  await expect(connect.getByRole('alert')).toContainText('Could not list models');
  // "Custom" can be chosen whatever the URL says.
  await connect.getByLabel('Provider').selectOption('ollama');
  await expect(connect.getByLabel('Base URL')).toHaveValue('http://127.0.0.1:11434/v1');
  await connect.getByLabel('Provider').selectOption('custom');
  await expect(connect.getByLabel('Provider')).toHaveValue('custom');
  await connect.getByLabel('Base URL').fill(llm.url);
  await connect.getByRole('button', { name: 'List models' }).click();
  await expect(connect.getByRole('alert')).toHaveCount(0);
  await connect.getByRole('button', { name: 'test-model' }).click();
  await expect(connect.getByLabel('Model', { exact: true })).toHaveValue('test-model');
  await connect.getByLabel('API key').fill('sk-onboarding-test');
  await connect.getByRole('button', { name: 'Save and test' }).click();
  await expect(connect.getByText(/Connection OK — \d/)).toBeVisible();
  // The key went to the host: the field empties and says one is set (it is never shown again).
  await expect(connect.getByLabel('API key')).toHaveValue('');
  await expect(connect.getByLabel('API key')).toHaveAttribute('placeholder', 'A key is set');
  await expect(page.getByRole('heading', { name: /Connect a language model \(done\)/ })).toBeVisible();

  // 2. A first mission from a template.
  await page.getByRole('link', { name: 'Use template: Weekly planning from my notes' }).click();
  const form = page.getByRole('form', { name: 'Mission' });
  await expect(form.getByLabel('Title')).toHaveValue('Weekly planning from my notes');
  await expect(page.getByLabel('Next runs').getByRole('listitem')).toHaveCount(3);
  await form.getByRole('button', { name: 'Create mission' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Weekly planning from my notes' })).toBeVisible();

  // 3. Run it: the runner writes three proposals, announced by a toast and the inbox badge.
  llm.enqueue(jsonPlanReply(PLAN));
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByText('Run finished: awaiting review')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Notifications' }).getByText('3 new proposals')).toBeVisible();
  await goTo(page, 'Inbox');
  await expect(page.getByRole('link', { name: 'Inbox (3 pending)' })).toBeVisible();
  const cards = page.getByRole('article', { name: /^Proposal:/ });
  await expect(cards).toHaveCount(3);

  // 4. Keyboard review. j/k move between cards, focus visible.
  await page.keyboard.press('j');
  await expect(cards.nth(0)).toBeFocused();
  await page.keyboard.press('j');
  await expect(cards.nth(1)).toBeFocused();
  await page.keyboard.press('k');
  await expect(cards.nth(0)).toBeFocused();

  // e: edit the first before approving it; the form is validated as you type.
  await page.keyboard.press('e');
  const edit = cards.nth(0).getByRole('form', { name: 'Edit proposal' });
  const title = edit.getByLabel('Title');
  await expect(title).toBeFocused();
  await title.fill('');
  await expect(edit.getByRole('button', { name: 'Approve with changes' })).toBeDisabled();
  await title.fill('Call Anna about the budget');
  await title.press('Enter');
  await expect(page.getByRole('listitem', { name: "Approved: Create task 'Call Anna about the budget', high priority" })).toBeVisible();
  await expect(cards).toHaveCount(2);

  // a: approve the card that took its place (focus stays in the list).
  await expect(cards.nth(0)).toBeFocused();
  await page.keyboard.press('a');
  await expect(page.getByRole('listitem', { name: /^Approved: Create task 'Book flights'/ })).toBeVisible();

  // r: reject the last one with a reason (Ctrl+Enter confirms).
  await expect(cards).toHaveCount(1);
  await cards.nth(0).focus();
  await page.keyboard.press('r');
  const reason = cards.nth(0).getByLabel('Reason (optional)');
  await expect(reason).toBeFocused();
  await reason.fill('Already renewed last week');
  await reason.press('Control+Enter');
  await expect(page.getByRole('listitem', { name: /^Rejected: Create task 'Renew the design licence'/ })).toBeVisible();
  await expect(cards).toHaveCount(0);

  // u: revert the "Book flights" approval from the decided list; it asks first (Escape keeps it).
  const flights = page.getByRole('listitem', { name: /^Approved: Create task 'Book flights'/ });
  await flights.focus();
  await page.keyboard.press('u');
  const confirm = page.getByRole('dialog', { name: 'Revert this change?' });
  await expect(confirm).toContainText('The task it created will be deleted.');
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(flights).toBeVisible();
  await flights.focus();
  await page.keyboard.press('u');
  await confirm.getByRole('button', { name: 'Revert change' }).click();
  await expect(page.getByRole('listitem', { name: /^Reverted: Create task 'Book flights'/ })).toBeVisible();

  const tasks = (await app.api('records.list', { app: 'todo', table: 'tasks' })).records.map((r) => r.data.title);
  expect(tasks).toEqual(['Call Anna about the budget']);
  await goTo(page, 'Todo');
  await expect(page.getByRole('checkbox', { name: 'Call Anna about the budget' })).toBeVisible();

  // 5. Activity: what happened, who did it, in which mission.
  await goTo(page, 'Activity');
  await expect(page.getByRole('figure', { name: 'Proposals per day' })).toContainText('1 approved, 1 rejected, 1 reverted');
  const timeline = page.getByRole('list', { name: /^Changes on/ }).first();
  const created = timeline.getByRole('listitem').filter({ hasText: 'Companion created the task “Call Anna about the budget”' });
  await expect(created).toContainText('in Weekly planning from my notes');
  await expect(created).toContainText('Why: Anna owns the supplier call.');
  await expect(timeline.getByRole('listitem').filter({ hasText: 'You reverted “Create task' })).toHaveCount(1);
  await expect(timeline.getByRole('listitem').filter({ hasText: "You rejected “Create task 'Renew the design licence'" })).toHaveCount(1);
  await created.getByRole('link', { name: 'Weekly planning from my notes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Weekly planning from my notes' })).toBeVisible();
  console.expectNone();
});
