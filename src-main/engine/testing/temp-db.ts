/** Test helper: a real file-backed database in a temp dir, migrated like production (no hand-made tables). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHybridClock } from '../../../src-shared/hlc';
import { openDatabase } from '../store/db';
import { Store } from '../store/store';

export function tempDataDir(prefix = 'companion-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function tempStore(): { store: Store; dir: string; cleanup(): void } {
  const { dir, cleanup } = tempDataDir();
  const db = openDatabase(dir);
  const store = new Store(db, createHybridClock('00000000000000aa'));
  return {
    store,
    dir,
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}
