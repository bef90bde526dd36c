import { describe, expect, it } from 'vitest';
import { shellWord, signInCommand, type SignInCommandInput } from './sign-in-command';

const base: SignInCommandInput = {
  launcher: undefined,
  execPath: '/usr/bin/node',
  script: '/home/me/mission-companion/out/main/cli.js',
  dataDir: '/home/me/.local/share/mission-companion',
  defaultDataDir: '/home/me/.local/share/mission-companion',
  port: 5177,
  host: '127.0.0.1',
  platform: 'linux',
};

describe('the command that prints a fresh sign-in URL', () => {
  it('follows how the host was started', () => {
    expect(signInCommand({ ...base, launcher: 'npm start' })).toBe('npm start -- url');
    expect(signInCommand({ ...base, launcher: 'npm run serve' })).toBe('npm run serve -- url');
    expect(signInCommand(base)).toBe('/usr/bin/node /home/me/mission-companion/out/main/cli.js url');
    // a packaged binary runs its own script the same way; an unknown launcher is not trusted
    expect(signInCommand({ ...base, launcher: 'rm -rf', execPath: '/opt/Mission Companion/mission-companion', script: undefined })).toBe("'/opt/Mission Companion/mission-companion' url");
  });

  it('adds only the options that find this host', () => {
    expect(signInCommand({ ...base, launcher: 'npm run serve', dataDir: "/srv/it's here", port: 8080, host: '0.0.0.0' })).toBe(
      "npm run serve -- url --data-dir '/srv/it'\\''s here' --port 8080 --host 0.0.0.0",
    );
  });

  it('quotes words for the shell of the platform', () => {
    expect(shellWord('/plain/path-1.2', 'linux')).toBe('/plain/path-1.2');
    expect(shellWord('C:\\Users\\Me\\Mission Companion', 'win32')).toBe('"C:\\Users\\Me\\Mission Companion"');
    expect(shellWord('$(reboot)', 'linux')).toBe("'$(reboot)'");
  });
});
