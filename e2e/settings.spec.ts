/**
 * Settings: provider presets, the model picked from the endpoint's /models (free text allowed),
 * a write-only API key, temperature/timeout/planner mode, the connection test with its latency or
 * its error in plain words, the runner's settings, and the status bar reflecting them.
 */
import { expect, test } from './fixtures/app';
import { goTo, watchConsole } from './fixtures/ui';

test('endpoint, model from /models, write-only key, and the connection test', async ({ page, app, llm }) => {
  llm.setModels(['llama3.1:8b', 'qwen2.5:14b']);
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Language model' });

  // A preset fills the base URL; the custom endpoint comes back when typed.
  await form.getByLabel('Provider').selectOption('ollama');
  await expect(form.getByLabel('Base URL')).toHaveValue('http://127.0.0.1:11434/v1');
  await form.getByLabel('Base URL').fill(llm.url);
  await expect(form.getByLabel('Provider')).toHaveValue('custom');

  // Models offered by the endpoint, one click to pick; any other name can be typed.
  await form.getByRole('button', { name: 'qwen2.5:14b' }).click();
  await expect(form.getByLabel('Model', { exact: true })).toHaveValue('qwen2.5:14b');
  await form.getByLabel('Temperature').fill('0.7');
  await form.getByLabel('Timeout (seconds)').fill('45');
  await form.getByLabel('Planner mode').selectOption('json');

  // The key goes in once and never comes back.
  await form.getByLabel('API key').fill('sk-test-very-secret');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  await expect(form.getByLabel('API key')).toHaveValue('');
  await expect(form.getByText(/A key is set; it is never shown again/)).toBeVisible();
  const settings = await app.api('settings.get');
  expect(settings.llm).toMatchObject({ baseUrl: llm.url, model: 'qwen2.5:14b', temperature: 0.7, timeoutMs: 45_000, plannerMode: 'json' });
  expect(JSON.stringify(settings)).not.toContain('sk-test-very-secret');
  expect(await page.content()).not.toContain('sk-test-very-secret');

  // The test uses the key: accepted -> latency; refused -> the reason in words.
  llm.requireApiKey('sk-test-very-secret');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText(/^Connection OK — \d+(\.\d)? m?s, model qwen2.5:14b$/)).toBeVisible();
  expect(llm.requests.at(-1)!.headers.authorization).toBe('Bearer sk-test-very-secret');

  llm.requireApiKey('another-key');
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByRole('alert')).toContainText(/Connection failed: The LLM at .* answered 401/);

  await form.getByRole('button', { name: 'Remove API key' }).click();
  await expect(form.getByText('No key is set.')).toBeVisible();
  expect((await app.api('settings.get')).secrets.apiKeySet).toBe(false);
  console.expectNone();
});

test('runner settings: interval, concurrency, time zone, pause', async ({ page, app }) => {
  await page.goto(app.url);
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Runner' });
  await form.getByLabel('Time zone').fill('Mars/Olympus');
  await form.getByRole('button', { name: 'Save runner settings' }).click();
  await expect(form.getByRole('alert')).toContainText('“Mars/Olympus” is not a time zone');

  await form.getByLabel('Time zone').fill('Europe/Berlin');
  await form.getByLabel('Tick interval (seconds)').fill('120');
  await form.getByLabel('Concurrent LLM calls').fill('3');
  await form.getByLabel(/Pause the runner/).check();
  await form.getByRole('button', { name: 'Save runner settings' }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  expect((await app.api('settings.get')).runner).toMatchObject({ tickIntervalMs: 120_000, concurrency: 3, timeZone: 'Europe/Berlin', paused: true });
  const status = page.getByRole('contentinfo', { name: 'Status' });
  await expect(status).toContainText('Runner: Paused');
  await status.getByRole('button', { name: 'Resume runner' }).click();
  await expect(status).toContainText('Runner: Idle');
  await expect(status).toContainText(/Next tick in \d+ min/);
  expect((await app.api('settings.get')).runner.paused).toBe(false);

  // The cadence preview uses the runner's zone.
  await goTo(page, 'Missions');
  await page.getByRole('link', { name: 'Use template: Inbox zero for tasks' }).click();
  await expect(page.getByText('Next runs (Europe/Berlin):')).toBeVisible();
});

test('an address with a password is refused and never shown; the saved key stays with its server', async ({ page, app, llm }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Language model' });
  const origin = new URL(llm.url).origin;
  await form.getByLabel('Base URL').fill(llm.url);
  await form.getByLabel('Model', { exact: true }).fill('test-model');
  await form.getByLabel('API key').fill('sk-for-this-server');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByText('Saved.')).toBeVisible();

  // A password in the address: refused in words, nothing stored, shown back or sent.
  await form.getByLabel('Base URL').fill(llm.url.replace('http://', 'http://admin:hunter2@'));
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByRole('alert')).toHaveText('The base URL must not contain a user name or password. Put the key in the API key field instead.');
  expect(JSON.stringify(await app.api('settings.get'))).not.toContain('hunter2');

  // Another server (loopback by another name): the form warns before saving and says what happened after.
  await form.getByLabel('Base URL').fill(llm.url.replace('127.0.0.1', 'localhost'));
  await expect(form.getByText(`The saved key is for ${origin}. Saving another server's address removes it`)).toBeVisible();
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  await expect(form.getByText(`The saved key was for another server (${origin}); enter it again to use it here.`)).toBeVisible();
  expect((await app.api('settings.get')).secrets).toMatchObject({ apiKeySet: false, apiKeyDroppedFor: origin });
  llm.enqueue({ content: 'ok' });
  await form.getByRole('button', { name: 'Test connection' }).click();
  await expect(form.getByText(/^Connection OK/)).toBeVisible();
  expect(llm.requests.at(-1)!.headers.authorization).toBeUndefined();
  console.expectNone();
});

test('the saved sync token stays with its server: another address warns before saving and says what happened after', async ({ page, app }) => {
  const console = watchConsole(page);
  await page.goto(app.url);
  await goTo(page, 'Settings');
  const form = page.getByRole('form', { name: 'Sync' });
  // Nothing answers on port 9: the device says it cannot reach the server, and keeps the token.
  await form.getByLabel('Sync server address').fill('http://127.0.0.1:9');
  await form.getByLabel('This device’s token').fill('mcs_token-for-this-server');
  await form.getByRole('button', { name: 'Save sync settings' }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  await expect(form.getByText('A token is saved, and only sent to this server.', { exact: false })).toBeVisible();

  await form.getByLabel('Sync server address').fill('http://localhost:9');
  await expect(form.getByText("The saved token is for http://127.0.0.1:9. Saving another server's address removes it")).toBeVisible();
  await form.getByRole('button', { name: 'Save sync settings' }).click();
  await expect(form.getByText('Saved.')).toBeVisible();
  await expect(form.getByText("The saved token was for another server (http://127.0.0.1:9); paste this server's token to sync with it.")).toBeVisible();
  expect((await app.api('settings.get')).secrets).toMatchObject({ syncTokenSet: false, syncTokenDroppedFor: 'http://127.0.0.1:9' });
  console.expectNone();
});
