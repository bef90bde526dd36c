import { describe, expect, it } from 'vitest';
import { appMenuModel, menuActions, type AppMenuItem } from './app-menu';

const roles = (items: readonly AppMenuItem[]): string[] =>
  items.flatMap((i) => ('submenu' in i ? roles(i.submenu) : 'role' in i && i.role ? [i.role] : []));
const top = (items: readonly AppMenuItem[]) => items.map((i) => ('label' in i ? i.label : '-'));

describe('application menu', () => {
  it('on Linux and Windows: File, Edit, View, Window, Help with the usual roles', () => {
    for (const platform of ['linux', 'win32'] as const) {
      const menu = appMenuModel({ platform, appName: 'Mission Companion', devTools: false });
      expect(top(menu)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
      expect(roles(menu)).toEqual(
        expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'reload', 'zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen', 'minimize']),
      );
      expect(roles(menu)).not.toContain('toggleDevTools');
      expect(roles(menu)).not.toContain('appMenu');
    }
  });

  it('on macOS: the app menu first, with about/hide/quit', () => {
    const menu = appMenuModel({ platform: 'darwin', appName: 'Mission Companion', devTools: false });
    expect(top(menu)).toEqual(['Mission Companion', 'File', 'Edit', 'View', 'Window', 'Help']);
    const appMenu = menu[0] as Extract<AppMenuItem, { submenu: AppMenuItem[] }>;
    expect(roles(appMenu.submenu)).toEqual(['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit']);
    expect(roles(menu)).toContain('pasteAndMatchStyle');
  });

  it('offers "Open Logs Folder" everywhere, and dev tools only in development', () => {
    for (const platform of ['linux', 'win32', 'darwin'] as const) {
      expect(menuActions(appMenuModel({ platform, appName: 'X', devTools: false }))).toContain('open-logs');
    }
    expect(roles(appMenuModel({ platform: 'linux', appName: 'X', devTools: true }))).toContain('toggleDevTools');
  });

  it('has no empty submenus', () => {
    const check = (items: readonly AppMenuItem[]) => {
      for (const i of items) {
        if ('submenu' in i) {
          expect(i.submenu.length).toBeGreaterThan(0);
          check(i.submenu);
        }
      }
    };
    for (const platform of ['linux', 'darwin'] as const) check(appMenuModel({ platform, appName: 'X', devTools: false }));
  });
});
