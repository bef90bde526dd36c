/**
 * The desktop shell: one object per app life, made by createShell(deps) from the electron module
 * and the process's facts (env, argv, platform). It owns the window, the tray, the engine and the
 * quitting state; src-main/index.ts makes one for the real Electron, tests make one per test
 * against a fake. Decisions live in pure, unit-tested modules (../shell/*, ../host/ipc-core,
 * ../host/csp); the files of this folder adapt them to Electron's objects.
 *
 * Data dir: app.getPath('userData'), or $COMPANION_DATA_DIR (tests, portable use). The log is
 * `<dataDir>/logs/companion.log` (JSON lines, rotated by size).
 */
import type * as Electron from 'electron';
import { ApiError, parseInput, type EventName, type MethodName, type RunnerStatus } from '../../src-shared/api';
import { createEngine, type EngineLog } from '../engine';
import { broadcastEvent, registerValidatedIpc } from '../host/ipc';
import type { LogFile } from '../shell/log-file';
import { startedAtLogin } from '../shell/login-item';
import { notificationFor } from '../shell/notifications';
import { SafeStorageSecretStore } from '../shell/secret-store';
import { createShellContext, type ShellContext, type ShellDeps } from './context';
import { setShellPreferences, shellPreferences } from './login-preferences';
import { openFolder, setApplicationMenu } from './menu';
import { createNotifier } from './notifier';
import { hardenSession, hardenWebContents } from './security';
import { createTrayController } from './tray';
import { createWindowController } from './window';

export type { ShellDeps, ShellElectron } from './context';

export interface Shell {
  readonly dataDir: string;
  readonly logFile: LogFile;
  /**
   * Takes the single-instance lock (a second launch focuses this one) and starts: engine, IPC,
   * menu, tray, window. Resolves once the window exists; a failure is shown in a dialog and exits 1.
   */
  start(): Promise<void>;
  /**
   * Resolves once the shell's own background work has finished: page loads, tray refreshes, menu
   * and tray actions, the quit sequence. (Tests wait on this instead of polling.)
   */
  idle(): Promise<void>;
}

export function createShell(deps: ShellDeps): Shell {
  const ctx = createShellContext(deps);
  const { app, BrowserWindow, dialog } = ctx.electron;
  const notifier = createNotifier(ctx, (route) => windows.openRoute(route));
  const windows = createWindowController(ctx, { closedToTray: () => notifier.showCloseToTrayHint() });
  const tray = createTrayController(ctx, windows);

  async function start(): Promise<void> {
    if (!app.requestSingleInstanceLock()) {
      app.quit();
      return;
    }
    app.on('second-instance', () => windows.show());
    try {
      await main();
    } catch (error) {
      ctx.logFile.error('app', 'could not start', error);
      dialog.showErrorBox('Mission Companion could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    }
  }

  async function main(): Promise<void> {
    hardenWebContents(ctx);
    await app.whenReady();
    ctx.logFile.info('app', 'started', {
      version: app.getVersion(),
      electron: process.versions.electron,
      platform: deps.platform,
      packaged: app.isPackaged,
      dataDir: ctx.dataDir,
    });
    setApplicationMenu(ctx, { showWindow: () => windows.show(), runDue: () => tray.onAction('tick') });
    hardenSession(ctx);

    const secrets = await SafeStorageSecretStore.open(ctx.dataDir, ctx.electron.safeStorage, { log: ctx.log });
    ctx.secrets = secrets;
    if (secrets.warning) ctx.logFile.warn('secrets', secrets.warning, undefined, { backend: secrets.backend });
    openEngine(secrets);

    registerValidatedIpc({ ipcMain: ctx.electron.ipcMain, isOurWebContents, dispatch, allowedOrigins: ctx.allowedOrigins, log: ctx.log });
    if (ctx.engine) {
      ctx.engine.on(onEngineEvent);
      ctx.track(tray.refresh(), 'reading the runner status');
    }
    ctx.trayState = { ...ctx.trayState, engineError: ctx.engineError };

    tray.create();
    const macLoginStart = deps.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
    ctx.startHidden = ctx.tray !== null && startedAtLogin(deps.argv, macLoginStart);
    windows.create();
    if (ctx.engineError) ctx.track(explainEngineError(ctx.engineError), 'explaining the engine error');

    app.on('activate', () => windows.show());
    app.on('window-all-closed', () => {
      // With a tray the app (and its runner) keeps going; without one, closing the last window quits.
      if (!ctx.tray) app.quit();
    });
    app.on('before-quit', onBeforeQuit);
  }

  function openEngine(secrets: SafeStorageSecretStore): void {
    try {
      // the engine's own lines (failed LLM calls at warn, skipped sync changes) go to companion.log
      const log: EngineLog = (level, scope, msg, fields) => ctx.logFile.write(level, scope, msg, fields);
      ctx.engine = createEngine({ dataDir: ctx.dataDir, secrets, log, ...deps.engineOptions });
    } catch (error) {
      ctx.engineError = error instanceof Error ? error.message : String(error);
      ctx.logFile.error('engine', 'could not start', error);
    }
  }

  function isOurWebContents(contents: Electron.WebContents): boolean {
    const win = BrowserWindow.fromWebContents(contents);
    return win !== null && !win.isDestroyed() && win.webContents === contents;
  }

  function onBeforeQuit(event: Electron.Event): void {
    ctx.quitting = true;
    if (ctx.engineClosed) return;
    // Quitting waits for the engine (aborts LLM calls, finishes the running transaction, closes the
    // DB) and for secrets still being encrypted to disk; then quits for real.
    event.preventDefault();
    const closing = ctx.engine;
    ctx.engine = null;
    ctx.track(closeThenQuit(closing), 'quitting');
  }

  async function closeThenQuit(closing: ShellContext['engine']): Promise<void> {
    try {
      await closing?.close();
    } catch (error) {
      ctx.logFile.error('engine', 'close failed', error);
    }
    try {
      await ctx.secrets?.flush();
    } catch (error) {
      ctx.logFile.error('secrets', 'could not save', error);
    }
    ctx.logFile.info('app', 'quit');
    ctx.engineClosed = true;
    app.quit();
  }

  /** Answers one IPC call; its input is parsed once, here for the shell's own methods, else by engine.call. */
  async function dispatch(method: MethodName, input: unknown): Promise<unknown> {
    // The shell's own preferences are answered here; the engine (also in the headless host) says "no shell".
    if (method === 'shell.getPreferences') {
      parseInput(method, input);
      return shellPreferences(ctx);
    }
    if (method === 'shell.setPreferences') return setShellPreferences(ctx, parseInput(method, input));
    if (!ctx.engine) throw new ApiError('UNAVAILABLE', ctx.engineError ?? 'Mission Companion is shutting down.');
    return ctx.engine.call(method, input);
  }

  /** Engine events go to every window, to the tray, and out as notifications when nobody is looking. */
  function onEngineEvent(event: EventName, payload: unknown): void {
    try {
      broadcastEvent(BrowserWindow.getAllWindows(), event, payload);
    } catch (error) {
      ctx.logFile.warn('ipc', `could not broadcast ${event}`, error);
    }
    if (event === 'runner.status') tray.applyStatus(payload as RunnerStatus);
    else if (event === 'sync.changed') tray.refreshSoon();
    if (event === 'mission.attention') ctx.logFile.warn('runner', 'a mission needs attention', undefined, payload as Record<string, unknown>);
    const win = ctx.mainWindow;
    const focused = win !== null && !win.isDestroyed() && win.isVisible() && win.isFocused();
    const note = notificationFor(event, payload, focused);
    if (note) notifier.notify(note);
  }

  async function explainEngineError(message: string): Promise<void> {
    const { response } = await dialog.showMessageBox({
      type: 'error',
      title: 'Mission Companion cannot open its data',
      message: 'Mission Companion cannot open its data.',
      detail: `${message}\n\nData folder: ${ctx.dataDir}\nLogs: ${ctx.logFile.dir}`,
      buttons: ['Open data folder', 'Quit', 'Continue'],
      defaultId: 0,
      cancelId: 2,
    });
    if (response === 0) await openFolder(ctx, ctx.dataDir);
    if (response === 1) {
      ctx.quitting = true;
      app.quit();
    }
  }

  return { dataDir: ctx.dataDir, logFile: ctx.logFile, start, idle: () => ctx.idle() };
}
