/** Test helper: a real file-backed database in a temp dir, migrated like production (no hand-made tables). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHybridClock } from '../../../src-shared/hlc';
import { createEngine, type Engine } from '../index';
import { MemorySecretStore } from '../settings';
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

/** An engine (its runner not started) on a fresh temp data dir; `cleanup` closes it and removes the dir. */
export function tempEngine(): { engine: Engine; dir: string; cleanup(): Promise<void> } {
  const { dir, cleanup } = tempDataDir();
  const engine = createEngine({ dataDir: dir, secrets: new MemorySecretStore(), autoStart: false });
  return {
    engine,
    dir,
    cleanup: async () => {
      await engine.close();
      cleanup();
    },
  };
}
