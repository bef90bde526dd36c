/**
 * What the desktop shell is given (ShellDeps) and the one object that holds its state for one app
 * life (ShellContext). The parts of the shell (window, tray, menu, notifications, …) share this
 * object instead of module-level variables, so a test makes a fresh shell per test.
 */
import type * as Electron from 'electron';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Engine, EngineOptions } from '../engine';
import { allowedRendererOrigins, isTrustedSender } from '../host/ipc-core';
import { LogFile } from '../shell/log-file';
import type { SafeStorageSecretStore } from '../shell/secret-store';
import { loadShellState, saveShellState, type ShellState } from '../shell/shell-state';
import type { TrayState } from '../shell/tray-model';
import { realTimers, type Timers } from '../timers';

/** The parts of the `electron` module the shell uses (index.ts passes the real one; tests a fake). */
export type ShellElectron = Pick<
  typeof Electron,
  'app' | 'BrowserWindow' | 'dialog' | 'ipcMain' | 'Menu' | 'nativeImage' | 'Notification' | 'safeStorage' | 'screen' | 'session' | 'shell' | 'Tray'
>;

export interface ShellDeps {
  electron: ShellElectron;
  /** the built sandboxed preload (CommonJS) */
  preloadPath: string;
  /** the built renderer page */
  rendererHtml: string;
  /** read: COMPANION_DATA_DIR, COMPANION_LOG_LEVEL, ELECTRON_RENDERER_URL, APPIMAGE, XDG_CONFIG_HOME */
  env: Readonly<Record<string, string | undefined>>;
  argv: readonly string[];
  platform: NodeJS.Platform;
  execPath: string;
  homeDir: string;
  /** the debounce timers of the window bounds and tray refresh (default: real ones) */
  timers?: Timers;
  /** where a development run echoes its log lines (default console.warn) */
  echo?: (line: string) => void;
  /** added to the engine's options (tests: `{ autoStart: false }`) */
  engineOptions?: Partial<EngineOptions>;
}

export interface ShellContext {
  readonly deps: ShellDeps;
  readonly electron: ShellElectron;
  readonly timers: Timers;
  readonly dataDir: string;
  readonly logFile: LogFile;
  /** for modules that log `[scope] message` strings (IPC core, secret store) */
  readonly log: (message: string, error?: unknown) => void;
  /** the Vite dev server of a development run, or null (then the built page is loaded) */
  readonly devServerUrl: string | null;
  readonly allowedOrigins: readonly string[];
  isAppUrl(url: string): boolean;

  engine: Engine | null;
  engineError: string | null;
  secrets: SafeStorageSecretStore | null;
  mainWindow: Electron.BrowserWindow | null;
  tray: Electron.Tray | null;
  /** the user asked to quit: windows close instead of hiding */
  quitting: boolean;
  /** the engine and secrets are closed: the next quit is for real */
  engineClosed: boolean;
  tickInFlight: boolean;
  /** a login start opens in the tray only (when there is a tray to open it from) */
  startHidden: boolean;
  /** what shell-state.json keeps (window bounds, hints shown) */
  saved: ShellState;
  trayState: TrayState;

  /** Keeps background work the shell does not await (for idle()), logging its failure. */
  track(task: Promise<unknown>, what: string): void;
  /** Resolves once no tracked work is running (tracked work may start more). */
  idle(): Promise<void>;
  /** Updates and writes shell-state.json. */
  updateSaved(patch: Partial<ShellState>): void;
}

export function createShellContext(deps: ShellDeps): ShellContext {
  const { app } = deps.electron;
  const devServerUrl = !app.isPackaged ? (deps.env.ELECTRON_RENDERER_URL ?? null) : null;
  const allowedOrigins = allowedRendererOrigins({ devServerUrl, rendererDirUrl: pathToFileURL(dirname(deps.rendererHtml)).href + '/' });
  const dataDir = resolve(deps.env.COMPANION_DATA_DIR || app.getPath('userData'));
  if (deps.env.COMPANION_DATA_DIR) {
    // keep Chromium's profile (IndexedDB replica, caches) next to the data, so a test dir is self-contained
    mkdirSync(dataDir, { recursive: true });
    app.setPath('userData', dataDir);
  }
  const logFile = new LogFile({
    dataDir,
    minLevel: deps.env.COMPANION_LOG_LEVEL === 'debug' ? 'debug' : 'info',
    // a terminal shows the log while developing; an installed app has nobody reading its stdout
    echo: app.isPackaged ? null : (deps.echo ?? ((line) => console.warn(line))),
  });
  const log = logFile.callback('warn', 'app');
  const tasks = new Set<Promise<unknown>>();

  const ctx: ShellContext = {
    deps,
    electron: deps.electron,
    timers: deps.timers ?? realTimers,
    dataDir,
    logFile,
    log,
    devServerUrl,
    allowedOrigins,
    isAppUrl: (url) => isTrustedSender(url, true, allowedOrigins),
    engine: null,
    engineError: null,
    secrets: null,
    mainWindow: null,
    tray: null,
    quitting: false,
    engineClosed: false,
    tickInFlight: false,
    startHidden: false,
    saved: loadShellState(dataDir, log),
    trayState: { paused: false, busy: false, planning: 0, pendingProposals: 0, llmConfigured: false, llmError: null, engineError: null },
    track(task, what) {
      const tracked = task.catch((error: unknown) => logFile.warn('app', `${what} failed`, error)).finally(() => tasks.delete(tracked));
      tasks.add(tracked);
    },
    async idle() {
      while (tasks.size > 0) await Promise.all([...tasks]);
    },
    updateSaved(patch) {
      ctx.saved = { ...ctx.saved, ...patch };
      try {
        saveShellState(dataDir, ctx.saved);
      } catch (error) {
        logFile.warn('shell', 'could not save the window state', error);
      }
    },
  };
  return ctx;
}
