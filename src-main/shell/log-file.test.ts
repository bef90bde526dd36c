import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLogLine, humanLine, LogFile, logProcessCrashes, MAX_LINE_CHARS, needsRotation, rotationSteps, splitScope, type LogEntry } from './log-file';

const at = new Date('2026-11-21T12:03:04.005Z');
const entry = (over: Partial<LogEntry> = {}): LogEntry => ({ t: at.toISOString(), level: 'info', scope: 'app', msg: 'started', ...over });

describe('log lines', () => {
  it('are one JSON object per line', () => {
    const line = formatLogLine(entry({ version: '0.1.0' }));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ t: '2026-11-21T12:03:04.005Z', level: 'info', scope: 'app', msg: 'started', version: '0.1.0' });
  });
  it('never carry secret-looking fields', () => {
    const parsed = JSON.parse(formatLogLine(entry({ apiKey: 'sk-123', nested: { Authorization: 'Bearer x', ok: 1 }, headers: [{ 'x-token': 't' }] })));
    expect(parsed.apiKey).toBe('[redacted]');
    expect(parsed.nested).toEqual({ Authorization: '[redacted]', ok: 1 });
    expect(parsed.headers).toEqual([{ 'x-token': '[redacted]' }]);
  });
  it('never carry a password written into a URL, in the message, a field or an error', () => {
    const line = formatLogLine(
      entry({ msg: 'Cannot reach http://admin:hunter2@10.0.0.5/v1', endpoint: 'https://k:hunter2@x.org/v1', err: { name: 'Error', message: 'fetch http://u:hunter2@h failed' } }),
    );
    expect(line).not.toContain('hunter2');
    expect(JSON.parse(line)).toMatchObject({ msg: 'Cannot reach http://10.0.0.5/v1', endpoint: 'https://x.org/v1', err: { message: 'fetch http://h failed' } });
  });
  it('are cut when huge, and still parse', () => {
    const line = formatLogLine(entry({ msg: 'x'.repeat(MAX_LINE_CHARS * 2), err: { name: 'Error', message: 'y'.repeat(MAX_LINE_CHARS), stack: 'z'.repeat(MAX_LINE_CHARS) } }));
    expect(line.length).toBeLessThanOrEqual(MAX_LINE_CHARS);
    const parsed = JSON.parse(line);
    expect(parsed.truncated).toBe(true);
    expect(parsed.err.stack).toBeUndefined();
  });
  it('read as a short human line on a terminal', () => {
    expect(humanLine(entry({ level: 'warn', scope: 'ipc', msg: 'refused', err: { name: 'Error', message: 'boom' } }))).toBe('12:03:04 warn [ipc] refused: boom');
  });
  it('take their scope from a [scope] prefix', () => {
    expect(splitScope('[tray] not available', 'app')).toEqual({ scope: 'tray', msg: 'not available' });
    expect(splitScope('plain message', 'app')).toEqual({ scope: 'app', msg: 'plain message' });
  });
});

describe('rotation', () => {
  it('moves the oldest first and drops the last', () => {
    expect(rotationSteps('/l/c.log', 3)).toEqual({
      drop: '/l/c.log.3',
      moves: [
        ['/l/c.log.2', '/l/c.log.3'],
        ['/l/c.log.1', '/l/c.log.2'],
        ['/l/c.log', '/l/c.log.1'],
      ],
    });
    expect(rotationSteps('/l/c.log', 1)).toEqual({ drop: '/l/c.log.1', moves: [['/l/c.log', '/l/c.log.1']] });
  });
  it('happens when the next line would overflow, never for an empty file', () => {
    expect(needsRotation(0, 5000, 1024)).toBe(false);
    expect(needsRotation(1000, 24, 1024)).toBe(false);
    expect(needsRotation(1000, 25, 1024)).toBe(true);
  });
});

describe('LogFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'companion-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry);

  it('writes JSON lines into <dataDir>/logs, with errors and their stacks', () => {
    const log = new LogFile({ dataDir: dir, now: () => at });
    log.info('app', 'started', { version: '0.1.0' });
    log.warn('ipc', 'refused', new Error('untrusted'));
    log.debug('app', 'not written at the default level');
    expect(log.path).toBe(join(dir, 'logs', 'companion.log'));
    const [first, second] = lines(log.path);
    expect(first).toMatchObject({ level: 'info', scope: 'app', msg: 'started', version: '0.1.0' });
    expect(second).toMatchObject({ level: 'warn', scope: 'ipc', msg: 'refused', err: { name: 'Error', message: 'untrusted' } });
    expect(second!.err!.stack).toContain('log-file.test.ts');
    expect(lines(log.path)).toHaveLength(2);
  });

  it('rotates by size and keeps a bounded history', () => {
    const log = new LogFile({ dataDir: dir, maxBytes: 1024, keep: 2, now: () => at });
    for (let i = 0; i < 60; i++) log.info('app', `line ${i} ${'.'.repeat(60)}`);
    const files = readdirSync(join(dir, 'logs')).sort();
    expect(files).toEqual(['companion.log', 'companion.log.1', 'companion.log.2']);
    for (const f of files) expect(readFileSync(join(dir, 'logs', f)).length).toBeLessThanOrEqual(1024);
    // the newest line is in the current file, and the rotated ones are older
    expect(lines(log.path).at(-1)!.msg).toMatch(/^line 59 /);
    const rotated = lines(join(dir, 'logs', 'companion.log.1'));
    expect(Number(rotated.at(-1)!.msg.split(' ')[1])).toBeLessThan(59);
  });

  it('continues an existing file after a restart, counting its size', () => {
    new LogFile({ dataDir: dir, maxBytes: 1024, now: () => at }).info('app', 'x'.repeat(900));
    new LogFile({ dataDir: dir, maxBytes: 1024, now: () => at }).info('app', 'y'.repeat(200));
    expect(existsSync(join(dir, 'logs', 'companion.log.1'))).toBe(true);
    expect(lines(join(dir, 'logs', 'companion.log'))[0]!.msg).toMatch(/^y+$/);
  });

  it('adapts `[scope] message` callbacks and echoes a human line', () => {
    const echoed: string[] = [];
    const log = new LogFile({ dataDir: dir, now: () => at, echo: (line) => echoed.push(line) });
    log.callback('warn', 'secrets')('[ipc] refused a call', new Error('bad frame'));
    log.callback('warn', 'secrets')('no keyring');
    expect(lines(log.path).map((e) => [e.scope, e.msg])).toEqual([
      ['ipc', 'refused a call'],
      ['secrets', 'no keyring'],
    ]);
    expect(echoed).toEqual(['12:03:04 warn [ipc] refused a call: bad frame', '12:03:04 warn [secrets] no keyring']);
  });

  it('never throws when the log cannot be written', () => {
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'not a dir');
    const log = new LogFile({ dataDir: join(blocker, 'nested') });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(() => log.error('app', 'cannot land')).not.toThrow();
      expect(() => log.error('app', 'still fine')).not.toThrow();
      // said once, not once per line
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0]![0])).toMatch(/cannot write .*companion\.log/);
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('privacy of the log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'companion-logmode-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(process.platform === 'win32')('creates the folder 0700 and the file 0600, and tightens what an older version left open', () => {
    const fresh = new LogFile({ dataDir: join(dir, 'new'), now: () => at });
    fresh.info('app', 'started');
    expect(statSync(fresh.dir).mode & 0o777).toBe(0o700);
    expect(statSync(fresh.path).mode & 0o777).toBe(0o600);

    const old = join(dir, 'old', 'logs');
    mkdirSync(old, { recursive: true, mode: 0o755 });
    chmodSync(old, 0o755);
    writeFileSync(join(old, 'companion.log'), '{}\n', { mode: 0o644 });
    const reopened = new LogFile({ dataDir: join(dir, 'old'), now: () => at });
    reopened.info('app', 'started');
    expect(statSync(reopened.dir).mode & 0o777).toBe(0o700);
    expect(statSync(reopened.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(reopened.path, 'utf8').split('\n')).toHaveLength(3);
  });
});

describe('logProcessCrashes', () => {
  it('logs uncaught exceptions and unhandled rejections, and removes its listeners when asked', () => {
    const target = new EventEmitter();
    const errors: { scope: string; msg: string; error: unknown }[] = [];
    const stop = logProcessCrashes({ error: (scope, msg, error) => errors.push({ scope, msg, error }) }, 'cli', target);
    const boom = new TypeError('boom');
    target.emit('uncaughtException', boom, 'uncaughtException');
    target.emit('uncaughtException', boom, 'unhandledRejection');
    target.emit('unhandledRejection', 'a plain reason');
    expect(errors).toEqual([
      { scope: 'cli', msg: 'uncaught exception; still running', error: boom },
      { scope: 'cli', msg: 'uncaught exception (unhandledRejection); still running', error: boom },
      { scope: 'cli', msg: 'unhandled promise rejection; still running', error: 'a plain reason' },
    ]);
    stop();
    expect(target.listenerCount('uncaughtException') + target.listenerCount('unhandledRejection')).toBe(0);
  });
});
