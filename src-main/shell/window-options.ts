/**
 * The main window's options and the navigation/new-window/permission decisions, as pure functions
 * (no `electron` import at runtime) so that vitest checks the security settings.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { isTrustedSender, originOf } from '../host/ipc-core';
import type { RestoredWindowState, WindowSize } from './window-state';

export const APP_TITLE = 'Mission Companion';
export const WINDOW_SIZE: WindowSize = { width: 1280, height: 840, minWidth: 800, minHeight: 560 };

export function mainWindowOptions(options: {
  preloadPath: string;
  iconPath?: string | null;
  /** remembered bounds (see restoreWindowState); default: WINDOW_SIZE, centred */
  bounds?: RestoredWindowState['bounds'];
}): BrowserWindowConstructorOptions {
  return {
    title: APP_TITLE,
    width: WINDOW_SIZE.width,
    height: WINDOW_SIZE.height,
    ...(options.bounds ?? {}),
    minWidth: WINDOW_SIZE.minWidth,
    minHeight: WINDOW_SIZE.minHeight,
    // shown on ready-to-show, so the user never sees a blank white window
    show: false,
    backgroundColor: '#111318',
    autoHideMenuBar: true,
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    },
  };
}

/** http(s) URLs only, parsed (not string-matched); anything else is never handed to the OS. */
export function externalHttpUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!parsed.hostname) return null;
  return parsed.href;
}

export type NavigationDecision = { allow: true } | { allow: false; openExternal: string | null };

/**
 * `will-navigate`: the window stays on the app. A navigation within the app's own origin(s) is
 * allowed (reload, dev server routes); anything else is prevented, and an http(s) target opens in
 * the user's browser instead.
 */
export function decideNavigation(targetUrl: string, allowedOrigins: readonly string[]): NavigationDecision {
  if (isTrustedSender(targetUrl, true, allowedOrigins)) return { allow: true };
  return { allow: false, openExternal: externalHttpUrl(targetUrl) };
}

/** `setWindowOpenHandler`: never a new Electron window; http(s) links go to the user's browser. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternal: string | null } {
  return { action: 'deny', openExternal: externalHttpUrl(url) };
}

/** Web permissions the renderer may get: only writing to the clipboard (copy buttons). */
const GRANTED_PERMISSIONS = new Set(['clipboard-sanitized-write']);

export function decidePermission(permission: string, requestingUrl: string | null | undefined, allowedOrigins: readonly string[]): boolean {
  if (!GRANTED_PERMISSIONS.has(permission)) return false;
  return typeof requestingUrl === 'string' && isTrustedSender(requestingUrl, true, allowedOrigins);
}

/**
 * What closing the window does: hide to the tray (the runner keeps working) unless quitting or
 * there is no tray; the first time it hides, say so once (the user may think the app quit).
 */
export function closeBehavior(state: { quitting: boolean; hasTray: boolean; hintShown: boolean }): { action: 'hide' | 'close'; showHint: boolean } {
  if (state.quitting || !state.hasTray) return { action: 'close', showHint: false };
  return { action: 'hide', showHint: !state.hintShown };
}

export { originOf };
