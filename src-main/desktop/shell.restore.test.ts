/**
 * The desktop shell at the start of an app life (fake electron, real engine, a fresh shell per
 * test): remembered window bounds, a login start that stays in the tray, a second launch, and a
 * data folder the engine cannot open.
 */
import { afterEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DB_FILE } from '../engine/store/db';
import { startTestShell, type TestShell } from '../testing/test-shell';

let t: TestShell;
let dataDir: string;

afterEach(async () => {
  await t?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function dataDirWith(files: Record<string, string>): string {
  dataDir = mkdtempSync(join(tmpdir(), 'companion-shell-restore-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dataDir, name), content);
  return dataDir;
}

const REMEMBERED = JSON.stringify({ window: { bounds: { x: 200, y: 100, width: 1000, height: 700 }, maximized: true }, closeHintShown: true });

it('restores the remembered bounds and maximized state', async () => {
  t = await startTestShell({ dataDir: dataDirWith({ 'shell-state.json': REMEMBERED }) });
  const win = t.fake.windows[0]!;
  expect(win.options).toMatchObject({ x: 200, y: 100, width: 1000, height: 700 });
  expect(win.isMaximized()).toBe(true);
});

it('stays in the tray after a login start, and opens from the tray', async () => {
  t = await startTestShell({ dataDir: dataDirWith({ 'shell-state.json': REMEMBERED }), argv: ['/opt/Mission Companion/mission-companion', '--hidden'] });
  const win = t.fake.windows[0]!;
  win.emit('ready-to-show');
  expect(win.isVisible()).toBe(false);
  t.fake.trays[0]!.menu.find((i) => i.label === 'Open Mission Companion')!.click!();
  expect(win.isVisible()).toBe(true);
  // the hint was shown in an earlier session: closing now hides silently
  expect(win.userClose()).toBe(false);
  expect(t.fake.notifications).toEqual([]);
});

it('opens normally when the same argument comes without a tray to open it from', async () => {
  t = await startTestShell({
    dataDir: dataDirWith({}),
    argv: ['/opt/Mission Companion/mission-companion', '--hidden'],
    prepare: (fake) => {
      fake.module.Tray = class {
        constructor() {
          throw new Error('no status area on this desktop');
        }
      } as never;
    },
  });
  expect(t.fake.trays).toEqual([]);
  const win = t.fake.windows[0]!;
  win.emit('ready-to-show');
  expect(win.isVisible()).toBe(true);
  // without a tray, closing the window closes it
  expect(win.userClose()).toBe(true);
});

it('a second launch brings the running window to the front; a launch without the lock quits', async () => {
  t = await startTestShell({ dataDir: dataDirWith({}) });
  const win = t.fake.windows[0]!;
  expect(win.isVisible()).toBe(false);
  t.fake.app.emit('second-instance');
  expect(win.isVisible()).toBe(true);

  const second = await startTestShell({ dataDir, prepare: (fake) => (fake.app.singleInstanceLock = false) });
  try {
    expect(second.fake.calls.quit).toBe(1);
    expect(second.fake.windows).toEqual([]);
    expect(second.fake.ipcHandlers.size).toBe(0);
  } finally {
    await second.close();
  }
});

it('explains a data folder it cannot open, and answers the api with that reason', async () => {
  t = await startTestShell({ dataDir: dataDirWith({ [DB_FILE]: 'this is not a SQLite database, just text that fills a header'.repeat(10) }) });
  expect(t.fake.calls.messageBoxes).toHaveLength(1);
  const box = t.fake.calls.messageBoxes[0]!;
  expect(box).toMatchObject({ title: 'Mission Companion cannot open its data', buttons: ['Open data folder', 'Quit', 'Continue'] });
  expect(box.detail).toContain(`Data folder: ${dataDir}`);
  const answer = await t.ipc('runner.status', {});
  expect(answer).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  expect(box.detail).toContain(answer.error.message);
  // the window still opens (settings, logs), and the tray says what is wrong
  expect(t.fake.windows).toHaveLength(1);
  expect(t.fake.trays[0]!.toolTip).not.toBe('Mission Companion: idle, nothing waiting');
});
