/**
 * The exact command that prints a fresh sign-in URL for a running headless host, for the way it was
 * started: `npm start -- url …`, `npm run serve -- url …` (the scripts set COMPANION_LAUNCHER), or
 * the same program and script this process runs (`node out/main/cli.js url …`, a packaged binary).
 * Only the options that find this host are added: a data dir other than the default, a port other
 * than 5177, a bind address other than 127.0.0.1.
 */

export const DEFAULT_PORT = 5177;
export const DEFAULT_BIND = '127.0.0.1';

/** How the scripts say who started the host (scripts/start.mjs, scripts/serve.mjs). */
export const LAUNCHERS = { 'npm start': 'npm start --', 'npm run serve': 'npm run serve --' } as const;

export interface SignInCommandInput {
  /** $COMPANION_LAUNCHER: 'npm start' or 'npm run serve' (anything else is ignored) */
  launcher: string | undefined;
  /** process.execPath and the script (process.argv[1]), for a host started another way */
  execPath: string;
  script: string | undefined;
  dataDir: string;
  defaultDataDir: string;
  port: number;
  host: string;
  platform: NodeJS.Platform;
}

/** A word as a shell reads it back: as is when it is plain, else quoted. */
export function shellWord(word: string, platform: NodeJS.Platform): string {
  if (/^[\w./:=@%+,-]+$/.test(word)) return word;
  if (platform === 'win32') return `"${word.replace(/"/g, '""')}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function signInCommand(input: SignInCommandInput): string {
  const word = (w: string) => shellWord(w, input.platform);
  const launcher = LAUNCHERS[input.launcher as keyof typeof LAUNCHERS];
  const program = launcher ?? [input.execPath, ...(input.script ? [input.script] : [])].map(word).join(' ');
  const options: string[] = [];
  if (input.dataDir !== input.defaultDataDir) options.push('--data-dir', word(input.dataDir));
  if (input.port !== DEFAULT_PORT) options.push('--port', String(input.port));
  if (input.host !== DEFAULT_BIND) options.push('--host', word(input.host));
  return [program, 'url', ...options].join(' ');
}
