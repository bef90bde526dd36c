import { describe, expect, it } from 'vitest';
import { SNAPSHOT_PAGE_FORMAT } from '../../src-shared/api';
import { knownFormat, pagesAfter, type SnapshotPage } from './snapshotPages';

const pageAfter = (n: number, last: number): SnapshotPage => ({
  records: [{ app: 'todo', table: 'tasks', id: `task-${n}`, data: {}, meta: {}, deleted: false, seq: n }],
  seq: 7,
  nextKey: n < last ? `k${n}` : null,
  epoch: 'e',
});
const idsOf = (page: SnapshotPage | undefined) => page?.records.map((r) => r.id);

/** An engine whose answers the test releases one by one; it notes what was asked. */
function engine(last: number) {
  const asked: string[] = [];
  const answers: (() => void)[] = [];
  const failures: ((e: Error) => void)[] = [];
  const fetchPage = (afterKey: string) =>
    new Promise<SnapshotPage>((resolve, reject) => {
      asked.push(afterKey);
      const n = Number(afterKey.slice(1)) + 1;
      answers.push(() => resolve(pageAfter(n, last)));
      failures.push(reject);
    });
  return { asked, fetchPage, answer: (i: number) => answers[i]!(), fail: (i: number) => failures[i]!(new Error('gone')) };
}

/** Lets the answers released so far reach pagesAfter (a macrotask: every pending promise callback has run). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('pagesAfter', () => {
  it('asks for each page as soon as the one before arrives, at most `ahead` not taken, in order', async () => {
    const e = engine(4);
    const next = pagesAfter(pageAfter(0, 4), e.fetchPage, 2);
    expect(e.asked).toEqual(['k0']);
    e.answer(0);
    await settle();
    // page 2 is asked for before anyone took page 1
    expect(e.asked).toEqual(['k0', 'k1']);
    e.answer(1);
    await settle();
    // two pages wait untaken: nothing more is asked
    expect(e.asked).toEqual(['k0', 'k1']);
    expect(idsOf(await next()!)).toEqual(['task-1']);
    expect(e.asked).toEqual(['k0', 'k1', 'k2']);
    expect(idsOf(await next()!)).toEqual(['task-2']);
    e.answer(2);
    await settle();
    expect(e.asked).toEqual(['k0', 'k1', 'k2', 'k3']);
    e.answer(3);
    expect(idsOf(await next()!)).toEqual(['task-3']);
    expect((await next())!.nextKey).toBeNull();
    expect(next()).toBeNull();
    expect(e.asked).toHaveLength(4);
  });

  it('asks for nothing after a single page', () => {
    const e = engine(0);
    const next = pagesAfter(pageAfter(0, 0), e.fetchPage, 2);
    expect(next()).toBeNull();
    expect(e.asked).toEqual([]);
  });

  it('stops asking after a page fails, and the failure reaches whoever takes that page', async () => {
    const e = engine(5);
    const next = pagesAfter(pageAfter(0, 5), e.fetchPage, 2);
    e.fail(0);
    await settle();
    expect(e.asked).toEqual(['k0']);
    await expect(next()).rejects.toThrow('gone');
    expect(next()).toBeNull();
  });
});

describe('knownFormat', () => {
  it('reads pages of the old form (no format) and of this side, and refuses a newer one with what to do', () => {
    const old = pageAfter(1, 1);
    expect(knownFormat(old)).toBe(old);
    expect(knownFormat({ ...old, format: SNAPSHOT_PAGE_FORMAT })).toEqual({ ...old, format: SNAPSHOT_PAGE_FORMAT });
    expect(() => knownFormat({ ...old, format: SNAPSHOT_PAGE_FORMAT + 1 })).toThrow(/reload the page/);
  });
});
