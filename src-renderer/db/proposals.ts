/**
 * Reading proposals: always through the derived `proposals` table (derive.ts), by its indexes,
 * never by decoding every proposal record: a decision then costs the same with ten decided
 * proposals as with ten thousand.
 *
 * Pending proposals are ONE live query shared by every reader (the nav's badges, the inboxes, the
 * Missions list): one IndexedDB read per change, counts computed once. For a feature that needs a
 * mission's pending proposals, e.g. "Waiting for review (3 proposals, oldest 2 h)":
 *
 *   const pending = usePendingProposals();              // oldest first; undefined while loading
 *   const mine = pending?.filter((p) => p.missionId === mission.id);
 *   const oldest = mine?.[0]?.createdAt;
 *   const { byMission } = usePendingCounts();           // counts alone, without a filter
 *
 * Decisions ("Recently decided") come newest first from the decision-time indexes
 * (useRecentDecisions). The table holds the overlay's proposals: every pending one, the latest
 * decisions of each list (a hydration keeps them there) and every proposal written since (derive.ts).
 */
import { Dexie } from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo } from 'react';
import { Proposal } from '../../src-shared/domain/ai';
import { indexAnswers, newerDecisionFirst, NO_WATERMARKS, PROPOSALS, proposalRow, type ProposalRow, type Watermarks } from './derive';
import { parseRecords, sharedLiveQuery, useRecords, useSharedQuery, type SharedQuery } from './hooks';
import { tableRecords } from './records';
import { db } from './schema';

export interface PendingCounts {
  total: number;
  byModule: Record<string, number>;
  byMission: Record<string, number>;
  /** when the oldest waiting proposal of each mission was made ("Waiting for review …, oldest 2 h") */
  oldestByMission: Record<string, string>;
}

interface Pending {
  /** oldest first (then by id, numerically: a plan's steps in order) */
  proposals: ProposalRow[];
  counts: PendingCounts;
}

function countsOf(proposals: readonly ProposalRow[]): PendingCounts {
  const counts: PendingCounts = { total: 0, byModule: {}, byMission: {}, oldestByMission: {} };
  for (const p of proposals) {
    counts.total++;
    counts.byModule[p.module] = (counts.byModule[p.module] ?? 0) + 1;
    counts.byMission[p.missionId] = (counts.byMission[p.missionId] ?? 0) + 1;
    const oldest = counts.oldestByMission[p.missionId];
    if (!oldest || p.createdAt < oldest) counts.oldestByMission[p.missionId] = p.createdAt;
  }
  return counts;
}

/** The rows as last read, by id with their JSON: a row that did not change stays the same object. */
let lastRows = new Map<string, { json: string; row: ProposalRow }>();

const pendingRows = sharedLiveQuery(async () => {
  const rows = await pendingProposals();
  const next = new Map<string, { json: string; row: ProposalRow }>();
  const stable = rows.map((row) => {
    const json = JSON.stringify(row);
    const before = lastRows.get(row.id);
    const kept = before?.json === json ? before.row : row;
    next.set(row.id, { json, row: kept });
    return kept;
  });
  lastRows = next;
  return stable;
});

/**
 * Proposals the engine confirmed decided from this page whose new status the replica does not have
 * yet: the inbox drops their cards at the engine's answer instead of a pull later. Each leaves the
 * set once the replica no longer lists it as pending.
 */
const decidedHere = new Set<string>();
const listeners = new Set<() => void>();
let shown: { rows: ProposalRow[] | undefined; hidden: number; value: Pending | undefined } = { rows: undefined, hidden: 0, value: undefined };
let hiddenVersion = 0;

function currentPending(): Pending | undefined {
  const rows = pendingRows.get();
  if (rows !== shown.rows || hiddenVersion !== shown.hidden) {
    for (const id of decidedHere) if (!rows?.some((p) => p.id === id)) decidedHere.delete(id);
    const proposals = rows && (decidedHere.size ? rows.filter((p) => !decidedHere.has(p.id)) : rows);
    shown = { rows, hidden: hiddenVersion, value: proposals && { proposals, counts: countsOf(proposals) } };
  }
  return shown.value;
}

const pending: SharedQuery<Pending> = {
  subscribe(listener) {
    listeners.add(listener);
    const stop = pendingRows.subscribe(listener);
    return () => {
      listeners.delete(listener);
      stop();
    };
  },
  get: currentPending,
};

/** The engine answered that these proposals are decided: their cards go now (see decidedHere). */
export function decidedByEngine(ids: readonly string[]): void {
  if (!ids.length) return;
  for (const id of ids) decidedHere.add(id);
  hiddenVersion++;
  for (const l of listeners) l();
}

const NO_COUNTS: PendingCounts = { total: 0, byModule: {}, byMission: {}, oldestByMission: {} };

/** Every pending proposal, oldest first; undefined while the first read is in flight. */
export function usePendingProposals(): ProposalRow[] | undefined {
  return useSharedQuery(pending)?.proposals;
}

/** How many proposals are pending, in all, per module and per mission (zeros while loading). */
export function usePendingCounts(): PendingCounts {
  return useSharedQuery(pending)?.counts ?? NO_COUNTS;
}

export interface DecisionFilter {
  module?: string;
  missionId?: string;
  /** only decisions younger than this */
  withinMs?: number;
  limit: number;
}

/** The newest `limit` decisions of a list at or after `since`, from the index; null when the index alone cannot tell (derive.ts). */
export async function indexedDecisions({ module, missionId, limit }: DecisionQuery, since: string): Promise<ProposalRow[] | null> {
  const [index, key] = missionId ? ['[missionId+decidedOn]', missionId] : module ? ['[module+decidedOn]', module] : [null, null];
  const range = index ? db.proposals.where(index).between([key, since], [key, Dexie.maxKey], true, true) : db.proposals.where('decidedOn').aboveOrEqual(since);
  const newestFirst = range.reverse();
  const rows = await (missionId && module ? newestFirst.filter((p) => p.module === module) : newestFirst).limit(limit).toArray();
  const marks = ((await db.meta.get('watermarks'))?.value ?? NO_WATERMARKS) as Watermarks;
  const mark = missionId ? marks.byMission[missionId] : module ? marks.byModule[module] : marks.all;
  return indexAnswers(rows, mark, since, limit) ? rows : null;
}

/** The same from every proposal record: what is left when the index cannot answer (rare: see derive.ts). */
async function scannedDecisions({ module, missionId, limit }: DecisionQuery, since: string): Promise<ProposalRow[]> {
  const rows = (await tableRecords(PROPOSALS.app, PROPOSALS.table)).flatMap((r) => proposalRow(r) ?? []);
  return rows
    .filter((p) => p.decidedOn !== undefined && p.decidedOn >= since && (!module || p.module === module) && (!missionId || p.missionId === missionId))
    .sort(newerDecisionFirst)
    .slice(0, limit);
}

export interface DecisionQuery {
  module?: string;
  missionId?: string;
  limit: number;
}

/** The newest `limit` decisions of a list decided at or after `since` (ISO; '' for all), newest first. */
export async function recentDecisions(query: DecisionQuery, since = ''): Promise<ProposalRow[]> {
  return (await indexedDecisions(query, since)) ?? scannedDecisions(query, since);
}

/** Every pending proposal, oldest first (what usePendingProposals shares). */
export async function pendingProposals(): Promise<ProposalRow[]> {
  const proposals = await db.proposals.where('status').equals('pending').toArray();
  return proposals.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** The latest decisions (approved, rejected, failed, reverted), newest first; undefined while loading. */
export function useRecentDecisions(filter: DecisionFilter): ProposalRow[] | undefined {
  const { module, missionId, withinMs, limit } = filter;
  return useLiveQuery(() => recentDecisions({ module, missionId, limit }, withinMs ? new Date(Date.now() - withinMs).toISOString() : ''), [module, missionId, withinMs, limit]);
}

/**
 * Every proposal of a mission (or, without one, every proposal), in id order; undefined while
 * loading. This reads the whole history of proposals (the records, parsed once each: hooks.ts), so
 * it is for pages about history (a mission's runs, Activity), never for the inbox.
 */
export function useProposalsOf(missionId?: string): Proposal[] | undefined {
  const records = useRecords(PROPOSALS.app, PROPOSALS.table);
  return useMemo(() => {
    const all = parseRecords(records, Proposal);
    return missionId ? all?.filter((p) => p.missionId === missionId) : all;
  }, [records, missionId]);
}
