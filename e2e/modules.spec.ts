/**
 * The modules: todo, notes (Markdown rendered safely, tags, the "about me" document), calendar
 * (day and week lists) and goals (progress bars), each with create, edit and complete-or-delete.
 */
import { expect, test } from './fixtures/app';
import { goTo, watchConsole } from './fixtures/ui';

test('todo: create, edit, complete, filter, delete', async ({ page, app }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Todo');
  await expect(page.getByText('No tasks yet.')).toBeVisible();
  const add = page.getByRole('form', { name: 'New task' });
  await add.getByLabel('Title').fill('Renew passport');
  await add.getByLabel('Due date').fill('2030-03-01');
  await add.getByLabel('Priority').selectOption('high');
  await add.getByRole('button', { name: 'Add task' }).click();
  const task = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Renew passport' }) });
  await expect(task).toContainText(/Due Fri.*2030/);
  await expect(task).toContainText('high');

  await task.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit task Renew passport' });
  await edit.getByLabel('Title').fill('Renew passport and ID');
  await edit.getByLabel('Description').fill('Photos first.');
  await edit.getByRole('button', { name: 'Save' }).click();
  const renamed = page.getByRole('listitem').filter({ has: page.getByRole('checkbox', { name: 'Renew passport and ID' }) });
  await expect(renamed).toContainText('Photos first.');

  // Done tasks leave the default "Open" view at once, so click (check() would race the removal).
  await renamed.getByRole('checkbox').click();
  await expect(renamed).toHaveCount(0);
  await page.getByRole('button', { name: /^Open/ }).click();
  await expect(page.getByText('Nothing open — well done.')).toBeVisible();
  await page.getByRole('button', { name: /^Done \(1\)/ }).click();
  await expect(renamed).toContainText('Done');
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  await expect.poll(async () => (await app.api('records.list', { app: 'todo', table: 'tasks' })).records.length).toBe(0);
  console.expectNone();
});

test('notes: Markdown rendered without running injected HTML; tags, search, edit, delete, about me', async ({ page, app }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Notes');
  await page.getByRole('button', { name: 'New note' }).click();
  const form = page.getByRole('form', { name: 'New note' });
  await form.getByLabel('Title').fill('Trip');
  await form.getByLabel('Content (Markdown)').fill(
    '# Packing\n\n**Passport** and *charger*.\n\n<script>window.__pwned = 1</script>\n<img src="x" onerror="window.__pwned = 2">\n\n[bad link](javascript:window.__pwned=3)',
  );
  await form.getByLabel('Tags').fill('travel, #summer');
  await form.getByRole('button', { name: 'Save note' }).click();

  const note = page.getByRole('article', { name: 'Note: Trip' });
  await expect(note.getByRole('heading', { name: 'Packing' })).toBeVisible();
  await expect(note.locator('strong')).toHaveText('Passport');
  await expect(note).toContainText('#travel');
  await expect(note).toContainText('#summer');
  await expect(note.locator('img, script')).toHaveCount(0);
  await expect(note.getByRole('link', { name: 'bad link' })).not.toHaveAttribute('href', /javascript:/);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

  await page.getByRole('button', { name: 'New note' }).click();
  await page.getByRole('form', { name: 'New note' }).getByLabel('Content (Markdown)').fill('Groceries: oats');
  await page.getByRole('button', { name: 'Save note' }).click();
  await page.getByLabel('Search notes').fill('summer');
  const list = page.getByRole('list', { name: 'Notes' });
  await expect(list.getByRole('button', { name: /Trip/ })).toBeVisible();
  await expect(list.getByRole('button', { name: /Groceries/ })).toHaveCount(0);
  await list.getByRole('button', { name: /Trip/ }).click();
  await note.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('form', { name: 'Edit note' }).getByLabel('Title').fill('Summer trip');
  await page.getByRole('button', { name: 'Save note' }).click();
  const renamed = page.getByRole('article', { name: 'Note: Summer trip' });
  await expect(renamed).toBeVisible();
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  await expect.poll(async () => (await app.api('records.list', { app: 'notes', table: 'notes' })).records.map((r) => r.data.content)).toEqual(['Groceries: oats']);

  await page.getByLabel('Search notes').fill('');
  await list.getByRole('button', { name: /About me/ }).click();
  const about = page.getByRole('article', { name: 'About me' });
  await about.getByRole('button', { name: 'Edit' }).click();
  await about.getByLabel('About me (Markdown)').fill('I work **mornings**.');
  await about.getByRole('button', { name: 'Save' }).click();
  await expect(about.locator('strong')).toHaveText('mornings');
  await expect.poll(async () => (await app.api('records.get', { app: 'kontext', table: 'kontextDoc', id: 'default' })).record?.data.content).toBe('I work **mornings**.');
  console.expectNone();
});

test('calendar: add an event, see it in the week and the day, edit, delete', async ({ page, app }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Calendar');
  const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
  await page.getByRole('button', { name: 'New event' }).click();
  const form = page.getByRole('form', { name: 'New event' });
  await form.getByLabel('Title').fill('Dentist');
  await form.getByLabel('Start').fill(`${today}T10:00`);
  await form.getByLabel('End').fill(`${today}T09:00`);
  await form.getByRole('button', { name: 'Add event' }).click();
  await expect(form.getByRole('alert')).toHaveText('The event must end after it starts.');
  await form.getByLabel('End').fill(`${today}T11:30`);
  await form.getByLabel('Location').fill('Main Street 5');
  await form.getByRole('button', { name: 'Add event' }).click();

  const event = page.getByRole('listitem', { name: /^Dentist, 10:00.* to 11:30/ });
  await expect(event).toContainText('Main Street 5');
  await expect(page.locator('.day.today')).toContainText('Dentist');
  await expect(page.locator('.days-week > li')).toHaveCount(7);
  await page.getByRole('button', { name: 'Day', exact: true }).click();
  await expect(page.locator('.days-day > li')).toHaveCount(1);
  await expect(event).toBeVisible();
  await page.getByRole('button', { name: 'Next day' }).click();
  await expect(event).toHaveCount(0);
  await page.getByRole('button', { name: 'Today' }).click();

  await event.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('form', { name: 'Edit event Dentist' }).getByLabel('Title').fill('Dentist check-up');
  await page.getByRole('button', { name: 'Save event' }).click();
  const renamed = page.getByRole('listitem', { name: /^Dentist check-up/ });
  await expect(renamed).toBeVisible();
  // The edit shows from the replica at once; the engine has it once the outbox is pushed.
  await expect.poll(async () => (await app.api('records.list', { app: 'calendar', table: 'events' })).records[0]?.data.title).toBe('Dentist check-up');
  const [stored] = (await app.api('records.list', { app: 'calendar', table: 'events' })).records;
  expect(stored!.data.title).toBe('Dentist check-up');
  expect(new Date(String(stored!.data.startTime)).getTime()).toBe(await page.evaluate((d) => new Date(`${d}T10:00`).getTime(), today));
  await renamed.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  console.expectNone();
});

test('goals: a target per period, progress bars, edit, delete', async ({ page, app }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Goals');
  const add = page.getByRole('form', { name: 'New goal' });
  await add.getByLabel('Title').fill('Swim');
  await add.getByLabel('Target').fill('4');
  await add.getByLabel('Period').selectOption('week');
  await add.getByRole('button', { name: 'Add goal' }).click();
  const goal = page.getByRole('listitem', { name: 'Goal: Swim' });
  const bar = goal.getByRole('progressbar', { name: 'Progress of Swim' });
  await expect(goal).toContainText('0 / 4 per week');
  await expect(bar).toHaveAttribute('aria-valuenow', '0');
  await goal.getByRole('button', { name: '+1' }).click();
  await expect(bar).toHaveAttribute('aria-valuenow', '25');
  await goal.getByLabel('Set progress of Swim').fill('4');
  await goal.getByRole('button', { name: 'Set', exact: true }).click();
  await expect(bar).toHaveAttribute('aria-valuenow', '100');
  await expect(goal).toContainText('100%');

  await goal.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit goal Swim' });
  await edit.getByLabel('Target').fill('8');
  await edit.getByLabel('Period').selectOption('month');
  await edit.getByRole('button', { name: 'Save goal' }).click();
  await expect(goal).toContainText('4 / 8 per month · 50%');
  await goal.getByRole('button', { name: 'Delete' }).click();
  await expect(goal).toHaveCount(0);
  await expect(page.getByText('No goals yet.')).toBeVisible();
  await expect.poll(async () => (await app.api('records.list', { app: 'goals', table: 'goals' })).records.length).toBe(0);
  console.expectNone();
});
