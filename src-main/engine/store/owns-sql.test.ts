/**
 * The Store owns the database's SQL (house rule): outside src-main/engine/store/, no source file
 * imports better-sqlite3 or prepares a statement, and only the engine's entry, which opens and
 * closes the file, imports store/db.ts. The sync server (src-main/server/) is a separate program
 * with its own database: its storage implementations are its store, and only they may hold SQL.
 * Tests and test helpers are exempt: they open their own connections to damage or inspect a file
 * behind the Store's back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const STORE_DIR = 'src-main/engine/store/';
/** the sync server's own store: one file per storage implementation */
const SERVER_STORAGE = /^src-main\/server\/(sqlite|postgres)-(storage|schema)\.ts$/;
const OPENS_THE_FILE = ['src-main/engine/index.ts'];
const EXEMPT = [/\.test\.ts$/, /^src-main\/engine\/testing\//, /^src-main\/testing\//];

interface Source {
  /** repository-relative, with forward slashes */
  path: string;
  text: string;
}

const SPECIFIER = /\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g;
const STATEMENT = /\.(prepare|pragma)\(/;

/** What in these files breaks the rule, one line per breach. */
export function sqlOutsideTheStore(files: Source[]): string[] {
  const breaches: string[] = [];
  for (const { path, text } of files) {
    if (path.startsWith(STORE_DIR) || SERVER_STORAGE.test(path) || EXEMPT.some((re) => re.test(path))) continue;
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (specifier === 'better-sqlite3') breaches.push(`${path} imports better-sqlite3`);
      const target = specifier.startsWith('.') ? posix.join(posix.dirname(path), specifier).replace(/\.ts$/, '') : null;
      if (target === `${STORE_DIR}db` && !OPENS_THE_FILE.includes(path)) breaches.push(`${path} imports ${specifier}`);
    }
    const line = text.split('\n').findIndex((l) => STATEMENT.test(l));
    if (line >= 0) breaches.push(`${path}:${line + 1} prepares SQL`);
  }
  return breaches;
}

function sourcesUnder(dir: string): Source[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return { path: relative(ROOT, file).split('\\').join('/'), text: readFileSync(file, 'utf8') };
    });
}

describe('the Store owns the SQL', () => {
  it('no source file outside store/ imports the driver, the connection or prepares a statement', () => {
    const sources = sourcesUnder('src-main');
    expect(sources.length).toBeGreaterThan(50);
    expect(sqlOutsideTheStore(sources)).toEqual([]);
  });

  it('names each kind of breach (the check can fail)', () => {
    expect(
      sqlOutsideTheStore([
        { path: 'src-main/engine/runner/ticks.ts', text: "import Database from 'better-sqlite3';" },
        { path: 'src-main/engine/activity.ts', text: "import type { Db } from './store/db';" },
        { path: 'src-main/host/http.ts', text: "const db = await import('../engine/store/db.ts');" },
        { path: 'src-main/engine/runner/agents.ts', text: "const a = 1;\nconst row = db.prepare('SELECT 1').get();" },
        { path: 'src-main/engine/store/ticks.ts', text: "import Database from 'better-sqlite3'; db.prepare('x');" },
        { path: 'src-main/engine/index.ts', text: "import { openDatabase } from './store/db';" },
        { path: 'src-main/engine/runner/runner.test.ts', text: "db.prepare('x');" },
        { path: 'src-main/server/sqlite-storage.ts', text: "import Database from 'better-sqlite3'; db.prepare('x');" },
        { path: 'src-main/server/router.ts', text: "db.prepare('x');" },
      ]),
    ).toEqual([
      'src-main/engine/runner/ticks.ts imports better-sqlite3',
      'src-main/engine/activity.ts imports ./store/db',
      'src-main/host/http.ts imports ../engine/store/db.ts',
      'src-main/engine/runner/agents.ts:2 prepares SQL',
      'src-main/server/router.ts:1 prepares SQL',
    ]);
  });
});
