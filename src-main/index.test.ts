/**
 * The Electron shell's wiring (src-main/index.ts), run in plain Node against a fake `electron`
 * module (./testing/fake-electron) and a real engine on a temp data dir. The decisions themselves
 * are unit-tested in ./shell and ./host; this checks that the shell applies them: window options
 * and bounds, menu, tray, close-to-tray with its one-time hint, notifications that open a route,
 * the validated IPC, security hooks, launch at login, the log file and a clean quit.
 * The tests are the steps of ONE app lifetime and run in order (the shell is a module singleton).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startScriptedLlm } from '../e2e/fixtures/llm-server';
import { planText } from './engine/testing/fake-llm';
import { fakeEvent, sharedFakeElectron, type FakeElectron, type MenuTemplateItem } from './testing/fake-electron';
import { missionInsert } from './engine/testing/changes';

const dataDir = mkdtempSync(join(tmpdir(), 'companion-shell-'));
const configHome = mkdtempSync(join(tmpdir(), 'companion-xdg-'));

vi.mock('electron', async () => {
  const { sharedFakeElectron: get } = await import('./testing/fake-electron');
  return get('/nonexistent-user-data').module;
});

let fake: FakeElectron;
const rendererUrl = pathToFileURL(resolve(__dirname, '../renderer/index.html')).href;
const saved = { ...process.env };

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function find(items: readonly MenuTemplateItem[], label: string | RegExp): MenuTemplateItem | undefined {
  for (const item of items) {
    if (item.label !== undefined && (typeof label === 'string' ? item.label === label : label.test(item.label))) return item;
    const inner = item.submenu ? find(item.submenu, label) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

function ipc(method: string, input: unknown, frameUrl = rendererUrl) {
  const win = fake.windows[0]!;
  const handler = fake.ipcHandlers.get(`companion:${method}`);
  if (!handler) throw new Error(`no handler for ${method}`);
  return handler({ sender: win.webContents, senderFrame: { url: frameUrl, parent: null, detached: false } }, input) as Promise<{ ok: boolean; value?: any; error?: any }>;
}

const trayStatus = () => fake.trays[0]!.menu.find((i) => i.id === 'status')?.label;

beforeAll(async () => {
  // a development run echoes its log to the console; the log file is what is checked here
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  process.env.COMPANION_DATA_DIR = dataDir;
  process.env.XDG_CONFIG_HOME = configHome;
  fake = sharedFakeElectron('/nonexistent-user-data');
  await import('./index');
  await until(() => fake.windows.length === 1 && fake.trays.length === 1, 'the window and the tray');
}, 20_000);

afterAll(() => {
  process.env = saved;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(configHome, { recursive: true, force: true });
});

describe('the Electron shell (fake electron, real engine)', () => {
  it('creates a hidden, sandboxed window and shows it on ready-to-show', async () => {
    const win = fake.windows[0]!;
    expect(win.options).toMatchObject({ show: false, width: 1280, height: 840, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect(win.isVisible()).toBe(false);
    win.emit('ready-to-show');
    expect(win.isVisible()).toBe(true);
    await until(() => win.webContents.getURL() !== '', 'the renderer load');
    expect(win.webContents.getURL()).toMatch(/\/renderer\/index\.html$/);
  });

  it('sets an application menu with the usual roles and "Open Logs Folder"', async () => {
    const menu = fake.calls.applicationMenu!;
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(find(menu, 'Edit')!.submenu!.map((i) => i.role).filter(Boolean)).toEqual(expect.arrayContaining(['copy', 'paste', 'undo']));
    find(menu, 'Open Logs Folder')!.click!();
    await until(() => fake.calls.openPath.length > 0, 'openPath');
    expect(fake.calls.openPath[0]).toBe(join(dataDir, 'logs'));
  });

  it('answers the api over validated IPC, and refuses other senders and channels', async () => {
    expect([...fake.ipcHandlers.keys()].every((c) => c.startsWith('companion:'))).toBe(true);
    const status = await ipc('runner.status', {});
    expect(status).toMatchObject({ ok: true, value: { paused: false, pendingProposals: 0 } });
    expect(await ipc('runner.status', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await ipc('runner.setPaused', { paused: 'yes' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const settings = await ipc('settings.get', {});
    expect(JSON.stringify(settings.value)).not.toMatch(/apiKey"\s*:\s*"/);
  });

  it('shows the runner in the tray and pauses/resumes it from there', async () => {
    await until(() => trayStatus() === 'Idle · nothing waiting', 'the idle status line');
    expect(fake.trays[0]!.toolTip).toBe('Mission Companion: idle, nothing waiting');
    fake.trays[0]!.menu.find((i) => i.label === 'Pause runner')!.click!();
    await until(() => trayStatus() === 'Paused · nothing waiting', 'the paused status line');
    expect((await ipc('runner.status', {})).value.paused).toBe(true);
    fake.trays[0]!.menu.find((i) => i.label === 'Resume runner')!.click!();
    await until(() => trayStatus() === 'Idle · nothing waiting', 'the resumed status line');
  });

  it('hides to the tray on close, with a hint only the first time, and remembers the bounds', () => {
    const win = fake.windows[0]!;
    win.bounds = { x: 40, y: 30, width: 1000, height: 700 };
    expect(win.userClose()).toBe(false);
    expect(win.isVisible()).toBe(false);
    expect(fake.notifications.map((n) => n.options.title)).toEqual(['Mission Companion is still running']);
    win.show();
    expect(win.userClose()).toBe(false);
    expect(fake.notifications).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(dataDir, 'shell-state.json'), 'utf8'));
    expect(state).toEqual({ window: { bounds: { x: 40, y: 30, width: 1000, height: 700 }, maximized: false }, closeHintShown: true });
  });

  it('notifies about new proposals when the window is hidden; a click opens the inbox', async () => {
    const win = fake.windows[0]!;
    expect(win.isVisible()).toBe(false);
    const llm = await startScriptedLlm();
    try {
      await ipc('settings.update', { llm: { baseUrl: llm.url, model: 'test-model', plannerMode: 'json' } });
      const pushed = await ipc('sync.push', { clientId: 'test', changes: [missionInsert('m1', { title: 'Plan week' })] });
      expect(pushed.ok).toBe(true);
      llm.enqueue({ content: planText([{ summary: 'add task', toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'Anna asked' }]) });
      const before = fake.notifications.length;
      const run = await ipc('missions.runNow', { missionId: 'm1' });
      expect(run).toMatchObject({ ok: true, value: { status: 'awaiting-review' } });

      expect(fake.notifications.length).toBe(before + 1);
      const note = fake.notifications.at(-1)!;
      expect(note.options).toMatchObject({ title: 'A proposal is waiting for you', body: expect.stringContaining('Plan week') });
      // the window got the event too, and the tray counts the proposal
      expect(win.webContents.sent.map((m) => (m.message as { name: string }).name)).toContain('proposals.created');
      await until(() => trayStatus() === 'Idle · 1 proposal waiting', 'the pending count in the tray');

      win.webContents.url = `${rendererUrl}#/settings`;
      note.emit('click');
      expect(win.isVisible()).toBe(true);
      await until(() => win.webContents.loads.at(-1) === `${rendererUrl}#/inbox`, 'the inbox route');
    } finally {
      await llm.close();
    }
  });

  it('keeps windows on the app and opens only http(s) links outside', () => {
    const contents = fake.windows[0]!.webContents;
    const away = fakeEvent();
    contents.emit('will-navigate', away, 'https://example.com/docs');
    expect(away.defaultPrevented).toBe(true);
    expect(fake.calls.openExternal).toContain('https://example.com/docs');
    const inside = fakeEvent();
    contents.emit('will-navigate', inside, `${rendererUrl}#/inbox`);
    expect(inside.defaultPrevented).toBe(false);
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('denies permissions and sends the CSP header on the app’s documents', () => {
    let granted: boolean | null = null;
    fake.sessionHooks.permissionRequest!(fake.windows[0]!.webContents, 'media', (g) => (granted = g), { requestingUrl: rendererUrl });
    expect(granted).toBe(false);
    expect(fake.sessionHooks.permissionCheck!(fake.windows[0]!.webContents, 'geolocation', 'file://', { requestingUrl: rendererUrl })).toBe(false);
    let headers: Record<string, string[]> | undefined;
    fake.sessionHooks.headersReceived!({ url: rendererUrl, resourceType: 'mainFrame', responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']![0]).toContain("script-src 'self'");
  });

  it('sets launch at login in the installed app (XDG autostart on Linux), not in a dev run', async () => {
    expect((await ipc('shell.getPreferences', {})).value).toMatchObject({ available: true, launchAtLogin: false, launchAtLoginUnavailable: expect.stringMatching(/installed app/) });
    expect(await ipc('shell.setPreferences', { launchAtLogin: true })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // the shell parses its own methods' input (the engine parses the others)
    expect(await ipc('shell.setPreferences', { launchAtLogin: 'yes' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await ipc('shell.getPreferences', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    fake.app.isPackaged = true;
    try {
      const on = await ipc('shell.setPreferences', { launchAtLogin: true });
      if (process.platform === 'linux') {
        expect(on.value).toEqual({ available: true, launchAtLogin: true, launchAtLoginUnavailable: null });
        expect(readFileSync(join(configHome, 'autostart', 'mission-companion.desktop'), 'utf8')).toContain(' --hidden');
        expect((await ipc('shell.setPreferences', { launchAtLogin: false })).value.launchAtLogin).toBe(false);
        expect(existsSync(join(configHome, 'autostart', 'mission-companion.desktop'))).toBe(false);
      } else {
        expect(fake.calls.loginItemSettings.at(-1)).toEqual({ openAtLogin: true, args: ['--hidden'] });
      }
    } finally {
      fake.app.isPackaged = false;
    }
  });

  it('quits cleanly: closes the engine first, then really quits; and logs it', async () => {
    fake.app.quit();
    await until(() => fake.calls.quit >= 2, 'the second quit after the engine closed');
    expect(fake.windows[0]!.isDestroyed()).toBe(true);
    const log = readFileSync(join(dataDir, 'logs', 'companion.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(log[0]).toMatchObject({ level: 'info', scope: 'app', msg: 'started', dataDir });
    expect(log.at(-1)).toMatchObject({ scope: 'app', msg: 'quit' });
  });
});
