/**
 * The application menu as data (pure): standard roles, so copy/paste, zoom, full screen and the
 * macOS app menu behave as users expect and are translated by the OS, plus the app's own items.
 * src-main/desktop/menu.ts turns items with an `action` into click handlers.
 */
export type AppMenuAction = 'open-logs' | 'open-data' | 'open-window' | 'run-due' | 'about';

/** A subset of Electron's MenuItemConstructorOptions['role'] that we use (kept as strings here). */
export type AppMenuRole =
  | 'appMenu'
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'forceReload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front'
  | 'window';

export type AppMenuItem =
  | { type: 'separator' }
  | { role: AppMenuRole; label?: string }
  | { label: string; action: AppMenuAction; accelerator?: string }
  | { label: string; role?: 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'help'; submenu: AppMenuItem[] };

const sep: AppMenuItem = { type: 'separator' };

export function appMenuModel(options: { platform: NodeJS.Platform; appName: string; devTools: boolean }): AppMenuItem[] {
  const mac = options.platform === 'darwin';
  const appItems: AppMenuItem[] = [
    { label: 'Run Due Missions Now', action: 'run-due' },
    sep,
    { label: 'Open Logs Folder', action: 'open-logs' },
    { label: 'Open Data Folder', action: 'open-data' },
  ];
  const menu: AppMenuItem[] = [];
  if (mac) {
    menu.push({
      label: options.appName,
      submenu: [{ role: 'about' }, sep, ...appItems, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
    });
  }
  menu.push({
    label: 'File',
    role: 'fileMenu',
    // Closing the window hides it to the tray; Quit is the way to stop the runner.
    submenu: mac ? [{ role: 'close' }] : [...appItems, sep, { role: 'close', label: 'Close Window' }, { role: 'quit' }],
  });
  menu.push({
    label: 'Edit',
    role: 'editMenu',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      sep,
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
      { role: 'delete' },
      sep,
      { role: 'selectAll' },
    ],
  });
  menu.push({
    label: 'View',
    role: 'viewMenu',
    submenu: [
      { role: 'reload' },
      ...(options.devTools ? [{ role: 'forceReload' } as const, { role: 'toggleDevTools' } as const] : []),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  });
  menu.push({
    label: 'Window',
    role: 'windowMenu',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }, sep, { role: 'window' }] : [{ role: 'minimize' }, { role: 'close' }],
  });
  menu.push({
    label: 'Help',
    role: 'help',
    submenu: [{ label: 'Open Logs Folder', action: 'open-logs' }, ...(mac ? [] : [sep, { label: `About ${options.appName}`, action: 'about' } as const])],
  });
  return menu;
}

/** Every action reachable in a menu (for tests and for checking that each one has a handler). */
export function menuActions(items: readonly AppMenuItem[]): AppMenuAction[] {
  return items.flatMap((item) => ('submenu' in item ? menuActions(item.submenu) : 'action' in item ? [item.action] : []));
}
