/**
 * Issue 13, findings 7 and 8: secrets stay put. A base URL with a user name and password is refused
 * (the key belongs in the API key field) and, where an older version stored one, the password is
 * echoed nowhere; the stored API key belongs to the server (origin) it was saved for. Against the
 * scripted OpenAI-compatible server on loopback, a real database file and the engine's methods.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/api';
import { createEngine, type Engine } from '../index';
import { MemorySecretStore } from '../settings';
import { SettingsTable } from '../store/settings-table';
import { putMission, startHarness, type Harness } from '../testing/harness';
import { TestClock } from '../testing/test-clock';
import { tempDataDir, withDatabaseFile } from '../testing/temp-db';
import { startScriptedLlm, type ScriptedLlm } from '../../testing/llm-server';

const PASSWORD = 'hunter2-pa55word';

let h: Harness | undefined;
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function refusal(engine: Engine, method: 'settings.update', input: unknown): Promise<ApiError> {
  const error = await engine.call(method, input).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

function withCredentials(url: string): string {
  return url.replace('http://', `http://admin:${PASSWORD}@`);
}

describe('finding 7: a base URL with a user name and password', () => {
  it('is refused by settings.update with "put the key in the API key field", the password in no answer', async () => {
    h = await startHarness();
    const before = await h.engine.call('settings.get', {});
    const llmError = await refusal(h.engine, 'settings.update', { llm: { baseUrl: withCredentials(h.llm.url) } });
    expect(llmError.code).toBe('BAD_INPUT');
    expect(JSON.stringify(llmError.toBody())).toMatch(/put the key in the API key field/);
    const syncError = await refusal(h.engine, 'settings.update', { sync: { serverUrl: withCredentials('http://homeserver:5177') } });
    expect(JSON.stringify(syncError.toBody())).toMatch(/put the account token in the sync token field/);
    for (const error of [llmError, syncError]) expect(JSON.stringify(error.toBody())).not.toContain(PASSWORD);
    const after = await h.engine.call('settings.get', {});
    expect(after.llm.baseUrl).toBe(before.llm.baseUrl);
    expect(after.sync.serverUrl).toBe(before.sync.serverUrl);
  });

  it('stored by an older version: cut out at open, never sent, never echoed (settings, status, test, models, debug, the log)', async () => {
    const llm = await startScriptedLlm();
    const data = tempDataDir();
    cleanups.push(() => llm.close(), data.cleanup);
    // What an older version kept: the settings row with the password in the base URL.
    const first = createEngine({ dataDir: data.dir, secrets: new MemorySecretStore(), autoStart: false });
    await first.close();
    withDatabaseFile(data.dir, (db) =>
      new SettingsTable(db).put(
        'settings',
        JSON.stringify({ llm: { baseUrl: withCredentials(llm.url), model: 'test-model', plannerMode: 'json', timeoutMs: 5_000 }, sync: { serverUrl: withCredentials('http://127.0.0.1:9') } }),
      ),
    );
    const clock = new TestClock('2026-11-20T09:00:00.000Z');
    const engine = createEngine({ dataDir: data.dir, secrets: new MemorySecretStore(), now: () => clock.date(), timers: clock, autoStart: false, autoStartSync: false });
    cleanups.push(() => engine.close());

    const settings = await engine.call('settings.get', {});
    expect(settings.llm).toMatchObject({ baseUrl: llm.url, model: 'test-model', timeoutMs: 5_000 });
    expect(settings.sync.serverUrl).toBe('http://127.0.0.1:9');

    // A server error that quotes an address with credentials: its words reach the run's error text.
    llm.enqueue({ status: 400, body: { error: { message: `upstream http://proxy:${PASSWORD}@10.0.0.5:3128/ refused the request` } } });
    await putMission(engine, 'm1');
    const run = await engine.call('missions.runNow', { missionId: 'm1' });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/upstream http:\/\/10\.0\.0\.5:3128\/ refused the request/);
    llm.enqueue({ content: 'ok' });
    const answers = [
      settings,
      await engine.call('runner.status', {}),
      await engine.call('llm.test', {}),
      await engine.call('llm.models', {}),
      await engine.call('iterations.debug', { iterationId: run.iterationId! }),
      await engine.call('records.list', { app: 'ai', table: 'aiIterations' }),
      await engine.call('sync.pull', { since: 0 }),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(PASSWORD);
    // Node would have turned the credentials into a Basic authorization header: none went out.
    expect(llm.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of llm.requests) expect(request.headers.authorization).toBeUndefined();
  });
});

describe('finding 8: the stored API key belongs to the server it was saved for', () => {
  const keyOf = (llm: ScriptedLlm) => llm.requests.at(-1)!.headers.authorization ?? null;
  /** The same scripted server under another origin (another host name for loopback). */
  const otherOrigin = (url: string) => url.replace('127.0.0.1', 'localhost');

  it('another origin drops it unless the same save enters a key; the settings say which server it was for', async () => {
    h = await startHarness();
    const origin = new URL(h.llm.url).origin;
    await h.engine.call('settings.update', { apiKey: 'sk-first' });
    h.llm.enqueue({ content: 'ok' });
    expect((await h.engine.call('llm.test', {})).ok).toBe(true);
    expect(keyOf(h.llm)).toBe('Bearer sk-first');

    // Another path on the same server keeps the key.
    const samePlace = await h.engine.call('settings.update', { llm: { baseUrl: `${h.llm.url}/` } });
    expect(samePlace.secrets).toMatchObject({ apiKeySet: true, apiKeyDroppedFor: null });

    // Another origin: the key is dropped, never sent there, and Settings says why.
    const moved = await h.engine.call('settings.update', { llm: { baseUrl: otherOrigin(h.llm.url) } });
    expect(moved.secrets).toMatchObject({ apiKeySet: false, apiKeySource: 'none', apiKeyDroppedFor: origin });
    h.llm.enqueue({ content: 'ok' });
    expect((await h.engine.call('llm.test', {})).ok).toBe(true);
    expect(keyOf(h.llm)).toBeNull();
    // Coming back does not bring it back: it was removed.
    const back = await h.engine.call('settings.update', { llm: { baseUrl: h.llm.url } });
    expect(back.secrets).toMatchObject({ apiKeySet: false, apiKeyDroppedFor: origin });

    // Entered again in the same save as the new address: kept, and bound to that server.
    const both = await h.engine.call('settings.update', { llm: { baseUrl: otherOrigin(h.llm.url) }, apiKey: 'sk-second' });
    expect(both.secrets).toMatchObject({ apiKeySet: true, apiKeySource: 'stored', apiKeyDroppedFor: null });
    h.llm.enqueue({ content: 'ok' });
    await h.engine.call('llm.test', {});
    expect(keyOf(h.llm)).toBe('Bearer sk-second');
    const home = await h.engine.call('settings.update', { llm: { baseUrl: h.llm.url } });
    expect(home.secrets).toMatchObject({ apiKeySet: false, apiKeyDroppedFor: new URL(otherOrigin(h.llm.url)).origin });
  });

  it('a key stored before keys were bound belongs to the base URL it was used with', async () => {
    const data = tempDataDir();
    cleanups.push(data.cleanup);
    const llm = await startScriptedLlm();
    cleanups.push(() => llm.close());
    const secrets = new MemorySecretStore();
    h = await startHarness({ dataDir: data.dir, secrets, scripted: llm });
    await h.close();
    // what an older version left: a key, and no record of the server it was saved for
    secrets.set('llm.apiKey', 'sk-old');
    h = await startHarness({ dataDir: data.dir, secrets, scripted: llm });
    expect((await h.engine.call('settings.get', {})).secrets.apiKeySet).toBe(true);
    const moved = await h.engine.call('settings.update', { llm: { baseUrl: otherOrigin(h.llm.url) } });
    expect(moved.secrets).toMatchObject({ apiKeySet: false, apiKeyDroppedFor: new URL(h.llm.url).origin });
    expect(secrets.get('llm.apiKey')).toBeNull();
  });
});

describe('a key from the environment belongs to the server the host was started with', () => {
  const keyOf = (llm: ScriptedLlm) => llm.requests.at(-1)!.headers.authorization ?? null;
  const VAR = 'COMPANION_TEST_ENV_KEY';

  it('is not sent when the base URL moves to another origin, and is sent again when it comes back', async () => {
    process.env[VAR] = 'sk-from-env';
    cleanups.push(() => {
      delete process.env[VAR];
    });
    h = await startHarness({ apiKeyEnv: VAR });
    const origin = new URL(h.llm.url).origin;
    expect((await h.engine.call('settings.get', {})).secrets).toMatchObject({ apiKeySet: true, apiKeySource: 'env', apiKeyEnvFor: null });
    h.llm.enqueue({ content: 'ok' });
    await h.engine.call('llm.test', {});
    expect(keyOf(h.llm)).toBe('Bearer sk-from-env');

    const moved = await h.engine.call('settings.update', { llm: { baseUrl: h.llm.url.replace('127.0.0.1', 'localhost') } });
    expect(moved.secrets).toMatchObject({ apiKeySet: false, apiKeySource: 'none', apiKeyEnvFor: origin });
    h.llm.enqueue({ content: 'ok' });
    await h.engine.call('llm.test', {});
    expect(keyOf(h.llm)).toBeNull();

    const back = await h.engine.call('settings.update', { llm: { baseUrl: h.llm.url } });
    expect(back.secrets).toMatchObject({ apiKeySet: true, apiKeySource: 'env', apiKeyEnvFor: null });
    h.llm.enqueue({ content: 'ok' });
    await h.engine.call('llm.test', {});
    expect(keyOf(h.llm)).toBe('Bearer sk-from-env');
  });
});

describe('the sync token belongs to the sync server it was saved for', () => {
  /** A stand-in sync server that answers nothing useful and records the authorization it was sent. */
  async function recordingServer(): Promise<{ url: string; authorizations: (string | null)[] }> {
    const authorizations: (string | null)[] = [];
    const server = createServer((req, res) => {
      authorizations.push(req.headers.authorization ?? null);
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAVAILABLE","message":"down"}}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations };
  }

  it('another server address drops it unless the same save enters a token; the settings say which server it was for', async () => {
    h = await startHarness();
    const first = await recordingServer();
    const second = await recordingServer();
    const saved = await h.engine.call('settings.update', { sync: { serverUrl: first.url }, syncToken: 'mcs_first-token' });
    expect(saved.secrets).toMatchObject({ syncTokenSet: true, syncTokenDroppedFor: null });
    await h.engine.call('syncServer.syncNow', {});
    expect(first.authorizations).toContain('Bearer mcs_first-token');

    const moved = await h.engine.call('settings.update', { sync: { serverUrl: second.url } });
    expect(moved.secrets).toMatchObject({ syncTokenSet: false, syncTokenDroppedFor: first.url });
    await h.engine.call('syncServer.syncNow', {});
    expect(second.authorizations.filter((a) => a !== null)).toEqual([]);

    const both = await h.engine.call('settings.update', { sync: { serverUrl: first.url }, syncToken: 'mcs_second-token' });
    expect(both.secrets).toMatchObject({ syncTokenSet: true, syncTokenDroppedFor: null });
    // Only the address changing moves it: a save of other sync settings keeps it.
    const renamed = await h.engine.call('settings.update', { sync: { deviceName: 'Laptop' } });
    expect(renamed.secrets).toMatchObject({ syncTokenSet: true, syncTokenDroppedFor: null });
  });
});
