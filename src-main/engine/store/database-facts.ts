/**
 * What the database holds, in bytes (README "Data and history", the history bench): the file, its
 * free pages, the rows of the log, and the size of each table and index (SQLite's dbstat).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export interface DatabaseFacts {
  /** pages in the file × page size, MB */
  fileMb: number;
  /** of it, pages on the free list (reused by later writes), MB */
  freeMb: number;
  /** rows in sync_changes */
  logRows: number;
  /** MB per table and index, largest first */
  objects: Record<string, number>;
}

const MB = 2 ** 20;

export class DatabaseFactsQuery {
  private readonly pages: Statement;
  private readonly rows: Statement;
  private readonly objects: Statement;

  constructor(private readonly db: Db) {
    this.pages = db.prepare('SELECT page_count * page_size AS file, freelist_count * page_size AS free FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size()');
    this.rows = db.prepare('SELECT COUNT(*) FROM sync_changes').pluck();
    this.objects = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC');
  }

  read(): DatabaseFacts {
    const { file, free } = this.pages.get() as { file: number; free: number };
    const objects = Object.fromEntries((this.objects.all() as { name: string; bytes: number }[]).map((o) => [o.name, Math.round((o.bytes / MB) * 100) / 100]));
    return { fileMb: file / MB, freeMb: free / MB, logRows: this.rows.get() as number, objects };
  }
}
