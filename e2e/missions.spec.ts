/**
 * Missions: the editor (template, inputs picker, cadence with its preview, agent), editing, the
 * state controls with a confirmed delete, Run now with live progress, and the iteration timeline
 * with tokens, model, latency and the local debug view.
 */
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { goTo, watchConsole } from './fixtures/ui';

test('create from a template with inputs and a cadence, then edit it', async ({ page, app }) => {
  await app.api('sync.push', {
    clientId: 'e2e-seed',
    changes: [
      { eventId: 'g1', app: 'goals', table: 'goals', id: 'goal-run', op: 'insert', data: { title: 'Run three times', targetValue: 3, currentValue: 1, period: 'week' } },
      { eventId: 'n1', app: 'notes', table: 'notes', id: 'note-plan', op: 'insert', data: { title: 'Quarter plan', content: 'Ship the beta.', tags: ['work'] } },
    ],
  });
  const console = watchConsole(page);
  // The new replica's first load is held until the template is open: a template opened while the
  // records are still coming picks from all of them once they are in, not from none.
  let releaseSnapshot!: () => void;
  const snapshotHeld = new Promise<void>((resolve) => (releaseSnapshot = resolve));
  await page.context().route('**/api/sync.snapshot', async (route) => {
    await snapshotHeld;
    await route.continue();
  });
  await page.goto(app.url);
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'Use template: Goal check-in' }).click();
  await expect(page.getByText('Loading…')).toBeVisible();
  releaseSnapshot();
  const form = page.getByRole('form', { name: 'Mission' });
  await expect(form.getByLabel('Title')).toHaveValue('Goal check-in');
  // The template picked the goals as inputs; add the note by searching for it.
  const chips = form.getByRole('list', { name: 'Selected inputs' });
  await expect(chips).toContainText('Run three times');
  await form.getByLabel('Search tasks, notes, events, goals').fill('quarter');
  await form.getByRole('button', { name: 'Add note input: Quarter plan' }).click();
  await expect(chips.getByRole('listitem')).toHaveCount(2);
  await chips.getByRole('button', { name: 'Remove Run three times' }).click();
  await expect(chips.getByRole('listitem')).toHaveCount(1);

  // Cadence: weekly on Friday by the template; the preview lists the next three runs.
  await expect(form.getByLabel('Frequency')).toHaveValue('weekly');
  const preview = form.getByLabel('Next runs');
  await expect(preview.getByRole('listitem')).toHaveCount(3);
  await form.getByLabel('Frequency').selectOption('cron');
  await form.getByLabel('Cron expression').fill('not a cron');
  await expect(form.getByText(/Not a valid cron expression/)).toBeVisible();
  await form.getByLabel('Cron expression').fill('30 7 * * 1-5');
  await expect(preview.getByRole('listitem')).toHaveCount(3);
  await expect(preview.getByRole('listitem').first()).toContainText(/7:30|07:30/);

  await form.getByRole('button', { name: 'Create mission' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Goal check-in' })).toBeVisible();
  const about = page.getByRole('complementary', { name: 'About this mission' });
  await expect(about).toContainText('Cron 30 7 * * 1-5');
  await expect(about).toContainText('Quarter plan');
  await expect(about.getByRole('heading', { name: 'Tone' })).toBeVisible(); // the concept, rendered

  await page.getByRole('link', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Mission' });
  await edit.getByLabel('Title').fill('Friday goal check-in');
  await edit.getByLabel('Frequency').selectOption('daily');
  await edit.getByLabel('Time', { exact: true }).fill('18:15');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Friday goal check-in' })).toBeVisible();
  await expect(about).toContainText('Daily at 18:15');
  await expect.poll(async () => (await app.api('records.list', { app: 'ai', table: 'aiMissions' })).records[0]?.data.title).toBe('Friday goal check-in');
  const [mission] = (await app.api('records.list', { app: 'ai', table: 'aiMissions' })).records;
  expect(mission!.data).toMatchObject({ title: 'Friday goal check-in', cadence: { kind: 'daily', atHour: 18, atMinute: 15 }, inputs: [{ module: 'notes', id: 'note-plan' }] });
  console.expectNone();
});

test('pause, resume, complete, archive, and delete with a confirmation', async ({ page, app }) => {
  await page.goto(app.url);
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'New mission' }).click();
  const form = page.getByRole('form', { name: 'Mission' });
  await form.getByLabel('Title').fill('Lifecycle');
  await form.getByRole('button', { name: 'Create mission' }).click();
  const state = page.locator('.title-row .badge');

  await page.getByRole('button', { name: 'Pause mission' }).click();
  await expect(state).toHaveText('Paused');
  await expect(page.getByRole('button', { name: 'Run now' })).toBeDisabled();
  await page.getByRole('button', { name: 'Resume mission' }).click();
  await expect(state).toHaveText('Active');
  await page.getByRole('button', { name: 'Complete' }).click();
  await expect(state).toHaveText('Completed');
  await page.getByRole('button', { name: 'Reopen mission' }).click();
  await page.getByRole('button', { name: 'Archive' }).click();
  await expect(state).toHaveText('Archived');
  await expect.poll(async () => (await app.api('records.list', { app: 'ai', table: 'aiMissions' })).records[0]?.data.state).toBe('archived');

  await goTo(page, 'Missions');
  await expect(page.getByText('Archived (1)')).toBeVisible();
  await page.getByText('Archived (1)').click();
  await page.getByRole('link', { name: 'Lifecycle' }).click();

  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete “Lifecycle”?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Lifecycle' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('button', { name: 'Delete mission' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Missions' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Lifecycle' })).toHaveCount(0);
  await expect.poll(async () => (await app.api('records.list', { app: 'ai', table: 'aiMissions' })).records.length).toBe(0);
});

test('run now shows live progress; the timeline has tokens, model, latency and the debug view', async ({ page, app, llm }) => {
  await page.goto(app.url);
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'New mission' }).click();
  const form = page.getByRole('form', { name: 'Mission' });
  await form.getByLabel('Title').fill('Slow model');
  await form.getByLabel('Objective').fill('Plan my day');
  await form.getByRole('button', { name: 'Create mission' }).click();

  llm.enqueue({
    ...jsonPlanReply({ summary: 'One task for today', steps: [{ summary: 's', toolName: 'create_task', params: { title: 'Stretch' }, rationale: 'Long day at the desk.' }] }),
    delayMs: 2500,
    usage: { prompt_tokens: 1200, completion_tokens: 80 },
  });
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Running: asking the model.*\d/ })).toBeVisible();
  await expect(page.getByRole('contentinfo', { name: 'Status' })).toContainText(/Planning “Slow model” — asking the model/);
  await expect(page.getByText('Run finished: awaiting review')).toBeVisible();

  const iteration = page.getByRole('listitem', { name: /^Run started .*: Awaiting review/ });
  await expect(iteration).toContainText('One task for today');
  await expect(iteration).toContainText('1,280');
  await expect(iteration).toContainText('test-model');
  await expect(iteration).toContainText(/LLM\s*\d/);
  await expect(iteration.locator('.step')).toContainText("Create task 'Stretch'");
  await expect(iteration.locator('.step')).toContainText('Pending');
  await iteration.getByRole('button', { name: /Show debug view/ }).click();
  await expect(iteration.getByRole('heading', { name: 'Prompt' })).toBeVisible();
  await expect(iteration).toContainText('Plan my day');
  await expect(iteration.getByRole('heading', { name: 'Raw responses' })).toBeVisible();
  await expect(iteration).toContainText('One task for today');
});
