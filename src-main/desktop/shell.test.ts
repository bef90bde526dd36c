/**
 * The desktop shell's wiring, run in plain Node against a fake `electron` module
 * (../testing/fake-electron) and a real engine on a temp data dir: a fresh shell per test
 * (../testing/test-shell), manual timers, and `shell.idle()` instead of polling. The decisions
 * themselves are unit-tested in ../shell and ../host; this checks that the shell applies them:
 * window options and bounds, menu, tray, close-to-tray with its one-time hint, notifications that
 * open a route, the validated IPC, security hooks, launch at login, the log file and a clean quit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { missionInsert } from '../engine/testing/changes';
import { fakeEvent, type MenuTemplateItem } from '../testing/fake-electron';
import { planText, startScriptedLlm } from '../testing/llm-server';
import { PRELOAD_PATH, RENDERER_URL, startTestShell, type TestShell } from '../testing/test-shell';
import { TRAY_REFRESH_AFTER_MS } from './tray';
import { SAVE_BOUNDS_AFTER_MS } from './window';

let t: TestShell;
afterEach(async () => {
  await t?.close();
});

function find(items: readonly MenuTemplateItem[], label: string | RegExp): MenuTemplateItem | undefined {
  for (const item of items) {
    if (item.label !== undefined && (typeof label === 'string' ? item.label === label : label.test(item.label))) return item;
    const inner = item.submenu ? find(item.submenu, label) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

const trayItem = (label: string) => t.fake.trays[0]!.menu.find((i) => i.label === label)!;
const trayStatus = () => t.fake.trays[0]!.menu.find((i) => i.id === 'status')?.label;
const readLog = () =>
  readFileSync(join(t.dataDir, 'logs', 'companion.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the desktop shell (fake electron, real engine)', () => {
  it('creates a hidden, sandboxed window and shows it on ready-to-show', async () => {
    t = await startTestShell();
    const win = t.fake.windows[0]!;
    expect(t.fake.windows).toHaveLength(1);
    expect(win.options).toMatchObject({
      show: false,
      width: 1280,
      height: 840,
      webPreferences: { preload: PRELOAD_PATH, sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(win.isVisible()).toBe(false);
    win.emit('ready-to-show');
    expect(win.isVisible()).toBe(true);
    expect(win.webContents.getURL()).toMatch(/\/renderer\/index\.html$/);
  });

  it('sets an application menu with the usual roles and "Open Logs Folder"', async () => {
    t = await startTestShell();
    const menu = t.fake.calls.applicationMenu!;
    expect(menu.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(find(menu, 'Edit')!.submenu!.map((i) => i.role).filter(Boolean)).toEqual(expect.arrayContaining(['copy', 'paste', 'undo']));
    find(menu, 'Open Logs Folder')!.click!();
    await t.shell.idle();
    expect(t.fake.calls.openPath).toEqual([join(t.dataDir, 'logs')]);
  });

  it('answers the api over validated IPC, and refuses other senders and channels', async () => {
    t = await startTestShell();
    expect([...t.fake.ipcHandlers.keys()].every((c) => c.startsWith('companion:'))).toBe(true);
    const status = await t.ipc('runner.status', {});
    expect(status).toMatchObject({ ok: true, value: { paused: false, pendingProposals: 0 } });
    expect(await t.ipc('runner.status', {}, 'https://evil.example/')).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await t.ipc('runner.setPaused', { paused: 'yes' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    const settings = await t.ipc('settings.get', {});
    expect(JSON.stringify(settings.value)).not.toMatch(/apiKey"\s*:\s*"/);
  });

  it('refuses a call whose window or frame is gone with an error envelope, logs it, and keeps answering', async () => {
    t = await startTestShell();
    const handler = t.fake.ipcHandlers.get('companion:runner.status')!;
    const destroyed = () => {
      throw new TypeError('Object has been destroyed');
    };
    const gone = Object.defineProperties({}, { sender: { get: destroyed }, senderFrame: { get: destroyed } });
    expect(await handler(gone, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(readFileSync(join(t.dataDir, 'logs', 'companion.log'), 'utf8')).toMatch(/"scope":"ipc","msg":"refused runner\.status from an untrusted sender/);
    expect(await t.ipc('runner.status', {})).toMatchObject({ ok: true });
  });

  it('shows the runner in the tray and pauses/resumes it from there', async () => {
    t = await startTestShell();
    expect(trayStatus()).toBe('Idle · nothing waiting');
    expect(t.fake.trays[0]!.toolTip).toBe('Mission Companion: idle, nothing waiting');
    trayItem('Pause runner').click!();
    await t.shell.idle();
    expect(trayStatus()).toBe('Paused · nothing waiting');
    expect((await t.ipc('runner.status', {})).value.paused).toBe(true);
    trayItem('Resume runner').click!();
    await t.shell.idle();
    expect(trayStatus()).toBe('Idle · nothing waiting');
  });

  it('hides to the tray on close, with a hint only the first time, and remembers the bounds', async () => {
    t = await startTestShell();
    const win = t.fake.windows[0]!;
    win.show();
    win.bounds = { x: 40, y: 30, width: 1000, height: 700 };
    expect(win.userClose()).toBe(false);
    expect(win.isVisible()).toBe(false);
    expect(t.fake.notifications.map((n) => n.options.title)).toEqual(['Mission Companion is still running']);
    win.show();
    expect(win.userClose()).toBe(false);
    expect(t.fake.notifications).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(t.dataDir, 'shell-state.json'), 'utf8'));
    expect(state).toEqual({ window: { bounds: { x: 40, y: 30, width: 1000, height: 700 }, maximized: false }, closeHintShown: true });
  });

  it('writes moved bounds once they have rested', async () => {
    t = await startTestShell();
    const win = t.fake.windows[0]!;
    const stateFile = join(t.dataDir, 'shell-state.json');
    win.bounds = { x: 10, y: 10, width: 900, height: 600 };
    win.emit('move');
    t.timers.advance(SAVE_BOUNDS_AFTER_MS - 1);
    win.bounds = { x: 20, y: 20, width: 900, height: 600 };
    win.emit('move');
    t.timers.advance(SAVE_BOUNDS_AFTER_MS - 1);
    expect(existsSync(stateFile)).toBe(false);
    t.timers.advance(1);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).window).toEqual({ bounds: { x: 20, y: 20, width: 900, height: 600 }, maximized: false });
  });

  it('notifies about new proposals when the window is hidden; a click opens the inbox', async () => {
    t = await startTestShell();
    const win = t.fake.windows[0]!;
    expect(win.isVisible()).toBe(false);
    const llm = await startScriptedLlm();
    try {
      await t.ipc('settings.update', { llm: { baseUrl: llm.url, model: 'test-model', plannerMode: 'json' } });
      const pushed = await t.ipc('sync.push', { clientId: 'test', changes: [missionInsert('m1', { title: 'Plan week' })] });
      expect(pushed.ok).toBe(true);
      llm.enqueue({ content: planText([{ summary: 'add task', toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'Anna asked' }]) });
      const before = t.fake.notifications.length;
      const run = await t.ipc('missions.runNow', { missionId: 'm1' });
      expect(run).toMatchObject({ ok: true, value: { status: 'awaiting-review' } });

      expect(t.fake.notifications.length).toBe(before + 1);
      const note = t.fake.notifications.at(-1)!;
      expect(note.options).toMatchObject({ title: 'A proposal is waiting for you', body: expect.stringContaining('Plan week') });
      // the window got the event too, and the tray counts the proposal once it re-reads the status
      expect(win.webContents.sent.map((m) => (m.message as { name: string }).name)).toContain('proposals.created');
      t.timers.advance(TRAY_REFRESH_AFTER_MS);
      await t.shell.idle();
      expect(trayStatus()).toBe('Idle · 1 proposal waiting');

      win.webContents.url = `${RENDERER_URL}#/settings`;
      note.emit('click');
      expect(win.isVisible()).toBe(true);
      await t.shell.idle();
      expect(win.webContents.loads.at(-1)).toBe(`${RENDERER_URL}#/inbox`);
    } finally {
      await llm.close();
    }
  });

  it('keeps windows on the app and opens only http(s) links outside', async () => {
    t = await startTestShell();
    const contents = t.fake.windows[0]!.webContents;
    const away = fakeEvent();
    contents.emit('will-navigate', away, 'https://example.com/docs');
    expect(away.defaultPrevented).toBe(true);
    expect(t.fake.calls.openExternal).toContain('https://example.com/docs');
    const inside = fakeEvent();
    contents.emit('will-navigate', inside, `${RENDERER_URL}#/inbox`);
    expect(inside.defaultPrevented).toBe(false);
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
  });

  it('denies permissions and sends the CSP header on the app’s documents', async () => {
    t = await startTestShell();
    const { sessionHooks, windows } = t.fake;
    let granted: boolean | null = null;
    sessionHooks.permissionRequest!(windows[0]!.webContents, 'media', (g) => (granted = g), { requestingUrl: RENDERER_URL });
    expect(granted).toBe(false);
    expect(sessionHooks.permissionCheck!(windows[0]!.webContents, 'geolocation', 'file://', { requestingUrl: RENDERER_URL })).toBe(false);
    let headers: Record<string, string[]> | undefined;
    sessionHooks.headersReceived!({ url: RENDERER_URL, resourceType: 'mainFrame', responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers!['Content-Security-Policy']![0]).toContain("script-src 'self'");
  });

  it('quits cleanly: closes the engine first, then really quits; and logs it', async () => {
    t = await startTestShell();
    await t.quit();
    expect(t.fake.calls.quit).toBe(2);
    expect(t.fake.windows[0]!.isDestroyed()).toBe(true);
    const log = readLog();
    expect(log[0]).toMatchObject({ level: 'info', scope: 'app', msg: 'started', dataDir: t.dataDir });
    expect(log.at(-1)).toMatchObject({ scope: 'app', msg: 'quit' });
  });
});

describe('launch at login', () => {
  it('is refused in a development run (it would register the bare Electron binary)', async () => {
    t = await startTestShell();
    expect((await t.ipc('shell.getPreferences', {})).value).toMatchObject({ available: true, launchAtLogin: false, launchAtLoginUnavailable: expect.stringMatching(/installed app/) });
    expect(await t.ipc('shell.setPreferences', { launchAtLogin: true })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // the shell parses its own methods' input (the engine parses the others)
    expect(await t.ipc('shell.setPreferences', { launchAtLogin: 'yes' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await t.ipc('shell.getPreferences', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('writes and removes the XDG autostart entry of the installed app on Linux', async () => {
    t = await startTestShell({ platform: 'linux' });
    t.fake.app.isPackaged = true;
    const on = await t.ipc('shell.setPreferences', { launchAtLogin: true });
    expect(on.value).toEqual({ available: true, launchAtLogin: true, launchAtLoginUnavailable: null });
    const entry = join(t.configHome, 'autostart', 'mission-companion.desktop');
    expect(readFileSync(entry, 'utf8')).toContain(' --hidden');
    expect((await t.ipc('shell.setPreferences', { launchAtLogin: false })).value.launchAtLogin).toBe(false);
    expect(existsSync(entry)).toBe(false);
  });

  it('uses the system’s login items on Windows and macOS', async () => {
    t = await startTestShell({ platform: 'win32' });
    t.fake.app.isPackaged = true;
    expect((await t.ipc('shell.setPreferences', { launchAtLogin: true })).ok).toBe(true);
    expect(t.fake.calls.loginItemSettings.at(-1)).toEqual({ openAtLogin: true, args: ['--hidden'] });
  });
});
