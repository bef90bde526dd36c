/**
 * The Electron shell at a login start with remembered window bounds (fake electron, real engine):
 * the window comes back where it was, maximized, and stays in the tray until asked for.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedFakeElectron, type FakeElectron } from './testing/fake-electron';

const dataDir = mkdtempSync(join(tmpdir(), 'companion-shell-restore-'));
vi.mock('electron', async () => {
  const { sharedFakeElectron: get } = await import('./testing/fake-electron');
  return get('/nonexistent-user-data').module;
});

let fake: FakeElectron;
const saved = { env: { ...process.env }, argv: [...process.argv] };

beforeAll(async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  writeFileSync(join(dataDir, 'shell-state.json'), JSON.stringify({ window: { bounds: { x: 200, y: 100, width: 1000, height: 700 }, maximized: true }, closeHintShown: true }));
  process.env.COMPANION_DATA_DIR = dataDir;
  process.argv = [...process.argv, '--hidden'];
  fake = sharedFakeElectron('/nonexistent-user-data');
  await import('./index');
  const deadline = Date.now() + 5000;
  while (fake.windows.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}, 20_000);

afterAll(async () => {
  fake.app.quit();
  const deadline = Date.now() + 5000;
  while (fake.calls.quit < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  process.env = saved.env;
  process.argv = saved.argv;
  rmSync(dataDir, { recursive: true, force: true });
});

it('restores the remembered bounds and maximized state', () => {
  const win = fake.windows[0]!;
  expect(win.options).toMatchObject({ x: 200, y: 100, width: 1000, height: 700 });
  expect(win.isMaximized()).toBe(true);
});

it('stays in the tray after a login start, and opens from the tray', () => {
  const win = fake.windows[0]!;
  win.emit('ready-to-show');
  expect(win.isVisible()).toBe(false);
  fake.trays[0]!.menu.find((i) => i.label === 'Open Mission Companion')!.click!();
  expect(win.isVisible()).toBe(true);
  // the hint was shown in an earlier session: closing now hides silently
  expect(win.userClose()).toBe(false);
  expect(fake.notifications).toEqual([]);
});
