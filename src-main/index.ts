/**
 * Electron entry: lifecycle, window, tray, menu, notifications, safeStorage, launch at login; wires
 * the engine to IPC. Decisions live in pure, unit-tested modules (./shell/*, ./host/ipc-core,
 * ./host/csp); this file adapts them to Electron's objects. The engine never imports electron.
 *
 * Data dir: app.getPath('userData'), or $COMPANION_DATA_DIR (tests, portable use). The log is
 * `<dataDir>/logs/companion.log` (JSON lines, rotated by size).
 */
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  nativeImage,
  Notification,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
  type MenuItemConstructorOptions,
  type NativeImage,
} from 'electron';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApiError, type EventName, type MethodName, type RunnerStatus, type ShellPreferences } from '../src-shared/api';
import { createEngine, type Engine } from './engine';
import { withRendererCsp } from './host/csp';
import { allowedRendererOrigins, isTrustedSender } from './host/ipc-core';
import { broadcastEvent, registerValidatedIpc } from './host/ipc';
import { appMenuModel, type AppMenuAction, type AppMenuItem } from './shell/app-menu';
import { LogFile } from './shell/log-file';
import { autostartFile, HIDDEN_ARG, loginItemPlan, loginItemUnavailable, startedAtLogin, type LoginItemEnv } from './shell/login-item';
import { closeToTrayHint, notificationFor, ROUTES, urlWithRoute, type NotificationModel } from './shell/notifications';
import { SafeStorageSecretStore } from './shell/secret-store';
import { loadShellState, saveShellState, type ShellState } from './shell/shell-state';
import { trayIconBitmap } from './shell/tray-icon';
import { trayMenuModel, trayTooltip, type TrayAction, type TrayState } from './shell/tray-model';
import { APP_TITLE, closeBehavior, decideNavigation, decidePermission, decideWindowOpen, mainWindowOptions, WINDOW_SIZE } from './shell/window-options';
import { restoreWindowState, windowStateToSave } from './shell/window-state';

const here = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(here, '../preload/preload.cjs');
const RENDERER_HTML = join(here, '../renderer/index.html');
const DEV_SERVER_URL = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const ALLOWED_ORIGINS = allowedRendererOrigins({
  devServerUrl: DEV_SERVER_URL,
  rendererDirUrl: pathToFileURL(dirname(RENDERER_HTML)).href + '/',
});
const isAppUrl = (url: string) => isTrustedSender(url, true, ALLOWED_ORIGINS);

const dataDir = resolve(process.env.COMPANION_DATA_DIR || app.getPath('userData'));
if (process.env.COMPANION_DATA_DIR) {
  // keep Chromium's profile (IndexedDB replica, caches) next to the data, so a test dir is self-contained
  mkdirSync(dataDir, { recursive: true });
  app.setPath('userData', dataDir);
}

const logFile = new LogFile({
  dataDir,
  minLevel: process.env.COMPANION_LOG_LEVEL === 'debug' ? 'debug' : 'info',
  // a terminal shows the log while developing; an installed app has nobody reading its stdout
  echo: app.isPackaged ? null : (line) => console.warn(line),
});
/** For modules that log `[scope] message` strings (IPC core, secret store). */
const log = logFile.callback('warn', 'app');

let engine: Engine | null = null;
let engineError: string | null = null;
let secrets: SafeStorageSecretStore | null = null;
let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let quitting = false;
let engineClosed = false;
let tickInFlight = false;
let shellState: ShellState = loadShellState(dataDir, log);
let trayState: TrayState = { paused: false, busy: false, planning: 0, pendingProposals: 0, llmConfigured: false, llmError: null, engineError: null };
/** a login start opens in the tray only (when there is a tray to open it from) */
let startHidden = false;

process.on('unhandledRejection', (reason) => logFile.error('app', 'unhandled promise rejection', reason));

// ---------------------------------------------------------------------------------------------
// Single instance: a second launch focuses the running one.

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  main().catch((error: unknown) => {
    logFile.error('app', 'could not start', error);
    dialog.showErrorBox('Mission Companion could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

async function main(): Promise<void> {
  hardenWebContents();
  await app.whenReady();
  logFile.info('app', 'started', { version: app.getVersion(), electron: process.versions.electron, platform: process.platform, packaged: app.isPackaged, dataDir });
  setApplicationMenu();
  hardenSession();

  secrets = await SafeStorageSecretStore.open(dataDir, safeStorage, { log });
  if (secrets.warning) logFile.warn('secrets', secrets.warning, undefined, { backend: secrets.backend });
  try {
    engine = createEngine({ dataDir, secrets, log: (level, scope, msg, fields) => logFile.write(level, scope, msg, fields) });
  } catch (error) {
    engineError = error instanceof Error ? error.message : String(error);
    logFile.error('engine', 'could not start', error);
  }

  registerValidatedIpc({ dispatch, allowedOrigins: ALLOWED_ORIGINS, log });
  if (engine) {
    engine.on(onEngineEvent);
    void refreshTrayFromEngine();
  }
  trayState = { ...trayState, engineError };

  createTray();
  startHidden = tray !== null && startedAtLogin(process.argv, process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
  createWindow();
  if (engineError) void explainEngineError(engineError);

  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    // With a tray the app (and its runner) keeps going; without one, closing the last window quits.
    if (!tray) app.quit();
  });
  app.on('before-quit', onBeforeQuit);
}

function onBeforeQuit(event: Electron.Event): void {
  quitting = true;
  if (engineClosed) return;
  // Quitting waits for the engine (aborts LLM calls, finishes the running transaction, closes the
  // DB) and for secrets still being encrypted to disk; then quits for real.
  event.preventDefault();
  const closing = engine;
  engine = null;
  void (async () => {
    try {
      await closing?.close();
    } catch (error) {
      logFile.error('engine', 'close failed', error);
    }
    try {
      await secrets?.flush();
    } catch (error) {
      logFile.error('secrets', 'could not save', error);
    }
    logFile.info('app', 'quit');
    engineClosed = true;
    app.quit();
  })();
}

async function dispatch(method: MethodName, input: unknown): Promise<unknown> {
  // The shell's own preferences are answered here; the engine (also in the headless host) says "no shell".
  if (method === 'shell.getPreferences') return shellPreferences();
  if (method === 'shell.setPreferences') return setShellPreferences(input as { launchAtLogin: boolean });
  if (!engine) {
    throw new ApiError('UNAVAILABLE', engineError ?? 'Mission Companion is shutting down.');
  }
  return engine.call(method, input);
}

// ---------------------------------------------------------------------------------------------
// Security: every webContents (not only ours) may not navigate away, open windows or attach webviews.

function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      const decision = decideNavigation(url, ALLOWED_ORIGINS);
      if (decision.allow) return;
      event.preventDefault();
      logFile.warn('security', 'navigation refused', undefined, { url: url.slice(0, 300) });
      if (decision.openExternal) void shell.openExternal(decision.openExternal);
    });
    contents.on('will-redirect', (event, url) => {
      if (!decideNavigation(url, ALLOWED_ORIGINS).allow) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = decideWindowOpen(url);
      if (decision.openExternal) void shell.openExternal(decision.openExternal);
      return { action: decision.action };
    });
  });
}

/** Permission requests and checks are denied (see decidePermission); the CSP is also sent as a header. */
function hardenSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl ?? contents.getURL(), ALLOWED_ORIGINS));
  });
  ses.setPermissionCheckHandler((contents, permission, _requestingOrigin, details) =>
    decidePermission(permission, details.requestingUrl ?? contents?.getURL() ?? null, ALLOWED_ORIGINS),
  );
  // The dev server needs Vite's inline HMR preamble; there the <meta> CSP of index.html applies alone.
  if (!DEV_SERVER_URL) {
    ses.webRequest.onHeadersReceived((details, callback) => {
      const responseHeaders = withRendererCsp(details, isAppUrl);
      callback(responseHeaders ? { responseHeaders } : {});
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Window

function windowIconPath(): string | null {
  // macOS and Windows take the icon from the app bundle; Linux window managers want it per window.
  if (process.platform !== 'linux') return null;
  const icon = join(app.getAppPath(), 'build', 'icons', '256x256.png');
  return existsSync(icon) ? icon : null;
}

function createWindow(route: string | null = null): BrowserWindow {
  const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
  const restored = restoreWindowState(shellState.window, workAreas, WINDOW_SIZE);
  const win = new BrowserWindow(mainWindowOptions({ preloadPath: PRELOAD_PATH, iconPath: windowIconPath(), bounds: restored.bounds }));
  mainWindow = win;
  if (restored.maximized) win.maximize();
  const showOnReady = !startHidden;
  startHidden = false;
  win.once('ready-to-show', () => {
    if (showOnReady) win.show();
  });

  let saveTimer: NodeJS.Timeout | null = null;
  const rememberBounds = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = setTimeout(() => saveWindowState(win), 500);
  };
  win.on('resize', rememberBounds);
  win.on('move', rememberBounds);
  win.on('close', (event) => {
    if (saveTimer) clearTimeout(saveTimer);
    saveWindowState(win);
    const behavior = closeBehavior({ quitting, hasTray: tray !== null, hintShown: shellState.closeHintShown });
    if (behavior.action === 'close') return;
    event.preventDefault();
    win.hide();
    if (behavior.showHint) showCloseToTrayHint();
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    logFile.error('window', `renderer gone (${details.reason}); reloading`, undefined, { exitCode: details.exitCode });
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) void loadRenderer(win, null);
  });
  void loadRenderer(win, route);
  return win;
}

async function loadRenderer(win: BrowserWindow, route: string | null): Promise<void> {
  try {
    if (DEV_SERVER_URL) await win.loadURL(route ? (urlWithRoute(DEV_SERVER_URL, route) ?? DEV_SERVER_URL) : DEV_SERVER_URL);
    else await win.loadFile(RENDERER_HTML, route ? { hash: route.slice(1) } : {});
  } catch (error) {
    logFile.error('window', 'could not load the renderer', error);
  }
}

function saveWindowState(win: BrowserWindow): void {
  if (win.isDestroyed()) return;
  const state = windowStateToSave({ normalBounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() });
  if (state) updateShellState({ window: state });
}

function updateShellState(patch: Partial<ShellState>): void {
  shellState = { ...shellState, ...patch };
  try {
    saveShellState(dataDir, shellState);
  } catch (error) {
    logFile.warn('shell', 'could not save the window state', error);
  }
}

function showWindow(): BrowserWindow {
  // a new window shows itself on ready-to-show (no blank frame)
  if (!mainWindow || mainWindow.isDestroyed()) return createWindow();
  const win = mainWindow;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  return win;
}

/** Shows the window at a renderer route (e.g. the inbox), loading it there if it is not open yet. */
function openRoute(route: string | null): void {
  const existing = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  if (!existing) {
    createWindow(route);
    return;
  }
  showWindow();
  if (!route) return;
  const target = urlWithRoute(existing.webContents.getURL(), route);
  // only the hash changes: the page stays loaded and its router follows
  if (target) void existing.webContents.loadURL(target).catch((error: unknown) => logFile.warn('window', `could not open ${route}`, error));
}

// ---------------------------------------------------------------------------------------------
// Menu

function setApplicationMenu(): void {
  const model = appMenuModel({ platform: process.platform, appName: APP_TITLE, devTools: !app.isPackaged });
  app.setAboutPanelOptions({ applicationName: APP_TITLE, applicationVersion: app.getVersion() });
  Menu.setApplicationMenu(Menu.buildFromTemplate(model.map(toMenuItem)));
}

function toMenuItem(item: AppMenuItem): MenuItemConstructorOptions {
  if ('type' in item) return { type: 'separator' };
  if ('submenu' in item) return { label: item.label, ...(item.role ? { role: item.role } : {}), submenu: item.submenu.map(toMenuItem) };
  if ('action' in item) return { label: item.label, click: () => void onMenuAction(item.action) };
  return { role: item.role, ...(item.label ? { label: item.label } : {}) };
}

async function onMenuAction(action: AppMenuAction): Promise<void> {
  switch (action) {
    case 'open-logs':
      mkdirSync(logFile.dir, { recursive: true });
      await openFolder(logFile.dir);
      return;
    case 'open-data':
      await openFolder(dataDir);
      return;
    case 'open-window':
      showWindow();
      return;
    case 'run-due':
      await onTrayAction('tick');
      return;
    case 'about':
      app.showAboutPanel();
      return;
  }
}

async function openFolder(path: string): Promise<void> {
  const error = await shell.openPath(path);
  if (error) logFile.warn('shell', `could not open ${path}: ${error}`);
}

// ---------------------------------------------------------------------------------------------
// Tray

function createTray(): void {
  try {
    tray = new Tray(trayImage());
  } catch (error) {
    // Some Linux desktops have no status area; the window then behaves like a normal window.
    logFile.warn('tray', 'not available; closing the window will quit', error);
    tray = null;
    return;
  }
  tray.on('click', () => showWindow());
  updateTray();
}

function trayImage(): NativeImage {
  const size = process.platform === 'darwin' ? 18 : 32;
  const badge = trayState.pendingProposals > 0 && trayState.engineError === null;
  return nativeImage.createFromBitmap(trayIconBitmap(size, { paused: trayState.paused, badge }), { width: size, height: size });
}

function updateTray(): void {
  if (!tray || tray.isDestroyed()) return;
  const template: MenuItemConstructorOptions[] = trayMenuModel(trayState).map((item) =>
    item.type === 'separator'
      ? { type: 'separator' }
      : {
          id: item.id,
          label: item.label,
          enabled: item.enabled,
          ...(item.toolTip ? { toolTip: item.toolTip } : {}),
          ...(item.action ? { click: () => void onTrayAction(item.action!) } : {}),
        },
  );
  tray.setContextMenu(Menu.buildFromTemplate(template));
  tray.setToolTip(trayTooltip(trayState));
  tray.setImage(trayImage());
}

async function onTrayAction(action: TrayAction): Promise<void> {
  try {
    switch (action) {
      case 'open':
        showWindow();
        return;
      case 'inbox':
        openRoute(ROUTES.inbox);
        return;
      case 'quit':
        quitting = true;
        app.quit();
        return;
      case 'tick':
        if (!engine || tickInFlight) return;
        tickInFlight = true;
        trayState = { ...trayState, busy: true };
        updateTray();
        try {
          await engine.call('runner.tick', {});
        } finally {
          tickInFlight = false;
          await refreshTrayFromEngine();
        }
        return;
      case 'pause':
      case 'resume':
        if (!engine) return;
        applyStatus(await engine.call('runner.setPaused', { paused: action === 'pause' }));
        return;
    }
  } catch (error) {
    logFile.warn('tray', `${action} failed`, error);
  }
}

function applyStatus(status: RunnerStatus): void {
  trayState = {
    ...trayState,
    paused: status.paused,
    busy: tickInFlight,
    planning: status.running.length,
    pendingProposals: status.pendingProposals,
    llmConfigured: status.llm.configured,
    llmError: status.llm.lastError,
  };
  updateTray();
}

async function refreshTrayFromEngine(): Promise<void> {
  if (!engine) return;
  try {
    applyStatus(await engine.call('runner.status', {}));
  } catch (error) {
    logFile.warn('tray', 'could not read the runner status', error);
  }
}

/** Decisions in the inbox change the pending count without a runner.status event: re-read, coalesced. */
let refreshTimer: NodeJS.Timeout | null = null;
function refreshTraySoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void refreshTrayFromEngine();
  }, 300);
}

// ---------------------------------------------------------------------------------------------
// Engine events: to every window, to the tray, and as notifications when nobody is looking.

function onEngineEvent(event: EventName, payload: unknown): void {
  try {
    broadcastEvent(event, payload);
  } catch (error) {
    logFile.warn('ipc', `could not broadcast ${event}`, error);
  }
  if (event === 'runner.status') applyStatus(payload as RunnerStatus);
  else if (event === 'sync.changed') refreshTraySoon();
  if (event === 'mission.attention') logFile.warn('runner', 'a mission needs attention', undefined, payload as Record<string, unknown>);
  const focused = mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.isVisible() && mainWindow.isFocused();
  const note = notificationFor(event, payload, focused);
  if (note) notify(note);
}

/** Shown notifications are kept referenced: a collected Notification loses its click handler. */
const liveNotifications = new Set<Notification>();

function notify(note: NotificationModel): boolean {
  if (!Notification.isSupported()) return false;
  const n = new Notification({ title: note.title, body: note.body, silent: false });
  liveNotifications.add(n);
  n.on('click', () => {
    liveNotifications.delete(n);
    openRoute(note.route);
  });
  n.on('close', () => liveNotifications.delete(n));
  n.show();
  return true;
}

function showCloseToTrayHint(): void {
  // marked as shown only when it could be shown, so a system without notifications is not "hinted"
  if (notify(closeToTrayHint(process.platform))) updateShellState({ closeHintShown: true });
}

// ---------------------------------------------------------------------------------------------
// Launch at login (shell.getPreferences / shell.setPreferences)

function loginItemEnv(): LoginItemEnv {
  return {
    platform: process.platform,
    isPackaged: app.isPackaged,
    execPath: process.execPath,
    appImage: process.env.APPIMAGE ?? null,
    configHome: process.env.XDG_CONFIG_HOME || join(homedir(), '.config'),
    appName: APP_TITLE,
  };
}

function shellPreferences(): ShellPreferences {
  const env = loginItemEnv();
  const unavailable = loginItemUnavailable(env);
  let launchAtLogin = false;
  if (!unavailable) {
    launchAtLogin = env.platform === 'linux' ? existsSync(autostartFile(env.configHome)) : app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
  }
  return { available: true, launchAtLogin, launchAtLoginUnavailable: unavailable };
}

function setShellPreferences(input: { launchAtLogin: boolean }): ShellPreferences {
  const plan = loginItemPlan(input.launchAtLogin, loginItemEnv());
  switch (plan.kind) {
    case 'unsupported':
      throw new ApiError('UNAVAILABLE', plan.reason);
    case 'os':
      app.setLoginItemSettings(plan.settings);
      break;
    case 'xdg':
      try {
        if (plan.content === null) rmSync(plan.file, { force: true });
        else {
          mkdirSync(dirname(plan.file), { recursive: true });
          writeFileSync(plan.file, plan.content);
        }
      } catch (error) {
        throw new ApiError('INTERNAL', `Could not change ${plan.file}: ${(error as Error).message}`);
      }
      break;
  }
  logFile.info('shell', `launch at login ${input.launchAtLogin ? 'on' : 'off'}`, { via: plan.kind });
  return shellPreferences();
}

// ---------------------------------------------------------------------------------------------

async function explainEngineError(message: string): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: 'Mission Companion cannot open its data',
    message: 'Mission Companion cannot open its data.',
    detail: `${message}\n\nData folder: ${dataDir}\nLogs: ${logFile.dir}`,
    buttons: ['Open data folder', 'Quit', 'Continue'],
    defaultId: 0,
    cancelId: 2,
  });
  if (response === 0) void openFolder(dataDir);
  if (response === 1) {
    quitting = true;
    app.quit();
  }
}
