/**
 * Hydration of a new replica from the engine's projection, inbox first. It runs in a Web Worker
 * (hydrate.worker.ts) so that decoding, validating, merging and writing a year of records never
 * holds the page's main thread; hydrator.ts starts it, and runs the same code in the page when a
 * worker cannot start.
 *
 * 1. The first `sync.snapshot` page, a small one (FIRST_SNAPSHOT_LIMIT): its `seq` is the pull
 *    cursor, set only once everything is in, so an interrupted hydration starts over and later
 *    changes are pulled (again, harmlessly).
 * 2. The names the inbox's cards show, agents and missions, each table whole through `records.list`
 *    (asked after that page, so it reflects at least the log up to the cursor, and before the next
 *    pages, so that the engine answers it first).
 * 3. The snapshot pages in order (snapshotPages.ts: each asked for as soon as the one before it
 *    arrives, two ahead; one decoded while the one before is written), leaving out the tables
 *    step 2 brought whole. The proposals table is gathered until the pages are past it (early: the
 *    `ai` app sorts first); then the proposals the inbox shows go to the overlay (derive.ts
 *    hotProposals), the records the pending cards name follow (`records.get` each, into the
 *    overlay), and `inboxReady`; then the other proposals into chunks, and the rest.
 */
import type { MethodInput, MethodName, MethodOutput } from '../../src-shared/api';
import { AI_APP, Proposal, TABLES } from '../../src-shared/domain/ai';
import type { HybridClock } from '../../src-shared/hlc';
import { applySnapshotRecords, recordKey } from '../../src-shared/replica';
import { targetOf } from '../features/inbox/describe';
import { applySnapshotPage, chunksId, followEpoch, type PreparedSnapshotPage, prepareSnapshotPage, type SnapshotPagePosition, writeSnapshotPage } from './apply';
import { hotProposals, PROPOSALS } from './derive';
import { clearChunks } from './persist';
import { knownFormat, LIST_LIMIT, PAGES_AHEAD, pagesAfter, SNAPSHOT_LIMIT, snapshotLimit } from './snapshotPages';

/** How hydration reaches the engine: an api call (HTTP from the worker, or relayed by the page). */
export type ApiCall = <M extends MethodName>(method: M, input: MethodInput<M>) => Promise<MethodOutput<M>>;

/** Small tables the inbox's cards name, brought whole first. */
export const NAME_TABLES: readonly { app: string; table: string }[] = [
  { app: AI_APP, table: TABLES.agents },
  { app: AI_APP, table: TABLES.missions },
];

export interface HydrationOptions {
  /** records per snapshot page (default SNAPSHOT_LIMIT) */
  pageSize?: number;
  /** records per chunk (tests make it small) */
  chunkSize?: number;
  /** latest decisions kept indexed per list (derive.ts DECISIONS_KEPT; tests make it small) */
  decisionsKept?: number;
  /** the pending proposals are in, with the records their cards name */
  inboxReady?: () => void;
  /** records applied so far */
  progress?: (records: number) => void;
}

type Entry = { app?: unknown; table?: unknown; id?: unknown; deleted?: unknown; data?: unknown };

const prefixOf = (app: string, table: string) => `${app}/${table}/`;
const PROPOSALS_PREFIX = prefixOf(PROPOSALS.app, PROPOSALS.table);

function tableOf(entry: unknown): string | null {
  const e = entry as Entry | null;
  return e && typeof e.app === 'string' && typeof e.table === 'string' ? prefixOf(e.app, e.table) : null;
}

/**
 * Whether a record comes after the proposals table in the engine's order (app, then table; names
 * are ASCII, so JavaScript's order is SQLite's): once one has, every proposal has been seen.
 */
function pastProposals(entry: unknown): boolean {
  const e = entry as Entry | null;
  if (!e || typeof e.app !== 'string' || typeof e.table !== 'string') return false;
  return e.app > PROPOSALS.app || (e.app === PROPOSALS.app && e.table > PROPOSALS.table);
}

/** Engine order within one table: by id, as SQLite compares them (UTF-8; chunks.ts keeps the ids where that differs out of chunks). */
function byId(a: unknown, b: unknown): number {
  const x = String((a as Entry).id);
  const y = String((b as Entry).id);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Step 2: the tables of names, whole. Returns those that came whole (the pages leave their records out). */
async function hydrateNames(call: ApiCall, clock: HybridClock, chunked: SnapshotPagePosition): Promise<{ whole: Set<string>; applied: number }> {
  const lists = await Promise.all(NAME_TABLES.map((t) => call('records.list', { app: t.app, table: t.table, limit: LIST_LIMIT, includeDeleted: true })));
  const whole = new Set<string>();
  let applied = 0;
  for (const [i, { records }] of lists.entries()) {
    // A list as long as the limit may be cut short: that table comes from the pages.
    if (records.length >= LIST_LIMIT) continue;
    whole.add(prefixOf(NAME_TABLES[i]!.app, NAME_TABLES[i]!.table));
    applied += await applySnapshotPage([...records].sort(byId), chunked, clock);
  }
  return { whole, applied };
}

function keyOf(entry: unknown): string | null {
  const e = entry as Entry | null;
  return e && typeof e.app === 'string' && typeof e.table === 'string' && typeof e.id === 'string' ? recordKey(e.app, e.table, e.id) : null;
}

/** What the inbox step writes (planInbox), made ahead of writing it. */
interface InboxPlan {
  /** the proposals the inbox shows, for the overlay, with the watermarks of the decisions left out */
  hot: unknown[];
  watermarks: ReturnType<typeof hotProposals>['watermarks'];
  /** the records the pending cards name, for the overlay */
  named: unknown[];
  /** the other proposals, for chunks once the inbox is ready */
  rest: unknown[];
}

/**
 * The proposals table, whole, planned: which proposals the inbox shows (they go to the overlay,
 * where they are indexed) and the records the pending cards name, fetched. Decoding and asking
 * only, no write, so it runs while IndexedDB commits the page before. The choice is made on the
 * records as they will be stored (new to the replica: merged into nothing).
 */
async function planInbox(call: ApiCall, records: unknown[], options: HydrationOptions): Promise<InboxPlan> {
  const { keys, watermarks } = hotProposals(applySnapshotRecords(new Map(), records).puts, options.decisionsKept);
  const hot: unknown[] = [];
  const rest: unknown[] = [];
  for (const r of records.sort(byId)) (keys.has(keyOf(r) ?? '') ? hot : rest).push(r);
  const targets = new Map<string, { app: string; table: string; id: string }>();
  for (const entry of hot) {
    const e = entry as Entry;
    if (e.deleted !== false || (e.data as { status?: unknown } | null)?.status !== 'pending') continue;
    const parsed = Proposal.safeParse({ ...(e.data as object), id: e.id });
    const target = parsed.success ? targetOf(parsed.data) : null;
    if (target) targets.set(recordKey(target.app, target.table, target.id), target);
  }
  const named = (await Promise.all([...targets.values()].map((t) => call('records.get', t)))).flatMap((r) => (r.record ? [r.record] : []));
  return { hot, watermarks, named, rest };
}

/** Writes the inbox's records to the overlay (a chunk must never overlap the chunks its table's pages will make). */
async function writeInbox(plan: InboxPlan, clock: HybridClock): Promise<number> {
  let applied = await applySnapshotPage(plan.hot, { cursor: null, overlayOnly: true, watermarks: plan.watermarks }, clock);
  if (plan.named.length) applied += await applySnapshotPage(plan.named, { cursor: null, overlayOnly: true }, clock);
  return applied;
}

/** Hydrates the replica; resolves with the number of records applied once the cursor is set. */
export async function hydrateReplica(call: ApiCall, clock: HybridClock, options: HydrationOptions = {}): Promise<number> {
  const limit = options.pageSize ?? SNAPSHOT_LIMIT;
  const chunkSize = options.chunkSize;
  const fetchPage = (afterKey: string | null) => call('sync.snapshot', { afterKey, limit: snapshotLimit(afterKey, limit) }).then(knownFormat);
  // Clearing what an interrupted hydration left while the engine reads the first page.
  const [first] = await Promise.all([fetchPage(null), clearChunks()]);
  // the history this replica copies (another one than before: what it held is dropped)
  await followEpoch(first.epoch);
  // every page is written under the chunks this hydration cleared (another tab's start clears them)
  const chunksOf = await chunksId();
  // the names asked for before the next pages, so that the engine answers them first
  const chunked: SnapshotPagePosition = { cursor: null, chunkSize, chunksOf };
  const namesHydrated = hydrateNames(call, clock, chunked);
  const nextPage = pagesAfter(first, fetchPage, PAGES_AHEAD);
  const names = await namesHydrated;
  let applied = names.applied;

  const proposals: unknown[] = [];
  // (none, as the engine pages in key order: a proposal after the table ended would be kept apart)
  const late: unknown[] = [];
  let inbox = false;
  // The page being written: one at a time, in order (the next is decoded meanwhile).
  let writing: Promise<number> = Promise.resolve(0);
  const written = async () => {
    applied += await writing;
    writing = Promise.resolve(0);
    options.progress?.(applied);
  };
  /** Writes in order: what was being written, then `prepared` (its failure is reported when awaited). */
  const write = async (prepared: PreparedSnapshotPage) => {
    await written();
    writing = writeSnapshotPage(prepared, clock);
    writing.catch(() => undefined);
  };
  // The inbox step: planned while the page before commits, written next, then the other proposals
  // go into chunks while the next page is decoded.
  const inboxNow = async () => {
    inbox = true;
    const plan = await planInbox(call, proposals, options);
    await written();
    applied += await writeInbox(plan, clock);
    options.inboxReady?.();
    await write(prepareSnapshotPage(plan.rest, chunked, clock));
  };
  let page = first;
  for (;;) {
    const rest: unknown[] = [];
    let past = false;
    // where a record goes depends on its table only, and a page's records come table by table
    let seen: Entry | null = null;
    let table: string | null = null;
    for (const r of page.records) {
      const e = r as Entry | null;
      if (seen === null || e?.app !== seen.app || e?.table !== seen.table) {
        seen = e ?? {};
        table = tableOf(r);
        past ||= !inbox && pastProposals(r);
      }
      if (table === PROPOSALS_PREFIX) (inbox ? late : proposals).push(r);
      else if (!names.whole.has(table ?? '')) rest.push(r);
    }
    if (past) await inboxNow();
    // Decoded and encoded while IndexedDB commits the page before.
    await write(prepareSnapshotPage(rest, chunked, clock));
    const next = nextPage();
    if (!next) break;
    page = await next;
  }
  if (!inbox) await inboxNow();
  await written();
  if (late.length) applied += await applySnapshotPage(late, { cursor: null, overlayOnly: true }, clock);
  // the cursor only if no other hydration cleared this one's chunks meanwhile
  await applySnapshotPage([], { cursor: first.seq, chunksOf }, clock);
  options.progress?.(applied);
  return applied;
}
