/**
 * Electron entry: one desktop shell (./desktop/shell) for the real Electron and this process.
 * Everything the shell does is in ./desktop; this file only supplies what it needs.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, safeStorage, screen, session, shell as desktop, Tray } from 'electron';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createShell } from './desktop/shell';

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

process.on('unhandledRejection', (reason) => shell.logFile.error('app', 'unhandled promise rejection', reason));

export const started = shell.start();
