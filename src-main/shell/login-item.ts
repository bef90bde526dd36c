/**
 * Launch at login, decided here (pure) and applied by src-main/desktop/login-preferences.ts. macOS and Windows have
 * `app.setLoginItemSettings`; on Linux Electron does not implement it, so the freedesktop way is
 * used: a `.desktop` file in `$XDG_CONFIG_HOME/autostart`. A login start passes `--hidden`, so the
 * app starts in the tray instead of opening its window on every login.
 */
import { join } from 'node:path';

export const HIDDEN_ARG = '--hidden';
export const AUTOSTART_FILE = 'mission-companion.desktop';

export interface LoginItemEnv {
  platform: NodeJS.Platform;
  /** app.isPackaged: a development run would register the bare Electron binary */
  isPackaged: boolean;
  /** process.execPath */
  execPath: string;
  /** $APPIMAGE: an AppImage's execPath is inside a mount that disappears when it quits */
  appImage?: string | null;
  /** $XDG_CONFIG_HOME, else ~/.config */
  configHome: string;
  appName: string;
}

export type LoginItemPlan =
  | { kind: 'os'; settings: { openAtLogin: boolean; args: string[] } }
  | { kind: 'xdg'; file: string; content: string | null }
  | { kind: 'unsupported'; reason: string };

/** Why launch at login cannot be set here, or null when it can. */
export function loginItemUnavailable(env: LoginItemEnv): string | null {
  if (!env.isPackaged) return 'Launch at login is available in the installed app, not in a development run.';
  if (env.platform !== 'darwin' && env.platform !== 'win32' && env.platform !== 'linux') return `Launch at login is not supported on ${env.platform}.`;
  return null;
}

export function autostartFile(configHome: string): string {
  return join(configHome, 'autostart', AUTOSTART_FILE);
}

/** How to turn launch at login on or off on this system. */
export function loginItemPlan(enabled: boolean, env: LoginItemEnv): LoginItemPlan {
  const reason = loginItemUnavailable(env);
  if (reason) return { kind: 'unsupported', reason };
  if (env.platform !== 'linux') return { kind: 'os', settings: { openAtLogin: enabled, args: [HIDDEN_ARG] } };
  const exec = env.appImage || env.execPath;
  return { kind: 'xdg', file: autostartFile(env.configHome), content: enabled ? autostartEntry(exec, env.appName) : null };
}

/**
 * One argument of a desktop entry's Exec key: quoted when it holds reserved characters, with `"`,
 * `` ` ``, `$` and `\` escaped inside the quotes (Desktop Entry Specification, "The Exec key"),
 * and `%` doubled because it starts field codes.
 */
export function desktopExecArg(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escapedPercent)) return escapedPercent;
  return `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(exec: string, appName: string): string {
  const name = appName.replace(/[\r\n]/g, ' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    `Comment=Starts ${name} in the tray at login`,
    `Exec=${desktopExecArg(exec)} ${HIDDEN_ARG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Whether this start came from the login item: then the window stays hidden (tray only). */
export function startedAtLogin(argv: readonly string[], macWasOpenedAtLogin: boolean): boolean {
  return argv.includes(HIDDEN_ARG) || macWasOpenedAtLogin;
}
