/**
 * Test helper: a fresh desktop shell (src-main/desktop) against a fresh fake `electron`, a real
 * engine on a temp data dir, and manual timers: one app life per test.
 *
 *   const t = await startTestShell();           // started, its background work finished
 *   t.fake.trays[0]!.menu.find(…)!.click!();
 *   await t.shell.idle();                       // instead of polling
 *   await t.close();                            // quits (if the test did not) and removes the dirs
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createShell, type Shell, type ShellDeps } from '../desktop/shell';
import { createFakeElectron, type FakeElectron } from './fake-electron';
import { ManualTimers } from './manual-timers';

/** Where the built page would be; the fake never reads it. */
export const RENDERER_HTML = join(process.cwd(), 'out', 'renderer', 'index.html');
export const RENDERER_URL = pathToFileURL(RENDERER_HTML).href;
export const PRELOAD_PATH = join(process.cwd(), 'out', 'preload', 'preload.cjs');

export interface TestShellOptions {
  /** default: a fresh temp dir (removed by close()) */
  dataDir?: string;
  /** default linux, so that menus and login items are the same on every machine */
  platform?: NodeJS.Platform;
  argv?: string[];
  env?: Record<string, string>;
  /** prepares the fake before the shell starts (e.g. no single-instance lock) */
  prepare?: (fake: FakeElectron) => void;
}

export interface TestShell {
  shell: Shell;
  fake: FakeElectron;
  timers: ManualTimers;
  dataDir: string;
  /** $XDG_CONFIG_HOME of this shell (launch at login writes there on Linux) */
  configHome: string;
  /** the lines a development run echoes */
  echoed: string[];
  /** Calls a `companion:<method>` handler the way the window's renderer would. */
  ipc(method: string, input: unknown, frameUrl?: string): Promise<{ ok: boolean; value?: any; error?: any }>;
  /** Quits through Electron (as the tray's Quit does) and waits for the quit sequence. */
  quit(): Promise<void>;
  /** quits if still running, then removes the temp dirs */
  close(): Promise<void>;
}

export async function startTestShell(options: TestShellOptions = {}): Promise<TestShell> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'companion-shell-'));
  const home = mkdtempSync(join(tmpdir(), 'companion-home-'));
  const configHome = join(home, '.config');
  const fake = createFakeElectron({ userData: '/nonexistent-user-data' });
  options.prepare?.(fake);
  const timers = new ManualTimers();
  const echoed: string[] = [];
  const deps: ShellDeps = {
    electron: fake.electron,
    preloadPath: PRELOAD_PATH,
    rendererHtml: RENDERER_HTML,
    env: { COMPANION_DATA_DIR: dataDir, XDG_CONFIG_HOME: configHome, ...options.env },
    argv: options.argv ?? ['/opt/Mission Companion/mission-companion'],
    platform: options.platform ?? 'linux',
    execPath: '/opt/Mission Companion/mission-companion',
    homeDir: home,
    timers,
    echo: (line) => echoed.push(line),
    // the runner's own timer stays off: these tests drive it through the api
    engineOptions: { autoStart: false },
  };
  const shell = createShell(deps);
  await shell.start();
  await shell.idle();

  const quit = async () => {
    fake.app.quit();
    await shell.idle();
  };
  return {
    shell,
    fake,
    timers,
    dataDir,
    configHome,
    echoed,
    ipc(method, input, frameUrl = RENDERER_URL) {
      const win = fake.windows[0]!;
      const handler = fake.ipcHandlers.get(`companion:${method}`);
      if (!handler) throw new Error(`no handler for ${method}`);
      return handler({ sender: win.webContents, senderFrame: { url: frameUrl, parent: null, detached: false } }, input) as Promise<{ ok: boolean; value?: any; error?: any }>;
    },
    quit,
    async close() {
      if (fake.windows.length > 0 && fake.calls.quit === 0) await quit();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}
