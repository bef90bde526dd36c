/**
 * Smoke tests of the e2e harness against the real headless host: the fixtures start it, the api
 * answers per src-shared/api.ts, the scripted LLM is wired in, the UI loads, and a damaged data dir
 * gives a plain error. Feature specs live next to this file.
 */
import { methods } from '../src-shared/api';
import { HostStartError, expect, test } from './fixtures/app';

test('the host starts on a fresh data dir and answers the api per the contract', async ({ app }) => {
  expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  const status = await app.api('runner.status');
  expect(methods['runner.status'].output.safeParse(status).success).toBe(true);
  const settings = await app.api('settings.get');
  expect(settings.llm.model).toBe('test-model');
});

test('the api refuses a missing token and invalid input', async ({ app }) => {
  const unauth = await app.apiRaw('runner.status', {}, { token: null });
  expect(unauth.status).toBe(401);
  await expect(app.api('runner.setPaused', { paused: 'yes' as unknown as boolean })).rejects.toMatchObject({
    status: 400,
    code: 'BAD_INPUT',
    issues: expect.arrayContaining([expect.objectContaining({ path: ['paused'] })]),
  });
});

test('the host talks to the scripted LLM', async ({ app, llm }) => {
  const result = await app.api('llm.test');
  expect(result.ok).toBe(true);
  expect(llm.allRequests.length).toBeGreaterThan(0);
  expect(llm.allRequests.every((r) => r.path.startsWith('/v1/'))).toBe(true);
});

test('the UI loads from the host without page errors', async ({ page, app }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const response = await page.goto(app.url);
  expect(response?.status()).toBe(200);
  await expect(page).toHaveTitle(/Mission Companion/);
  await expect(page.locator('#root')).not.toBeEmpty();
  expect(errors).toEqual([]);
});

test.describe('a damaged database', () => {
  test.use({ dataDirState: 'corrupt-db' });
  test('is refused with a plain message, not a stack trace', async ({ launchHost }) => {
    const error = await launchHost().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostStartError);
    const { stderr, exitCode } = error as HostStartError;
    expect(exitCode).not.toBe(0);
    expect(stderr).toMatch(/database/i);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
