import { describe, expect, it } from 'vitest';
import { autostartEntry, desktopExecArg, loginItemPlan, startedAtLogin, type LoginItemEnv } from './login-item';

const env = (over: Partial<LoginItemEnv> = {}): LoginItemEnv => ({
  platform: 'linux',
  isPackaged: true,
  execPath: '/opt/Mission Companion/mission-companion',
  appImage: null,
  configHome: '/home/ada/.config',
  appName: 'Mission Companion',
  ...over,
});

describe('launch at login', () => {
  it('uses the OS login items on macOS and Windows, starting hidden', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(loginItemPlan(true, env({ platform }))).toEqual({ kind: 'os', settings: { openAtLogin: true, args: ['--hidden'] } });
      expect(loginItemPlan(false, env({ platform }))).toEqual({ kind: 'os', settings: { openAtLogin: false, args: ['--hidden'] } });
    }
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const on = loginItemPlan(true, env());
    expect(on).toEqual({
      kind: 'xdg',
      file: '/home/ada/.config/autostart/mission-companion.desktop',
      content: expect.stringContaining('Exec="/opt/Mission Companion/mission-companion" --hidden\n'),
    });
    expect(loginItemPlan(false, env())).toEqual({ kind: 'xdg', file: '/home/ada/.config/autostart/mission-companion.desktop', content: null });
  });

  it('starts an AppImage from the AppImage file, not from its temporary mount', () => {
    const plan = loginItemPlan(true, env({ execPath: '/tmp/.mount_MissioXYZ/mission-companion', appImage: '/home/ada/Apps/Mission-Companion.AppImage' }));
    expect(plan.kind === 'xdg' && plan.content).toContain('Exec=/home/ada/Apps/Mission-Companion.AppImage --hidden');
  });

  it('is unavailable in a development run (it would register the bare Electron binary)', () => {
    expect(loginItemPlan(true, env({ isPackaged: false }))).toEqual({ kind: 'unsupported', reason: expect.stringMatching(/installed app/) });
    expect(loginItemPlan(true, env({ platform: 'freebsd' }))).toMatchObject({ kind: 'unsupported' });
  });

  it('knows when it was started by the login item', () => {
    expect(startedAtLogin(['/opt/x', '--hidden'], false)).toBe(true);
    expect(startedAtLogin(['/opt/x'], true)).toBe(true);
    expect(startedAtLogin(['/opt/x'], false)).toBe(false);
  });
});

describe('desktop entry', () => {
  it('quotes Exec arguments per the Desktop Entry Specification', () => {
    expect(desktopExecArg('/usr/bin/app')).toBe('/usr/bin/app');
    expect(desktopExecArg('/opt/My App/app')).toBe('"/opt/My App/app"');
    expect(desktopExecArg('/opt/a"b$c`d\\e/app')).toBe('"/opt/a\\"b\\$c\\`d\\\\e/app"');
    expect(desktopExecArg('/opt/100%/app')).toBe('/opt/100%%/app');
  });
  it('is a complete application entry', () => {
    const text = autostartEntry('/usr/bin/mission-companion', 'Mission Companion');
    expect(text.split('\n')).toEqual([
      '[Desktop Entry]',
      'Type=Application',
      'Name=Mission Companion',
      'Comment=Starts Mission Companion in the tray at login',
      'Exec=/usr/bin/mission-companion --hidden',
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ]);
  });
});
