/**
 * Launch at login (api: shell.getPreferences / shell.setPreferences): the system's login items on
 * macOS and Windows, an XDG autostart entry on Linux; only in the installed app (see ../shell/login-item).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiError, type ShellPreferences } from '../../src-shared/api';
import { autostartFile, HIDDEN_ARG, loginItemPlan, loginItemUnavailable, type LoginItemEnv } from '../shell/login-item';
import { APP_TITLE } from '../shell/window-options';
import type { ShellContext } from './context';

function loginItemEnv(ctx: ShellContext): LoginItemEnv {
  const { deps } = ctx;
  return {
    platform: deps.platform,
    isPackaged: ctx.electron.app.isPackaged,
    execPath: deps.execPath,
    appImage: deps.env.APPIMAGE ?? null,
    configHome: deps.env.XDG_CONFIG_HOME || join(deps.homeDir, '.config'),
    appName: APP_TITLE,
  };
}

export function shellPreferences(ctx: ShellContext): ShellPreferences {
  const env = loginItemEnv(ctx);
  const unavailable = loginItemUnavailable(env);
  let launchAtLogin = false;
  if (!unavailable) {
    launchAtLogin =
      env.platform === 'linux' ? existsSync(autostartFile(env.configHome)) : ctx.electron.app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
  }
  return { available: true, launchAtLogin, launchAtLoginUnavailable: unavailable };
}

export function setShellPreferences(ctx: ShellContext, input: { launchAtLogin: boolean }): ShellPreferences {
  const plan = loginItemPlan(input.launchAtLogin, loginItemEnv(ctx));
  switch (plan.kind) {
    case 'unsupported':
      throw new ApiError('UNAVAILABLE', plan.reason);
    case 'os':
      ctx.electron.app.setLoginItemSettings(plan.settings);
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
  ctx.logFile.info('shell', `launch at login ${input.launchAtLogin ? 'on' : 'off'}`, { via: plan.kind });
  return shellPreferences(ctx);
}
