import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from '../engine/testing/temp-db';
import { createEngine } from '../engine';
import { MemorySecretStore } from '../engine/settings';
import { missionInsert } from '../engine/testing/changes';
import { LogFile } from '../shell/log-file';
import { makeDataDirPrivate } from './private-files';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDataDir('companion-modes-')));
afterEach(() => cleanup());

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === 'win32')('makeDataDirPrivate', () => {
  it('makes the dir 0700 and the database, its WAL files, secrets, token and logs 0600; leaves other files alone', () => {
    chmodSync(dir, 0o755);
    const open = ['companion.sqlite', 'companion.sqlite-wal', 'companion.sqlite-shm', 'secrets.json', 'access-token'];
    for (const name of open) writeFileSync(join(dir, name), 'x', { mode: 0o644 });
    mkdirSync(join(dir, 'logs'), { mode: 0o755 });
    chmodSync(join(dir, 'logs'), 0o755);
    writeFileSync(join(dir, 'logs', 'companion.log'), 'x', { mode: 0o644 });
    writeFileSync(join(dir, 'logs', 'companion.log.1'), 'x', { mode: 0o640 });
    writeFileSync(join(dir, 'shell-state.json'), 'x', { mode: 0o644 });

    const fixed = makeDataDirPrivate(dir);
    expect(mode(dir)).toBe(0o700);
    for (const name of open) expect({ name, mode: mode(join(dir, name)) }).toEqual({ name, mode: 0o600 });
    expect(mode(join(dir, 'logs'))).toBe(0o700);
    expect(mode(join(dir, 'logs', 'companion.log'))).toBe(0o600);
    expect(mode(join(dir, 'logs', 'companion.log.1'))).toBe(0o600);
    expect(mode(join(dir, 'shell-state.json'))).toBe(0o644);
    expect(fixed).toHaveLength(9);
    // nothing left to fix the second time
    expect(makeDataDirPrivate(dir)).toEqual([]);
  });

  it('is kept by what the app creates: the database and its WAL files, the log', async () => {
    const data = join(dir, 'fresh');
    const engine = createEngine({ dataDir: data, secrets: new MemorySecretStore(), autoStart: false });
    try {
      await engine.call('sync.push', { clientId: 't', changes: [missionInsert()] });
      new LogFile({ dataDir: data }).info('app', 'started');
      expect(mode(data)).toBe(0o700);
      for (const name of ['companion.sqlite', 'companion.sqlite-wal', 'companion.sqlite-shm', 'logs/companion.log']) {
        expect({ name, mode: mode(join(data, name)) }).toEqual({ name, mode: 0o600 });
      }
      expect(mode(join(data, 'logs'))).toBe(0o700);
    } finally {
      await engine.close();
    }
  });

  it('creates a missing data dir 0700', () => {
    const fresh = join(dir, 'a', 'b');
    makeDataDirPrivate(fresh);
    expect(mode(fresh)).toBe(0o700);
  });
});
