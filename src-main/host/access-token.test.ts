import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from '../engine/testing/temp-db';
import { loadOrCreateToken, readStoredToken, TOKEN_FILE } from './access-token';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDataDir('companion-token-')));
afterEach(() => cleanup());

describe('the kept access token', () => {
  it('is made once (mode 0600) and kept across starts', () => {
    expect(readStoredToken(dir)).toBeNull();
    const first = loadOrCreateToken(dir);
    expect(first.source).toBe('created');
    expect(first.token).toMatch(/^[\w-]{32}$/);
    if (process.platform !== 'win32') expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(dir)).toEqual({ token: first.token, source: 'kept' });
    expect(readStoredToken(dir)).toBe(first.token);
  });

  it('is replaced when rotated, and when the file holds something that is not a token', () => {
    const first = loadOrCreateToken(dir);
    const rotated = loadOrCreateToken(dir, { rotate: true });
    expect(rotated.source).toBe('rotated');
    expect(rotated.token).not.toBe(first.token);
    expect(readFileSync(join(dir, TOKEN_FILE), 'utf8')).toBe(`${rotated.token}\n`);
    writeFileSync(join(dir, TOKEN_FILE), 'short');
    expect(readStoredToken(dir)).toBeNull();
    expect(loadOrCreateToken(dir).source).toBe('created');
  });
});
