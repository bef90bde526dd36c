/**
 * Electron entry: one desktop shell (./desktop/shell) for the real Electron and this process.
 * Everything the shell does is in ./desktop; this file only supplies what it needs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, safeStorage, screen, session, shell as desktop, Tray } from 'electron';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShell } from './desktop/shell';
import { logProcessCrashes } from './shell/log-file';

const here = dirname(fileURLToPath(import.meta.url));

export const shell = createShell({
  electron: { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, safeStorage, screen, session, shell: desktop, Tray },
  preloadPath: join(here, '../preload/preload.cjs'),
  rendererHtml: join(here, '../renderer/index.html'),
  env: process.env,
  argv: process.argv,
  platform: process.platform,
  execPath: process.execPath,
  homeDir: homedir(),
});

// what would otherwise be a bare dialog (or nothing) goes to the log; the app keeps running
logProcessCrashes(shell.logFile, 'app');

export const started = shell.start();
