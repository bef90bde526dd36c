/**
 * The structured log: one JSON object per line in `<dataDir>/logs/companion.log`, rotated by size
 * (companion.log -> .1 -> .2 …, the oldest dropped). Used by the Electron shell and by the headless
 * CLI, so it imports Node only, never `electron`.
 *
 * Writes are synchronous appends: the volume is small (lifecycle, refused IPC calls, errors), and a
 * line written just before a crash must not sit in a buffer. Logging never throws: a log that
 * cannot be written is reported once on stderr and then skipped.
 */
import { appendFileSync, chmodSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactUrlCredentials } from '../../src-shared/url-credentials';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  /** ISO instant */
  t: string;
  level: LogLevel;
  /** the part of the app that speaks: app, engine, ipc, tray, host, … */
  scope: string;
  msg: string;
  err?: { name: string; message: string; stack?: string };
  [field: string]: unknown;
}

export const LOG_DIR = 'logs';
export const LOG_FILE = 'companion.log';
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_KEEP = 3;
/** a single line is cut to this, so one huge error cannot rotate the whole history away */
export const MAX_LINE_CHARS = 16 * 1024;

/** Field names whose values never reach the log, at any depth (keys, tokens, passwords). */
const SECRET_FIELD = /(api[-_]?key|token|secret|password|authorization|cookie)/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = SECRET_FIELD.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function errorFields(error: unknown): LogEntry['err'] {
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: typeof error, message: typeof error === 'string' ? error : safeJson(error) };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * One log line (with its newline). Secret-looking fields are redacted, and so is a user name or
 * password in any URL of the line; overlong lines are cut.
 */
export function formatLogLine(entry: LogEntry): string {
  const text = redactUrlCredentials(safeJson(redact(entry)));
  if (text.length <= MAX_LINE_CHARS) return `${text}\n`;
  const cut: LogEntry = { t: entry.t, level: entry.level, scope: entry.scope, msg: entry.msg.slice(0, MAX_LINE_CHARS / 2), truncated: true };
  if (entry.err) cut.err = { name: entry.err.name, message: entry.err.message.slice(0, MAX_LINE_CHARS / 4) };
  return `${redactUrlCredentials(safeJson(cut))}\n`;
}

/**
 * `[scope] message` (the shell's older log calls, and the secret store's and IPC core's `log`
 * callbacks) split into scope and message; anything else is in the fallback scope.
 */
export function splitScope(message: string, fallback: string): { scope: string; msg: string } {
  const m = /^\[([\w.-]{1,40})\]\s*([\s\S]*)$/.exec(message);
  return m ? { scope: m[1]!, msg: m[2]! } : { scope: fallback, msg: message };
}

/** The renames that rotate `file`, oldest first so none overwrites a file still to be moved. */
export function rotationSteps(file: string, keep: number): { drop: string; moves: [from: string, to: string][] } {
  const moves: [string, string][] = [];
  for (let i = keep - 1; i >= 1; i--) moves.push([`${file}.${i}`, `${file}.${i + 1}`]);
  moves.push([file, `${file}.1`]);
  return { drop: `${file}.${keep}`, moves };
}

/** Whether appending `lineBytes` to a file of `size` bytes must rotate first (never for an empty file). */
export function needsRotation(size: number, lineBytes: number, maxBytes: number): boolean {
  return size > 0 && size + lineBytes > maxBytes;
}

export interface LogFileOptions {
  /** the data dir; the log goes to `<dataDir>/logs/companion.log` */
  dataDir: string;
  maxBytes?: number;
  /** rotated files kept besides the current one */
  keep?: number;
  /** lowest level written (default info; COMPANION_LOG_LEVEL=debug for more) */
  minLevel?: LogLevel;
  now?: () => Date;
  /** also print each entry as a short human line (the CLI's stderr, the shell's console) */
  echo?: ((line: string, entry: LogEntry) => void) | null;
}

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class LogFile {
  readonly dir: string;
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly minRank: number;
  private readonly now: () => Date;
  private readonly echo: LogFileOptions['echo'];
  private size: number | null = null;
  private broken = false;

  constructor(options: LogFileOptions) {
    this.dir = join(options.dataDir, LOG_DIR);
    this.path = join(this.dir, LOG_FILE);
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
    this.minRank = LEVEL_RANK[options.minLevel ?? 'info'];
    this.now = options.now ?? (() => new Date());
    this.echo = options.echo ?? null;
  }

  debug(scope: string, msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', scope, msg, fields);
  }
  info(scope: string, msg: string, fields?: Record<string, unknown>): void {
    this.write('info', scope, msg, fields);
  }
  warn(scope: string, msg: string, error?: unknown, fields?: Record<string, unknown>): void {
    this.write('warn', scope, msg, fields, error);
  }
  error(scope: string, msg: string, error?: unknown, fields?: Record<string, unknown>): void {
    this.write('error', scope, msg, fields, error);
  }

  /** Written to the file only, never echoed (e.g. a start record that would clutter a terminal). */
  fileOnly(level: LogLevel, scope: string, msg: string, fields?: Record<string, unknown>): void {
    this.write(level, scope, msg, fields, undefined, false);
  }

  /** A `(message, error?)` callback for modules that log `[scope] message` strings. */
  callback(level: LogLevel, fallbackScope: string): (message: string, error?: unknown) => void {
    return (message, error) => {
      const { scope, msg } = splitScope(message, fallbackScope);
      this.write(level, scope, msg, undefined, error);
    };
  }

  write(level: LogLevel, scope: string, msg: string, fields?: Record<string, unknown>, error?: unknown, echo = true): void {
    const entry: LogEntry = { ...(fields ?? {}), t: this.now().toISOString(), level, scope, msg };
    if (error !== undefined) entry.err = errorFields(error);
    if (echo && this.echo) {
      try {
        this.echo(humanLine(entry), entry);
      } catch {
        // a closed stderr must not take the app down
      }
    }
    if (LEVEL_RANK[level] < this.minRank || this.broken) return;
    const line = formatLogLine(entry);
    try {
      this.append(line);
    } catch (e) {
      this.broken = true;
      try {
        process.stderr.write(`[log] cannot write ${this.path} (${(e as Error).message}); logging to the file is off until restart\n`);
      } catch {
        // nowhere left to say it
      }
    }
  }

  private append(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size === null) {
      // only the user reads the log (it names missions, errors, paths): the folder 0700, the files 0600
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.size = fileSize(this.path);
      tighten(this.dir, 0o700);
      if (this.size > 0) tighten(this.path, 0o600);
    }
    if (needsRotation(this.size, bytes, this.maxBytes)) {
      this.rotate();
      this.size = 0;
    }
    appendFileSync(this.path, line, { mode: 0o600 });
    this.size += bytes;
  }

  private rotate(): void {
    const { drop, moves } = rotationSteps(this.path, this.keep);
    rmSync(drop, { force: true });
    for (const [from, to] of moves) {
      try {
        renameSync(from, to);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
}

/** Takes group/other access away from what an older version left open; a file we may not chmod is still written. */
function tighten(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777 & ~mode) !== 0) chmodSync(path, mode);
  } catch {
    // not ours to change (or gone): logging goes on regardless
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Writes what would otherwise only reach stderr, or nothing at all, to the log: uncaught exceptions
 * and unhandled promise rejections of this process (Electron main, the headless host). Having a
 * listener also means Node no longer exits on them: a bug in a background callback is logged and
 * the app keeps running, its data safe in SQLite transactions. Returns a function that removes both
 * listeners.
 */
export function logProcessCrashes(log: Pick<LogFile, 'error'>, scope: string, target: NodeJS.EventEmitter = process): () => void {
  const onException = (error: unknown, origin?: string) => log.error(scope, `uncaught exception${origin && origin !== 'uncaughtException' ? ` (${origin})` : ''}; still running`, error);
  const onRejection = (reason: unknown) => log.error(scope, 'unhandled promise rejection; still running', reason);
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}

/** `12:03:04 warn [ipc] message: error` — what a person reads on a terminal. */
export function humanLine(entry: LogEntry): string {
  const time = entry.t.slice(11, 19);
  const err = entry.err ? `: ${entry.err.message}` : '';
  return `${time} ${entry.level} [${entry.scope}] ${entry.msg}${err}`;
}
