/**
 * The Electron entry (./index.ts) against a fake `electron` module: it makes one desktop shell from
 * this process (env, argv, platform, the built preload and page next to it) and starts it. What the
 * shell does is tested with a fresh shell per test in ./desktop.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('./testing/fake-electron');
  return createFakeElectron({ userData: '/nonexistent-user-data' });
});
vi.mock('electron', () => fake.module);

const dataDir = mkdtempSync(join(tmpdir(), 'companion-entry-'));
const savedEnv = { ...process.env };

beforeAll(() => {
  // a development run echoes its log to the console; the log file is what counts
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  process.env.COMPANION_DATA_DIR = dataDir;
});
afterAll(() => {
  process.env = savedEnv;
  rmSync(dataDir, { recursive: true, force: true });
});

it('logs uncaught exceptions and unhandled rejections of the main process to companion.log', async () => {
  type Listener = (...args: unknown[]) => void;
  const listeners = (event: 'uncaughtException' | 'unhandledRejection') => (process as NodeJS.EventEmitter).listeners(event) as Listener[];
  const before = { uncaughtException: listeners('uncaughtException'), unhandledRejection: listeners('unhandledRejection') };
  await import('./index');
  const added = (event: 'uncaughtException' | 'unhandledRejection') => listeners(event).filter((l) => !before[event].includes(l));
  // called directly: emitting them on the process would reach the test runner's own handlers too
  const [onException] = added('uncaughtException');
  const [onRejection] = added('unhandledRejection');
  onException!(new TypeError('boom in a timer'), 'uncaughtException');
  onRejection!(new Error('nobody awaited this'));
  const log = readFileSync(join(dataDir, 'logs', 'companion.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { scope: string; msg: string; err?: { message: string } });
  expect(log).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ scope: 'app', msg: 'uncaught exception; still running', err: expect.objectContaining({ message: 'boom in a timer' }) }),
      expect.objectContaining({ scope: 'app', msg: 'unhandled promise rejection; still running', err: expect.objectContaining({ message: 'nobody awaited this' }) }),
    ]),
  );
});

it('starts one shell on $COMPANION_DATA_DIR with the preload and page beside the built entry, and quits it', async () => {
  const entry = await import('./index');
  await entry.started;
  await entry.shell.idle();
  expect(entry.shell.dataDir).toBe(dataDir);
  expect(fake.app.getPath('userData')).toBe(dataDir);
  expect(fake.windows).toHaveLength(1);
  expect(fake.trays).toHaveLength(1);
  expect((fake.windows[0]!.options.webPreferences as { preload: string }).preload).toBe(resolve(__dirname, '../preload/preload.cjs'));
  expect(fake.windows[0]!.webContents.getURL()).toBe(`file://${resolve(__dirname, '../renderer/index.html')}`);
  expect(fake.ipcHandlers.has('companion:runner.status')).toBe(true);

  fake.app.quit();
  await entry.shell.idle();
  expect(fake.calls.quit).toBe(2);
  expect(fake.windows[0]!.isDestroyed()).toBe(true);
});
