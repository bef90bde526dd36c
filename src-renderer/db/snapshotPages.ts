/**
 * How hydration (hydration.ts) asks for `sync.snapshot` pages: how many records at once (in one
 * place so that the hydrate benches fetch exactly the pages the app fetches when they time fetching
 * alone), and ahead of the page being decoded and written. Pure, so it is unit-tested in Node.
 */
import { type MethodOutput, SNAPSHOT_PAGE_FORMAT } from '../../src-shared/api';
import { ApiError } from '../../src-shared/api-errors';

/** Larger than a pull page: each snapshot page is one request and one transaction, the fixed costs of hydrating. */
export const SNAPSHOT_LIMIT = 10_000;
/**
 * The first page is small: nothing else can start before it arrives (its seq becomes the pull
 * cursor, and the names and the next pages are asked for after it), and the engine's first tables
 * hold its largest records: with a year of use, a first page of 10,000 records was about 9 MB, a
 * quarter of a second before anything else began.
 */
export const FIRST_SNAPSHOT_LIMIT = 1_000;

/** How many records to ask for in the page after `afterKey` (null: the first page), pages being `limit` long. */
export function snapshotLimit(afterKey: string | null, limit = SNAPSHOT_LIMIT): number {
  return afterKey === null ? Math.min(limit, FIRST_SNAPSHOT_LIMIT) : limit;
}

/** `records.list`'s largest page: a table this long may have more records than it returned. */
export const LIST_LIMIT = 10_000;

export type SnapshotPage = MethodOutput<'sync.snapshot'>;

/**
 * A snapshot page this replica can read: the old form (no format: plain stamps) or this side's
 * (stamps packed as the engine stores them, unpacked with each record by readRecordOut). A page of
 * a newer host is refused, with what to do, rather than read wrong.
 */
export function knownFormat(page: SnapshotPage): SnapshotPage {
  if (page.format === undefined || page.format === SNAPSHOT_PAGE_FORMAT) return page;
  throw new ApiError('INTERNAL', 'This window is older than the Mission Companion it talks to: reload the page (or restart the app) to load the current version.');
}

/**
 * Snapshot pages asked for ahead of the one being decoded and written (each is ~1–16 MB of JSON with a
 * year of use): the engine answers one while hydration decodes and writes the one before.
 */
export const PAGES_AHEAD = 2;

/**
 * The pages after `first`, in order: each asked for as soon as the one before it arrives (its
 * `nextKey` names it), so that the engine reads pages while hydration decodes and writes, with at
 * most `ahead` not yet taken. Returns the next page's promise each call, null after the last.
 */
export function pagesAfter(first: SnapshotPage, fetchPage: (afterKey: string) => Promise<SnapshotPage>, ahead: number): () => Promise<SnapshotPage> | null {
  const queue: Promise<SnapshotPage>[] = [];
  let afterKey = first.nextKey;
  let asking = false;
  const ask = () => {
    if (asking || afterKey === null || queue.length >= ahead) return;
    asking = true;
    const page = fetchPage(afterKey);
    queue.push(page);
    // After a failure nothing more is asked: hydration stops at that page, reporting it.
    page.then(
      (p) => {
        asking = false;
        afterKey = p.nextKey;
        ask();
      },
      () => undefined,
    );
  };
  ask();
  return () => {
    const page = queue.shift() ?? null;
    ask();
    return page;
  };
}
