/**
 * No repeated work and truthful status, as a person sees them (issue 12): a mission whose cards
 * wait says so in the Missions list and on its page; Run now with the same plan adds no second
 * card and lists the left-out change under the plan; deciding the cards turns the run into
 * "Reviewed" with its counts everywhere; the setting to plan anyway is in the editor in words.
 */
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { createMission, goTo, runNow, watchConsole } from './fixtures/ui';

const plan = jsonPlanReply({
  summary: 'Tasks from the notes',
  steps: [
    { toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'The notes ask for it.' },
    { toolName: 'create_task', params: { title: 'Book the room' }, rationale: 'The meeting needs one.' },
  ],
});

test('waiting for review, a repeated plan left out in words, then reviewed with counts', async ({ page, app, llm }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  llm.enqueue(plan);
  await createMission(page, { title: 'Notes to tasks' });
  await runNow(page, /Run finished: awaiting review/);

  // The mission page says why it will not plan again, and what it will do.
  await expect(page.getByRole('status').filter({ hasText: 'Waiting for review (2 proposals, oldest 1 min).' })).toContainText('It does not plan again until you have decided them');

  // Run now plans anyway; the model repeats itself and adds one new change: one new card, one left out.
  llm.enqueue(
    jsonPlanReply({
      summary: 'Again',
      steps: [
        { toolName: 'create_task', params: { title: 'Call Anna ' }, rationale: 'Still in the notes.' },
        { toolName: 'create_task', params: { title: 'Send the agenda' }, rationale: 'Before the meeting.' },
      ],
    }),
  );
  await runNow(page, /Run finished: awaiting review/);
  await expect(page.getByRole('heading', { name: 'Proposals of this mission (3)' })).toBeVisible();
  await expect(page.getByRole('article', { name: /^Proposal: Create task 'Call Anna'/ })).toHaveCount(1);
  const leftOut = page.locator('.refused-steps').first();
  await expect(leftOut).toContainText('1 more change in this plan was not proposed');
  await leftOut.locator('summary').click();
  await expect(leftOut).toContainText("Create task 'Call Anna'");
  await expect(leftOut).toContainText('The same change is already waiting for your review.');
  const runs = page.getByRole('region', { name: 'Runs' });
  await expect(runs.getByText('Already proposed')).toBeVisible();

  await goTo(page, 'Missions');
  const row = page.getByRole('row', { name: /Notes to tasks/ });
  await expect(row).toContainText('Waiting for review (3 proposals, oldest 1 min)');
  await expect(row).toContainText('Awaiting review (1 waiting)'); // the last run: one card, one change left out

  // Decide everything: the runs become "Reviewed" with what happened to their cards.
  await goTo(page, 'Inbox');
  const groups = page.locator('.iteration-group');
  await groups.first().getByRole('button', { name: 'Approve all 2' }).click();
  const agenda = page.getByRole('article', { name: /^Proposal: Create task 'Send the agenda'/ });
  await agenda.getByRole('button', { name: 'Reject' }).click();
  await agenda.getByLabel('Reason (optional)').fill('We have one already.');
  await agenda.getByRole('button', { name: 'Confirm reject' }).click();
  await expect(page.getByRole('listitem', { name: "Rejected: Create task 'Send the agenda'" })).toBeVisible();

  await goTo(page, 'Missions');
  await expect(row).toContainText('Reviewed: 1 rejected');
  await expect(row).not.toContainText('Waiting for review');
  await row.getByRole('link', { name: 'Notes to tasks' }).click();
  await expect(runs.getByRole('listitem', { name: /^Run started .*: Reviewed/ })).toHaveCount(2);
  await expect(runs).toContainText('2 approved');
  await expect(page.getByText(/Waiting for review \(/)).toHaveCount(0);

  // The setting to plan anyway, in words; saved on the mission.
  await page.getByRole('link', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Mission' });
  await expect(form.getByText('While its proposals wait, it does not plan again; once you have decided them, it runs once.')).toBeVisible();
  await form.getByRole('checkbox', { name: 'Keep planning while proposals wait for review' }).check();
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('complementary', { name: 'About this mission' })).toContainText('It keeps planning on its cadence');
  await expect.poll(async () => (await app.api('records.list', { app: 'ai', table: 'aiMissions' })).records[0]?.data.planWhileWaiting).toBe(true);

  // no code words on the way
  await expect(page.locator('main')).not.toContainText(/create_task|already-proposed|awaiting-review|planWhileWaiting/);
  console.expectNone();
});
