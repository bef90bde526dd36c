/**
 * Telling a change that cannot be projected from a database that cannot be written. When writing
 * the projection fails, the Store catches up row by row (store.ts): a row at fault is set aside
 * (quarantined: it stays in the log, reported) and every other row is projected; a failure of the
 * database itself (disk full, I/O error, locked, read-only) is nobody's row, so nothing is set
 * aside and the next read tries again.
 */

/** SQLite result codes (prefixes of better-sqlite3's `code`) that say the database, not the row, failed. */
const DATABASE_FAILURES = [
  'SQLITE_ABORT',
  'SQLITE_AUTH',
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_CORRUPT',
  'SQLITE_FULL',
  'SQLITE_INTERRUPT',
  'SQLITE_IOERR',
  'SQLITE_LOCKED',
  'SQLITE_NOLFS',
  'SQLITE_NOMEM',
  'SQLITE_NOTADB',
  'SQLITE_PERM',
  'SQLITE_PROTOCOL',
  'SQLITE_READONLY',
];

/**
 * Whether writing one row's merge failed because of that row: its value cannot be serialised
 * (JavaScript's RangeError/TypeError), or SQLite refused its content (too big, malformed JSON for
 * an index, a constraint). Anything else is the database's failure, or unknown: not the row's.
 */
export function isRowFault(error: unknown): boolean {
  if (error instanceof RangeError || error instanceof TypeError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return false;
  if (DATABASE_FAILURES.some((prefix) => code === prefix || code.startsWith(`${prefix}_`))) return false;
  if (code === 'SQLITE_ERROR') return /json/i.test((error as Error).message);
  return code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
