/** The application menu (see ../shell/app-menu for its model) and what its own items do. */
import type * as Electron from 'electron';
import { mkdirSync } from 'node:fs';
import { appMenuModel, type AppMenuAction, type AppMenuItem } from '../shell/app-menu';
import { APP_TITLE } from '../shell/window-options';
import type { ShellContext } from './context';

export interface MenuActions {
  showWindow(): void;
  runDue(): Promise<void>;
}

export async function openFolder(ctx: ShellContext, path: string): Promise<void> {
  const error = await ctx.electron.shell.openPath(path);
  if (error) ctx.logFile.warn('shell', `could not open ${path}: ${error}`);
}

export function setApplicationMenu(ctx: ShellContext, actions: MenuActions): void {
  const { app, Menu } = ctx.electron;

  async function onAction(action: AppMenuAction): Promise<void> {
    switch (action) {
      case 'open-logs':
        mkdirSync(ctx.logFile.dir, { recursive: true });
        await openFolder(ctx, ctx.logFile.dir);
        return;
      case 'open-data':
        await openFolder(ctx, ctx.dataDir);
        return;
      case 'open-window':
        actions.showWindow();
        return;
      case 'run-due':
        await actions.runDue();
        return;
      case 'about':
        app.showAboutPanel();
        return;
    }
  }

  function toMenuItem(item: AppMenuItem): Electron.MenuItemConstructorOptions {
    if ('type' in item) return { type: 'separator' };
    if ('submenu' in item) return { label: item.label, ...(item.role ? { role: item.role } : {}), submenu: item.submenu.map(toMenuItem) };
    if ('action' in item) return { label: item.label, click: () => ctx.track(onAction(item.action), `menu: ${item.action}`) };
    return { role: item.role, ...(item.label ? { label: item.label } : {}) };
  }

  const model = appMenuModel({ platform: ctx.deps.platform, appName: APP_TITLE, devTools: !app.isPackaged });
  app.setAboutPanelOptions({ applicationName: APP_TITLE, applicationVersion: app.getVersion() });
  Menu.setApplicationMenu(Menu.buildFromTemplate(model.map(toMenuItem)));
}
