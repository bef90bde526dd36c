import { afterEach, expect, it } from 'vitest';
import { createEngine, type Engine } from '../index';
import { MemorySecretStore } from '../settings';
import { TestClock } from '../testing/test-clock';
import { tempDataDir, withDatabaseFile } from '../testing/temp-db';

let engine: Engine | undefined;
let cleanup = () => {};
afterEach(async () => {
  await engine?.close();
  cleanup();
});

it('reports a hand-corrupted log row in runner.status at the next start, and keeps the rest', async () => {
  const tmp = tempDataDir();
  cleanup = tmp.cleanup;
  const clock = new TestClock('2026-11-20T09:00:00.000Z');
  const open = () => createEngine({ dataDir: tmp.dir, secrets: new MemorySecretStore(), now: () => clock.date(), timers: clock, autoStart: false });
  engine = open();
  await engine.call('sync.push', {
    clientId: 'c',
    changes: ['a', 'b'].map((id) => ({ eventId: id, app: 'todo', table: 'tasks', id, op: 'insert' as const, data: { title: id } })),
  });
  await engine.close();
  withDatabaseFile(tmp.dir, (db) => db.prepare("UPDATE sync_changes SET data = '{\"title\": broken' WHERE record_id = 'a'").run());

  engine = open();
  expect((await engine.call('runner.status', {})).quarantined).toBe(1);
  const pulled = await engine.call('sync.pull', { since: 0, limit: 100 });
  expect(pulled.changes.map((c) => c.id)).toEqual(['b']);
  expect((await engine.call('records.get', { app: 'todo', table: 'tasks', id: 'b' })).record?.data.title).toBe('b');
});
