/**
 * What a person reads: records by title (never ids), changes by what they do (never tool names),
 * statuses in words; GitHub-flavoured notes that never push the page sideways; forms that say
 * why a button is off; a status bar that tells the truth when the host is gone.
 */
import type { Page } from '@playwright/test';
import type { App } from './fixtures/app';
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { createMission, goTo, runNow, watchConsole } from './fixtures/ui';

const LONG_WORD = `https://example.com/${'averyveryverylongpathsegment'.repeat(12)}`;

async function seed(app: App, changes: { app: string; table: string; id: string; data: Record<string, unknown> }[]): Promise<void> {
  await app.api('sync.push', {
    clientId: 'e2e-seed',
    changes: changes.map((c) => ({ eventId: `seed-${c.table}-${c.id}`, app: c.app, table: c.table, id: c.id, op: 'insert' as const, data: c.data })),
  });
}

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test.describe('in a narrow window', () => {
  test.use({ viewport: { width: 800, height: 800 } });

  test('a note renders GitHub tables and task lists, drops raw HTML, and a long word never scrolls the page sideways', async ({ page, app }) => {
    await seed(app, [
      {
        app: 'notes',
        table: 'notes',
        id: 'note-gfm',
        data: {
          title: 'Sprint board',
          content: [
            '| Task | Owner | Due |',
            '| --- | --- | --- |',
            '| Budget draft | Maria | Fri |',
            `| Supplier call | Anna | ${LONG_WORD} |`,
            '',
            '- [x] Book the room',
            '- [ ] Send the agenda',
            '',
            `See ${LONG_WORD} for the details.`,
            '',
            '<img src="x" onerror="document.title=\'pwned\'"><b>bold by html</b>',
          ].join('\n'),
          tags: ['work'],
          createdAt: new Date().toISOString(),
          updatedAt: new Date().toISOString(),
        },
      },
    ]);
    const console = watchConsole(page);
    await page.goto(app.url);
    await goTo(page, 'Notes');
    const note = page.getByRole('article', { name: 'Note: Sprint board' });
    const table = note.getByRole('table');
    await expect(table.getByRole('columnheader', { name: 'Owner' })).toBeVisible();
    await expect(table.getByRole('row', { name: /Budget draft\s+Maria\s+Fri/ })).toBeVisible();
    await expect(note.getByRole('checkbox')).toHaveCount(2);
    await expect(note.getByRole('checkbox').first()).toBeChecked();
    await expect(note.getByRole('checkbox').first()).toBeDisabled();
    await expect(note.locator('img, b')).toHaveCount(0);
    expect(await page.title()).not.toBe('pwned');
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    console.expectNone();
  });

  test('no page scrolls sideways, and every page starts at its top', async ({ page, app, llm }) => {
    await page.goto(app.url);
    llm.enqueue(jsonPlanReply({ summary: 'Long', steps: [{ summary: 's', toolName: 'create_task', params: { title: `Read ${LONG_WORD}` }, rationale: LONG_WORD }] }));
    await createMission(page, { title: `A mission about ${LONG_WORD}` });
    await runNow(page, /Run finished: awaiting review/);
    for (const label of ['Inbox', 'Missions', 'Todo', 'Notes', 'Calendar', 'Goals', 'Agents', 'Activity', 'Settings']) {
      await goTo(page, label);
      expect(await sidewaysOverflow(page), `${label} scrolls sideways`).toBeLessThanOrEqual(0);
    }
    await goTo(page, 'Missions');
    await page.getByRole('link', { name: /^A mission about/ }).click();
    expect(await sidewaysOverflow(page), 'the mission page scrolls sideways').toBeLessThanOrEqual(0);

    // Scrolled down on one page, the next one still starts at its top.
    await goTo(page, 'Activity');
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(100);
    await goTo(page, 'Agents');
    expect(await page.evaluate(() => window.scrollY)).toBe(0);
  });
});

test('the inbox talks about records and changes, never about ids or tool names; a no-op field is no change', async ({ page, app, llm }) => {
  await seed(app, [
    { app: 'todo', table: 'tasks', id: 'task-7f3a', data: { title: 'Call Anna', priority: 'high', dueDate: null, done: false } },
    { app: 'notes', table: 'notes', id: 'note-91bc', data: { title: 'Stand-up', content: 'Decisions', tags: [] } },
    { app: 'goals', table: 'goals', id: 'goal-5d2e', data: { title: 'Run', targetValue: 3, currentValue: 1, period: 'week' } },
  ]);
  const console = watchConsole(page);
  await page.goto(app.url);
  llm.enqueue(
    jsonPlanReply({
      summary: 'Tidy up',
      steps: [
        { summary: 'a', toolName: 'update_task', params: { taskId: 'task-7f3a', priority: 'high', dueDate: '2026-12-03' }, rationale: 'Anna needs it by Thursday.' },
        { summary: 'b', toolName: 'append_to_note', params: { noteId: 'note-91bc', content: '- follow up' }, rationale: 'Keep track.' },
        { summary: 'c', toolName: 'update_goal_progress', params: { goalId: 'goal-5d2e', value: 1 }, rationale: 'You ran on Monday.' },
        { summary: 'd', toolName: 'complete_task', params: { taskId: 'task-gone' }, rationale: 'Done already.' },
      ],
    }),
  );
  await createMission(page, { title: 'Tidy' });
  await runNow(page, /Run finished: awaiting review/);
  await goTo(page, 'Inbox');
  const update = page.getByRole('article', { name: "Proposal: Update task 'Call Anna': due date → Thu 3 Dec" });
  await expect(update).toBeVisible();
  await expect(update.getByRole('row', { name: /Priority/ })).toContainText('No change');
  await expect(page.getByRole('article', { name: "Proposal: Append '- follow up' to note 'Stand-up'" })).toBeVisible();
  await expect(page.getByRole('article', { name: "Proposal: Add 1 to goal 'Run'" })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Proposal: Complete task (deleted)' })).toBeVisible();

  const text = await page.locator('main').innerText();
  expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // update_task, append_to_note, …
  expect(text).not.toMatch(/task-7f3a|note-91bc|goal-5d2e|task-gone/);
  expect(text).not.toMatch(/dueDate|awaiting-review|→ high/);

  // The mission's page lists the same steps in words too.
  await page.getByRole('link', { name: 'Tidy' }).first().click();
  const run = page.getByRole('listitem', { name: /^Run started .*: Awaiting review/ });
  await expect(run).toContainText("Update task 'Call Anna': due date → Thu 3 Dec");
  const missionText = await page.locator('main').innerText();
  expect(missionText).not.toMatch(/\b[a-z]+_[a-z_]+\b|task-7f3a|note-91bc|goal-5d2e/);
  console.expectNone();
});

test('edit before approve: people words for hints and problems, a date-time picker', async ({ page, app, llm }) => {
  await page.goto(app.url);
  llm.enqueue(
    jsonPlanReply({
      summary: 'Plan',
      steps: [{ summary: 'a', toolName: 'create_event', params: { title: 'Focus', startTime: '2026-12-01T09:00', endTime: '2026-12-01T11:00' }, rationale: 'Mornings.' }],
    }),
  );
  await createMission(page, { title: 'Calendar' });
  await runNow(page, /Run finished: awaiting review/);
  await goTo(page, 'Calendar');
  const card = page.getByRole('article', { name: /^Proposal: Create event 'Focus'/ });
  await card.getByRole('button', { name: 'Edit' }).click();
  const form = card.getByRole('form', { name: 'Edit proposal' });
  await expect(form.getByLabel('Start', { exact: true })).toHaveAttribute('type', 'datetime-local');
  await expect(form.getByLabel('Start', { exact: true })).toHaveValue('2026-12-01T09:00');
  await expect(form).not.toContainText(/YYYY|ISO|id of/);
  await form.getByLabel('Title').fill('');
  await expect(form.getByText("Title can't be empty")).toBeVisible();
  await form.getByLabel('End', { exact: true }).fill('2026-12-01T08:00');
  await expect(form.getByText('The end must be after the start')).toBeVisible();
  await expect(form.getByRole('button', { name: 'Approve with changes' })).toBeDisabled();
});

test('a disabled button says why: Run now on a paused mission, Create with an invalid cadence', async ({ page, app }) => {
  await page.goto(app.url);
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'New mission' }).click();
  const form = page.getByRole('form', { name: 'Mission' });
  const create = form.getByRole('button', { name: 'Create mission' });
  await expect(create).toBeDisabled();
  await expect(create).toHaveAccessibleDescription('Give the mission a title first.');
  await form.getByLabel('Title').fill('Paused one');
  await form.getByLabel('Frequency').selectOption('cron');
  await form.getByLabel('Cron expression').fill('every day');
  await expect(create).toBeDisabled();
  await expect(create).toHaveAccessibleDescription(/Fix the cadence first/);
  await form.getByLabel('Cron expression').fill('0 9 * * 1-5');
  await expect(create).toBeEnabled();
  await create.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Paused one' })).toBeVisible();

  await page.getByRole('button', { name: 'Pause mission' }).click();
  const runNow = page.getByRole('button', { name: 'Run now' });
  await expect(runNow).toBeDisabled();
  await expect(runNow).toHaveAccessibleDescription('The mission is paused: resume it to run it.');
  await page.getByRole('button', { name: 'Resume mission' }).click();
  await expect(runNow).toBeEnabled();
});

test('the status bar: a long error stays on one line with the full text at hand; an unreachable host is said so', async ({ page, app, llm }) => {
  const longError = `The model server is overloaded: ${'please try again later, '.repeat(20)}`;
  await page.goto(app.url);
  const bar = page.getByRole('contentinfo', { name: 'Status' });
  await expect(bar).toContainText('Runner: Idle');
  const height = (await bar.boundingBox())!.height;

  llm.enqueue(...Array.from({ length: 4 }, () => ({ status: 400, body: { error: { message: longError, type: 'invalid_request_error' } } })));
  await createMission(page, { title: 'Overloaded' });
  await runNow(page, /Run failed|Run finished: failed/);
  const error = bar.getByRole('button', { name: /overloaded/ });
  await expect(error).toBeVisible();
  expect((await bar.boundingBox())!.height).toBeLessThanOrEqual(height + 2);
  await expect(error).toHaveAttribute('title', /please try again later, please try again later/);
  await error.click();
  await expect(bar.getByRole('note')).toContainText(longError.trim().slice(-40));
  await page.keyboard.press('Escape');
  await expect(bar.getByRole('note')).toHaveCount(0);

  // The host goes away: the bar says so instead of its last "Idle · LLM …".
  await app.stop();
  await expect(bar).toContainText('Can’t reach Mission Companion — retrying', { timeout: 25_000 });
  await expect(bar).not.toContainText('Idle');
});
