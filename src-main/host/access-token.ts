/**
 * The headless host's access token, kept in `<dataDir>/access-token` (mode 0600) so that a restart
 * keeps every browser signed in (their session cookie is derived from it) and the printed URL stays
 * the same. `--new-token` replaces it (every session ends); `--token T` uses T and leaves the file
 * alone. Written through a temp file, so a crash mid-write keeps the previous token.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'access-token';
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,512}$/;

export function newAccessToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The stored token, or null when there is none (or it is not a token this host wrote). */
export function readStoredToken(dataDir: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim();
  } catch {
    return null;
  }
  return TOKEN_SHAPE.test(text) ? text : null;
}

function writeToken(dataDir: string, token: string): void {
  const file = join(dataDir, TOKEN_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
    // the mode of a leftover temp file from a crash would be kept by writeFileSync
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

export interface StoredToken {
  token: string;
  /** 'kept': read from the file; 'created': there was none (or it was unreadable); 'rotated': --new-token */
  source: 'kept' | 'created' | 'rotated';
}

/** The token to serve with: the stored one, or a new one written to the file. */
export function loadOrCreateToken(dataDir: string, options: { rotate?: boolean } = {}): StoredToken {
  const stored = options.rotate ? null : readStoredToken(dataDir);
  if (stored) return { token: stored, source: 'kept' };
  const token = newAccessToken();
  writeToken(dataDir, token);
  return { token, source: options.rotate ? 'rotated' : 'created' };
}
