import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MethodOutput, SNAPSHOT_PAGE_FORMAT } from '../../../src-shared/api';
import { readRecordOut } from '../../../src-shared/replica';
import type { ChangeIn } from '../../../src-shared/domain/change';
import type { Engine } from '../index';
import { tempEngine, withDatabaseFile } from '../testing/temp-db';

let engine: Engine;
let cleanup: () => Promise<void>;
beforeEach(() => ({ engine, cleanup } = tempEngine()));
afterEach(() => cleanup());

const insert = (app: string, table: string, id: string): ChangeIn => ({ eventId: `e-${app}-${table}-${id}`, app, table, id, op: 'insert', data: { title: id } });

function unwrap<T>(read: { success: true; data: T } | { success: false; error: unknown }): T {
  if (!read.success) throw new Error(`not a record: ${String(read.error)}`);
  return read.data;
}

async function allPages(limit: number) {
  const pages = [];
  let afterKey: string | null = null;
  do {
    const page: MethodOutput<'sync.snapshot'> = await engine.call('sync.snapshot', { afterKey, limit });
    pages.push(page);
    afterKey = page.nextKey;
  } while (afterKey !== null);
  return pages;
}

describe('sync.snapshot', () => {
  it('pages through every record, tombstones included, with field stamps and the seq it reflects', async () => {
    await engine.call('sync.push', {
      clientId: 'r',
      changes: [insert('todo', 'tasks', 'b'), insert('todo', 'tasks', 'a'), insert('ai', 'agents', 'z'), insert('todo', 'notes', 'n')],
    });
    await engine.call('sync.push', { clientId: 'r', changes: [{ eventId: 'del', app: 'todo', table: 'tasks', id: 'b', op: 'delete' }] });
    const pages = await allPages(3);
    expect(pages.map((p) => p.records.length)).toEqual([3, 1]);
    expect(pages.flatMap((p) => p.records.map((r) => `${r.app}/${r.table}/${r.id}`))).toEqual(['ai/agents/z', 'todo/notes/n', 'todo/tasks/a', 'todo/tasks/b']);
    // stamps as stored, packed (SNAPSHOT_PAGE_FORMAT); read as the replica reads them:
    expect(pages.every((p) => p.format === SNAPSHOT_PAGE_FORMAT && p.records.every((r) => Array.isArray(r.meta)))).toBe(true);
    expect(unwrap(readRecordOut(pages.at(-1)!.records.at(-1)))).toMatchObject({ id: 'b', deleted: true, meta: { deletedAt: expect.any(String) } });
    expect(unwrap(readRecordOut(pages[0]!.records[0])).meta).toEqual({ title: expect.any(String), deletedAt: expect.any(String) });
    expect(pages.every((p) => p.seq === engine.store.maxSeq())).toBe(true);
    expect(pages.at(-1)!.nextKey).toBeNull();
  });

  it('answers an empty database with one empty page', async () => {
    await expect(engine.call('sync.snapshot', {})).resolves.toEqual({ records: [], seq: 0, nextKey: null, epoch: expect.any(String), format: SNAPSHOT_PAGE_FORMAT });
    expect(JSON.parse(await engine.callJson('sync.snapshot', {}))).toEqual(await engine.call('sync.snapshot', {}));
  });

  it('ends exactly at a page boundary without an extra empty page', async () => {
    await engine.call('sync.push', { clientId: 'r', changes: [insert('todo', 'tasks', 'a'), insert('todo', 'tasks', 'b')] });
    const pages = await allPages(2);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.nextKey).toBeNull();
  });

  it('keeps paging correctly when records are added between pages', async () => {
    await engine.call('sync.push', { clientId: 'r', changes: [insert('todo', 'tasks', 'a'), insert('todo', 'tasks', 'c')] });
    const first = await engine.call('sync.snapshot', { limit: 1 });
    await engine.call('sync.push', { clientId: 'r', changes: [insert('todo', 'tasks', 'b')] });
    const second = await engine.call('sync.snapshot', { afterKey: first.nextKey, limit: 10 });
    expect(second.records.map((r) => r.id)).toEqual(['b', 'c']);
    // The first page's seq is the safe pull cursor: it is not past anything the pages missed.
    expect(first.seq).toBeLessThan(second.seq);
  });

  it('answers the HTTP host (callJson) with exactly what call answers, page by page', async () => {
    const tricky = ['quote"d', 'back\\slash', 'new\nline', 'ümlaut', '日本', 'emoji 🙂', '\u2028sep', 'tab\t'];
    await engine.call('sync.push', {
      clientId: 'r',
      changes: [
        ...tricky.map((id, i) => ({ ...insert('todo', 'tasks', id), data: { title: `${id} ${i}`, nested: { list: [1, 'two', null], flag: i % 2 === 0 } } })),
        insert('ai', 'agents', 'z'),
      ],
    });
    await engine.call('sync.push', { clientId: 'r', changes: [{ eventId: 'del', app: 'todo', table: 'tasks', id: tricky[0]!, op: 'delete' }] });
    let afterKey: string | null = null;
    let pages = 0;
    do {
      const input = { afterKey, limit: 3 };
      const expected: MethodOutput<'sync.snapshot'> = await engine.call('sync.snapshot', input);
      // the same page, stamps packed as stored (format 2) both ways; read as the replica reads it, the engine's records
      const sent = JSON.parse(await engine.callJson('sync.snapshot', input)) as MethodOutput<'sync.snapshot'>;
      expect(sent.format).toBe(SNAPSHOT_PAGE_FORMAT);
      expect(sent.records.every((r) => Array.isArray(r.meta))).toBe(true);
      expect(sent).toEqual(expected);
      expect(sent.records.map((r) => unwrap(readRecordOut(r)))).toEqual(sent.records.map((r) => engine.store.get(r.app, r.table, r.id)));
      afterKey = expected.nextKey;
      pages++;
    } while (afterKey !== null);
    expect(pages).toBe(3);
    // Methods without a direct serialiser answer through their handler.
    expect(JSON.parse(await engine.callJson('records.get', { app: 'ai', table: 'agents', id: 'z' }))).toEqual(
      await engine.call('records.get', { app: 'ai', table: 'agents', id: 'z' }),
    );
    await expect(engine.callJson('sync.snapshot', { afterKey: 'page-2' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('never sends a damaged projection row as JSON text: callJson fails as call does', async () => {
    await engine.call('sync.push', { clientId: 'r', changes: [insert('todo', 'tasks', 'a'), insert('todo', 'tasks', 'b')] });
    engine.store.settle(); // the rows exist before the test damages one
    withDatabaseFile(engine.dataDir, (db) => db.prepare("UPDATE records SET data = '{\"title\": \"a' WHERE record_id = 'a'").run());
    const viaCall = await engine.call('sync.snapshot', {}).then(() => 'answered', (e: unknown) => String(e));
    const viaJson = await engine.callJson('sync.snapshot', {}).then(() => 'answered', (e: unknown) => String(e));
    expect(viaCall).not.toBe('answered');
    expect(viaJson).toBe(viaCall);
  });

  it('rejects an afterKey it did not make', async () => {
    await expect(engine.call('sync.snapshot', { afterKey: 'page-2' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(engine.call('sync.snapshot', { afterKey: '["a", 1]' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(engine.call('sync.snapshot', { limit: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('reads each page with one range scan of the key index, never a sort', () => {
    const plan = withDatabaseFile(engine.dataDir, (db) =>
      db.prepare("EXPLAIN QUERY PLAN SELECT * FROM records WHERE (app_id, table_name, record_id) > ('a', 'b', 'c') ORDER BY app_id, table_name, record_id LIMIT 10").all(),
    ) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/SEARCH records USING INDEX records_key/);
    expect(plan.map((p) => p.detail).join(' | ')).not.toMatch(/TEMP B-TREE/);
  });
});
