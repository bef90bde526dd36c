/**
 * Agents: create one with a role, a system prompt, a policy per module and tool, a daily token
 * budget and a concurrency limit; give it a mission; its policy shapes what the LLM is offered and
 * what runs without review, and its token use shows against the budget.
 */
import { expect, test } from './fixtures/app';
import { jsonPlanReply } from '../src-main/testing/llm-server';
import { goTo, runNow, watchConsole } from './fixtures/ui';

test('an agent with its own prompt, policy and budget plans a mission', async ({ page, app, llm }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Agents');
  await expect(page.getByRole('link', { name: 'Companion' })).toBeVisible(); // the default agent, always there
  await page.getByRole('button', { name: 'New agent' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New agent' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Agent' });
  await form.getByLabel('Name').fill('Scribe');
  await form.getByLabel('Role').fill('Keeps my notes tidy');
  await form.getByLabel('System prompt').fill('Write every note as a haiku.');
  await form.getByLabel('Daily token budget').fill('5000');
  await form.getByLabel('Max concurrent missions').fill('2');
  await form.getByLabel('Rule for Todo').selectOption('deny');
  await form.getByLabel('Rule for Write a new note').selectOption('auto');
  // Tools by what they do, in words: never their names.
  const row = (tool: string) => form.getByRole('row', { name: new RegExp(`^${tool}`) });
  await expect(row('Create a task')).toContainText('Deny');
  await expect(row('Write a new note')).toContainText('Auto');
  await expect(row('Add text to a note')).toContainText('Propose');
  await expect(form.getByRole('table')).not.toContainText(/create_task|append_to_note|_note\b/);
  await form.getByRole('button', { name: 'Save agent' }).click();
  await expect(form.getByText('Saved.')).toBeVisible();

  await goTo(page, 'Agents');
  await expect(page.getByRole('row', { name: /Scribe/ })).toContainText('0 of 5,000 tokens today');

  // A mission for the new agent.
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'New mission' }).click();
  const mission = page.getByRole('form', { name: 'Mission' });
  await mission.getByLabel('Title').fill('Haiku notes');
  await mission.getByLabel('Agent').selectOption({ label: 'Scribe' });
  await mission.getByRole('button', { name: 'Create mission' }).click();
  await expect(page.getByRole('complementary', { name: 'About this mission' })).toContainText('Scribe');

  llm.enqueue({
    ...jsonPlanReply({ summary: 'One note', steps: [{ summary: 'n', toolName: 'create_note', params: { title: 'Autumn', content: 'Leaves fall softly' }, rationale: 'A haiku a day.' }] }),
    usage: { prompt_tokens: 900, completion_tokens: 100 },
  });
  await runNow(page, /Run finished: done/);
  // auto: executed without a card; the denied todo tools were never offered to the model.
  await expect(page.locator('.step')).toContainText('Done automatically');
  const sent = JSON.stringify(llm.requests.at(-1)!.body);
  expect(sent).toContain('Write every note as a haiku.');
  expect(sent).not.toContain('create_task');
  expect(sent).toContain('create_note');

  await goTo(page, 'Notes');
  await expect(page.getByRole('article', { name: 'Note: Autumn' })).toContainText('by Scribe');
  await goTo(page, 'Agents');
  await expect(page.getByRole('row', { name: /Scribe/ })).toContainText('1,000 of 5,000 tokens today');
  await expect(page.getByRole('progressbar', { name: 'Token budget of Scribe' })).toHaveAttribute('aria-valuenow', '20');
  console.expectNone();
});
