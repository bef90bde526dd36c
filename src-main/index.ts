/**
 * Electron entry: lifecycle, window, tray, notifications, safeStorage; wires the engine to IPC.
 * Decisions live in pure, unit-tested modules (./shell/*, ./host/ipc-core); this file adapts them
 * to Electron's objects. The engine never imports electron.
 *
 * Data dir: app.getPath('userData'), or $COMPANION_DATA_DIR (tests, portable use).
 */
import { app, BrowserWindow, dialog, Menu, nativeImage, Notification, safeStorage, session, shell, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ApiError, type EventName, type MethodName, type RunnerStatus } from '../src-shared/api';
import { createEngine, type Engine } from './engine';
import { allowedRendererOrigins } from './host/ipc-core';
import { broadcastEvent, registerValidatedIpc } from './host/ipc';
import { notificationFor } from './shell/notifications';
import { SafeStorageSecretStore } from './shell/secret-store';
import { trayIconBitmap } from './shell/tray-icon';
import { trayMenuModel, trayTooltip, type TrayAction, type TrayState } from './shell/tray-model';
import { closeBehavior, decideNavigation, decidePermission, decideWindowOpen, mainWindowOptions } from './shell/window-options';

const here = dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = join(here, '../preload/preload.cjs');
const RENDERER_HTML = join(here, '../renderer/index.html');
const DEV_SERVER_URL = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
const ALLOWED_ORIGINS = allowedRendererOrigins({
  devServerUrl: DEV_SERVER_URL,
  rendererDirUrl: pathToFileURL(dirname(RENDERER_HTML)).href + '/',
});

const dataDir = resolve(process.env.COMPANION_DATA_DIR || app.getPath('userData'));
if (process.env.COMPANION_DATA_DIR) {
  // keep Chromium's profile (IndexedDB replica, caches) next to the data, so a test dir is self-contained
  mkdirSync(dataDir, { recursive: true });
  app.setPath('userData', dataDir);
}

let engine: Engine | null = null;
let engineError: string | null = null;
let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let quitting = false;
let engineClosed = false;
let tickInFlight = false;
let trayState: TrayState = { paused: false, busy: false, pendingProposals: 0, llmConfigured: false, llmError: null, engineError: null };

function log(message: string, error?: unknown): void {
  if (error === undefined) console.warn(message);
  else console.warn(message, error);
}

// ---------------------------------------------------------------------------------------------
// Single instance: a second launch focuses the running one.

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  main().catch((error: unknown) => {
    log('[app] could not start', error);
    dialog.showErrorBox('Mission Companion could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

async function main(): Promise<void> {
  hardenWebContents();
  await app.whenReady();
  Menu.setApplicationMenu(process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]) : null);
  denyPermissions();

  const secrets = await SafeStorageSecretStore.open(dataDir, safeStorage, { log });
  if (secrets.warning) log(`[secrets] ${secrets.warning}`);
  try {
    engine = createEngine({ dataDir, secrets });
  } catch (error) {
    engineError = error instanceof Error ? error.message : String(error);
    log('[engine] could not start', error);
  }

  registerValidatedIpc({ dispatch, allowedOrigins: ALLOWED_ORIGINS, log });
  if (engine) {
    engine.on(onEngineEvent);
    void refreshTrayFromEngine();
  }
  trayState = { ...trayState, engineError };

  createTray();
  createWindow();
  if (engineError) void explainEngineError(engineError);

  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    // With a tray the app (and its runner) keeps going; without one, closing the last window quits.
    if (!tray) app.quit();
  });
  app.on('before-quit', (event) => {
    quitting = true;
    if (engineClosed || !engine) return;
    event.preventDefault();
    const closing = engine;
    engine = null;
    void closing
      .close()
      .catch((error: unknown) => log('[engine] close failed', error))
      .finally(() => {
        engineClosed = true;
        app.quit();
      });
  });
}

async function dispatch(method: MethodName, input: unknown): Promise<unknown> {
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

function denyPermissions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl ?? contents.getURL(), ALLOWED_ORIGINS));
  });
  ses.setPermissionCheckHandler((contents, permission, _requestingOrigin, details) =>
    decidePermission(permission, details.requestingUrl ?? contents?.getURL() ?? null, ALLOWED_ORIGINS),
  );
}

// ---------------------------------------------------------------------------------------------
// Window

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions({ preloadPath: PRELOAD_PATH }));
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    if (closeBehavior({ quitting, hasTray: tray !== null }) === 'hide') {
      event.preventDefault();
      win.hide();
    }
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('render-process-gone', (_event, details) => {
    log(`[window] renderer gone (${details.reason}); reloading`);
    if (details.reason !== 'clean-exit' && !win.isDestroyed()) void loadRenderer(win);
  });
  void loadRenderer(win);
  return win;
}

async function loadRenderer(win: BrowserWindow): Promise<void> {
  try {
    if (DEV_SERVER_URL) await win.loadURL(DEV_SERVER_URL);
    else await win.loadFile(RENDERER_HTML);
  } catch (error) {
    log('[window] could not load the renderer', error);
  }
}

function showWindow(): void {
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : createWindow();
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

// ---------------------------------------------------------------------------------------------
// Tray

function createTray(): void {
  try {
    tray = new Tray(trayImage());
  } catch (error) {
    // Some Linux desktops have no status area; the window then behaves like a normal window.
    log('[tray] not available; closing the window will quit', error);
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
      case 'quit':
        quitting = true;
        app.quit();
        return;
      case 'tick':
        if (!engine) return;
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
    log(`[tray] ${action} failed`, error);
  }
}

function applyStatus(status: RunnerStatus): void {
  trayState = {
    ...trayState,
    paused: status.paused,
    busy: tickInFlight || status.running.length > 0,
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
    log('[tray] could not read the runner status', error);
  }
}

// ---------------------------------------------------------------------------------------------
// Engine events: to every window, to the tray, and as notifications when nobody is looking.

function onEngineEvent(event: EventName, payload: unknown): void {
  try {
    broadcastEvent(event, payload);
  } catch (error) {
    log(`[ipc] could not broadcast ${event}`, error);
  }
  if (event === 'runner.status') {
    applyStatus(payload as RunnerStatus);
  }
  const focused = mainWindow !== null && !mainWindow.isDestroyed() && mainWindow.isVisible() && mainWindow.isFocused();
  const note = notificationFor(event, payload, focused);
  if (note && Notification.isSupported()) {
    const n = new Notification({ title: note.title, body: note.body, silent: false });
    n.on('click', () => showWindow());
    n.show();
  }
}

async function explainEngineError(message: string): Promise<void> {
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: 'Mission Companion cannot open its data',
    message: 'Mission Companion cannot open its data.',
    detail: `${message}\n\nData folder: ${dataDir}`,
    buttons: ['Open data folder', 'Quit', 'Continue'],
    defaultId: 0,
    cancelId: 2,
  });
  if (response === 0) void shell.openPath(dataDir);
  if (response === 1) {
    quitting = true;
    app.quit();
  }
}
