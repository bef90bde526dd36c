/**
 * The data dir holds the change log, secrets, the access token and the logs: only its owner may
 * read it. At start the headless host makes the dir 0700 and the files it knows 0600, fixing what
 * an older version (or a copy) left readable for others; what it creates later is created private
 * (the database in store/db.ts, the log in shell/log-file.ts, the token in ./access-token).
 * POSIX modes only: on Windows the folder's ACL (inherited from the user's profile) decides.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_DIR, LOG_FILE } from '../shell/log-file';
import { TOKEN_FILE } from './access-token';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Files of the data dir that hold something private (names relative to it). */
export const PRIVATE_FILES = ['companion.sqlite', 'companion.sqlite-wal', 'companion.sqlite-shm', 'secrets.json', 'secrets.safe.json', TOKEN_FILE];

function restrict(path: string, mode: number, fixed: string[]): void {
  const current = statSync(path).mode & 0o777;
  if ((current & ~mode) === 0) return;
  chmodSync(path, mode);
  fixed.push(path);
}

/**
 * Creates the data dir if needed and takes away group and other access from it, its logs folder and
 * its private files. Returns the paths whose mode it changed.
 */
export function makeDataDirPrivate(dataDir: string): string[] {
  const fixed: string[] = [];
  if (process.platform === 'win32') {
    mkdirSync(dataDir, { recursive: true });
    return fixed;
  }
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  restrict(dataDir, PRIVATE_DIR_MODE, fixed);
  for (const name of PRIVATE_FILES) {
    const path = join(dataDir, name);
    if (existsSync(path)) restrict(path, PRIVATE_FILE_MODE, fixed);
  }
  const logs = join(dataDir, LOG_DIR);
  if (existsSync(logs)) {
    restrict(logs, PRIVATE_DIR_MODE, fixed);
    for (const name of readdirSync(logs)) if (name.startsWith(LOG_FILE)) restrict(join(logs, name), PRIVATE_FILE_MODE, fixed);
  }
  return fixed;
}
