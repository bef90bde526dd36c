/**
 * A self-hosted endpoint that answers like llama.cpp's llama-server: the run falls back to a JSON
 * plan and says why, the debug view lists every attempt, Settings shows (and forgets) what was
 * learnt about the endpoint and keeps max tokens per endpoint, the connection test warns about a
 * model that does not answer as asked, and a mission that needs attention can be resumed where the
 * banner says so.
 */
import { expect, test } from './fixtures/app';
import { createMission, goTo, runNow, watchConsole } from './fixtures/ui';
import { jsonPlanReply, toolsNeedJinja } from '../src-main/testing/llm-server';

const PLAN = jsonPlanReply({ summary: 'One task', steps: [{ toolName: 'create_task', params: { title: 'Stretch' }, rationale: 'Long day at the desk.' }] });

test('without --jinja: the run falls back, says why, and the endpoint is remembered until forgotten', async ({ page, app, llm }) => {
  const console = watchConsole(page);
  await app.api('settings.update', { llm: { plannerMode: 'auto' } });
  llm.use(toolsNeedJinja());
  llm.setDefault(PLAN);
  await page.goto(app.url);
  await createMission(page, { title: 'Local model' });
  await runNow(page, /Run finished: awaiting review/);

  const iteration = page.getByRole('listitem', { name: /^Run started .*: Awaiting review/ });
  await expect(iteration).toContainText('Tool calling did not work: the endpoint refused tool calling (it answered 500: "tools param requires --jinja flag")');
  await iteration.getByRole('button', { name: /Show debug view/ }).click();
  await expect(iteration.getByRole('list', { name: 'Attempts: tools mode, call 1' })).toContainText(/Attempt 1: 500 error after \d+ ms, ~[\d,]+ tokens \(estimated\)/);
  await expect(iteration.getByRole('list', { name: 'Attempts: tools mode, call 1' }).getByRole('listitem')).toHaveCount(1);

  await goTo(page, 'Settings');
  const capabilities = page.getByRole('region', { name: 'What this endpoint supports' });
  await expect(capabilities.getByText('Tool calling', { exact: true }).locator('..')).toContainText('does not work — The endpoint refused tool calling');
  await expect(capabilities).toContainText('Structured output (JSON schema)works');
  await capabilities.getByRole('button', { name: 'Forget what was detected' }).click();
  await expect(capabilities.getByText('not known yet')).toHaveCount(4);
  expect((await app.api('settings.get')).capabilities).toEqual({});

  // max tokens belong to the endpoint, and are saved with the form
  const form = page.getByRole('form', { name: 'Language model' });
  await form.getByLabel('Max tokens').fill('2048');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  expect((await app.api('settings.get')).llm.maxTokens).toBe(2048);
  console.expectNone();
});

test('the connection test says when the model did not answer as asked', async ({ page, app, llm }) => {
  await page.goto(app.url);
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Language model' });
  llm.enqueue({ content: 'Tensor果断 wool_destroy Patty', finishReason: 'length' });
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText(/^Connection OK — /)).toBeVisible();
  await expect(form.getByText('The model did not answer as asked (it said “Tensor果断 wool_destroy Patty”): it may be too weak to plan reliably.')).toBeVisible();
  expect(llm.requests.at(-1)!.body).toMatchObject({ max_tokens: 8, temperature: 0 });
});

test('a mission that needs attention is resumed from the banner that says so', async ({ page, app }) => {
  await page.goto(app.url);
  await createMission(page, { title: 'Parked' });
  const [mission] = (await app.api('records.list', { app: 'ai', table: 'aiMissions' })).records;
  await app.api('sync.push', {
    clientId: 'e2e',
    changes: [{ eventId: 'park-1', app: 'ai', table: 'aiMissions', id: mission!.id, op: 'update', data: { needsAttention: true, failureStreak: 5, nextRunAt: null } }],
  });
  const banner = page.locator('.callout').filter({ hasText: 'This mission needs attention' });
  await expect(banner).toContainText('(5 in a row)');
  await banner.getByRole('button', { name: 'Resume' }).click();
  await expect(banner).toHaveCount(0);
  await expect.poll(async () => (await app.api('records.get', { app: 'ai', table: 'aiMissions', id: mission!.id })).record?.data).toMatchObject({ needsAttention: false, failureStreak: 0, state: 'active' });
});
