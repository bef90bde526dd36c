/**
 * The main window: created hidden and shown on ready-to-show, bounds remembered (debounced) and
 * restored, hidden to the tray on close, reloaded when its renderer dies, opened at a route.
 */
import type * as Electron from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { urlWithRoute } from '../shell/notifications';
import { closeBehavior, mainWindowOptions, WINDOW_SIZE } from '../shell/window-options';
import { restoreWindowState, windowStateToSave } from '../shell/window-state';
import type { TimerHandle } from '../timers';
import type { ShellContext } from './context';

/** How long the bounds must rest before they are written (moving a window fires many events). */
export const SAVE_BOUNDS_AFTER_MS = 500;

export interface WindowController {
  create(route?: string | null): Electron.BrowserWindow;
  /** shows (and focuses) the window, creating it if there is none */
  show(): Electron.BrowserWindow;
  /** shows the window at a renderer route (e.g. the inbox), loading it there if it is not open yet */
  openRoute(route: string | null): void;
}

export function createWindowController(ctx: ShellContext, hooks: { closedToTray(): void }): WindowController {
  const { app, BrowserWindow, screen } = ctx.electron;

  function iconPath(): string | null {
    // macOS and Windows take the icon from the app bundle; Linux window managers want it per window.
    if (ctx.deps.platform !== 'linux') return null;
    const icon = join(app.getAppPath(), 'build', 'icons', '256x256.png');
    return existsSync(icon) ? icon : null;
  }

  async function loadRenderer(win: Electron.BrowserWindow, route: string | null): Promise<void> {
    try {
      const dev = ctx.devServerUrl;
      if (dev) await win.loadURL(route ? (urlWithRoute(dev, route) ?? dev) : dev);
      else await win.loadFile(ctx.deps.rendererHtml, route ? { hash: route.slice(1) } : {});
    } catch (error) {
      ctx.logFile.error('window', 'could not load the renderer', error);
    }
  }

  function saveBounds(win: Electron.BrowserWindow): void {
    if (win.isDestroyed()) return;
    const state = windowStateToSave({ normalBounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() });
    if (state) ctx.updateSaved({ window: state });
  }

  function create(route: string | null = null): Electron.BrowserWindow {
    const workAreas = [screen.getPrimaryDisplay(), ...screen.getAllDisplays()].map((d) => d.workArea);
    const restored = restoreWindowState(ctx.saved.window, workAreas, WINDOW_SIZE);
    const win = new BrowserWindow(mainWindowOptions({ preloadPath: ctx.deps.preloadPath, iconPath: iconPath(), bounds: restored.bounds }));
    ctx.mainWindow = win;
    if (restored.maximized) win.maximize();
    const showOnReady = !ctx.startHidden;
    ctx.startHidden = false;
    win.once('ready-to-show', () => {
      if (showOnReady) win.show();
    });

    let saveTimer: TimerHandle | null = null;
    const rememberBounds = () => {
      ctx.timers.clearTimeout(saveTimer);
      saveTimer = ctx.timers.setTimeout(() => saveBounds(win), SAVE_BOUNDS_AFTER_MS);
    };
    win.on('resize', rememberBounds);
    win.on('move', rememberBounds);
    win.on('close', (event) => {
      ctx.timers.clearTimeout(saveTimer);
      saveBounds(win);
      const behavior = closeBehavior({ quitting: ctx.quitting, hasTray: ctx.tray !== null, hintShown: ctx.saved.closeHintShown });
      if (behavior.action === 'close') return;
      event.preventDefault();
      win.hide();
      if (behavior.showHint) hooks.closedToTray();
    });
    win.on('closed', () => {
      if (ctx.mainWindow === win) ctx.mainWindow = null;
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      ctx.logFile.error('window', `renderer gone (${details.reason}); reloading`, undefined, { exitCode: details.exitCode });
      if (details.reason !== 'clean-exit' && !win.isDestroyed()) ctx.track(loadRenderer(win, null), 'reloading the renderer');
    });
    ctx.track(loadRenderer(win, route), 'loading the renderer');
    return win;
  }

  function show(): Electron.BrowserWindow {
    // a new window shows itself on ready-to-show (no blank frame)
    const win = ctx.mainWindow;
    if (!win || win.isDestroyed()) return create();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return win;
  }

  function openRoute(route: string | null): void {
    const existing = ctx.mainWindow && !ctx.mainWindow.isDestroyed() ? ctx.mainWindow : null;
    if (!existing) {
      create(route);
      return;
    }
    show();
    if (!route) return;
    const target = urlWithRoute(existing.webContents.getURL(), route);
    // only the hash changes: the page stays loaded and its router follows
    if (target) {
      ctx.track(
        existing.webContents.loadURL(target).catch((error: unknown) => ctx.logFile.warn('window', `could not open ${route}`, error)),
        `opening ${route}`,
      );
    }
  }

  return { create, show, openRoute };
}
