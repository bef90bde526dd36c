/**
 * The derived `proposals` table: every proposal record of the overlay, parsed ONCE when it is
 * written and indexed by status, mission and decision time, so that the inbox reads the pending
 * proposals and the latest decisions by index instead of decoding and parsing every proposal ever
 * written on each change (with a year of history a decision re-parsed 10,000 proposals, twice).
 *
 * A row is a pure function of its overlay record as merged: every overlay write (persist.ts) puts
 * or deletes the rows of the proposals it writes in the same transaction.
 *
 * Chunks (hydration) are not indexed: one row per record would cost hydration about as much as
 * the records themselves (IndexedDB costs about the same per row whatever its size). Instead a
 * hydration keeps in the overlay the proposals the inbox can show (hotProposals): every pending
 * one, and the latest decisions of each list the UI shows (all of them, per module, per mission),
 * `DECISIONS_KEPT` of each. Older decisions stay in chunks; `watermarks` records, per list, the
 * decision time below which it may have some, so that a query can tell whether the index alone
 * answers it (proposals.ts).
 *
 * Pure (no Dexie), so it is unit-tested in Node.
 */
import { AI_APP, Proposal, TABLES } from '../../src-shared/domain/ai';
import type { ReplicaRecord } from '../../src-shared/replica';

/** Statuses listed as decisions ("Recently decided"): expired proposals were never decided by anyone. */
export const DECIDED: ReadonlySet<Proposal['status']> = new Set(['approved', 'rejected', 'failed', 'reverted']);

/**
 * A proposal as the derived `proposals` table holds it: the parsed record, plus `decidedOn` (when
 * it was decided or reverted) for the decisions the inbox lists, absent otherwise, so that only
 * those are in its decision-time indexes.
 */
export type ProposalRow = Proposal & { decidedOn?: string };

/** When a decided proposal was last decided on (reverting is a decision too). */
export function decidedOn(p: Proposal): string | undefined {
  return DECIDED.has(p.status) ? (p.revertedAt ?? p.decidedAt ?? p.createdAt) : undefined;
}

export const PROPOSALS = { app: AI_APP, table: TABLES.proposals } as const;

export function isProposal(record: Pick<ReplicaRecord, 'app' | 'table'>): boolean {
  return record.app === PROPOSALS.app && record.table === PROPOSALS.table;
}

const warned = new Set<string>();

/** The row of a proposal record: null when it is deleted or does not parse (with one console warning per record). */
export function proposalRow(record: ReplicaRecord): ProposalRow | null {
  if (record.deleted) return null;
  const result = Proposal.safeParse({ ...record.data, id: record.id });
  if (!result.success) {
    if (!warned.has(record.key)) {
      warned.add(record.key);
      console.warn(`Skipping unreadable record ${record.key}`, result.error.issues);
    }
    return null;
  }
  const on = decidedOn(result.data);
  return on === undefined ? result.data : { ...result.data, decidedOn: on };
}

export interface DerivedChange {
  /** rows to put */
  puts: ProposalRow[];
  /** ids whose row goes: the record is deleted or does not parse */
  deletes: string[];
}

/** What writing `records` (overlay records as merged, each key once) changes in the derived table; other tables are ignored. */
export function derivedChanges(records: Iterable<ReplicaRecord>): DerivedChange {
  const change: DerivedChange = { puts: [], deletes: [] };
  for (const record of records) {
    if (!isProposal(record)) continue;
    const row = proposalRow(record);
    if (row) change.puts.push(row);
    else change.deletes.push(record.id);
  }
  return change;
}

/** How many of the latest decisions of each list a hydration keeps indexed (the inbox shows 20, a module 3, a mission 5). */
export const DECISIONS_KEPT = 20;

/** A place in the order of decisions: when, then (same instant) which. */
export type Mark = readonly [decidedOn: string, id: string];

/** Newest decision first, ties by id descending: the decision-time indexes read backwards. */
export function newerDecisionFirst(a: { decidedOn?: string; id: string }, b: { decidedOn?: string; id: string }): number {
  return compareMarks([b.decidedOn ?? '', b.id], [a.decidedOn ?? '', a.id]);
}

function compareMarks(a: Mark, b: Mark): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * Per list of decisions (all, a module's, a mission's): the oldest decision a hydration kept
 * indexed, for the lists that had more than it kept. Every decision it did not keep comes before
 * it in the order of decisions. A list without an entry is all in the index.
 */
export interface Watermarks {
  all?: Mark;
  byModule: Record<string, Mark>;
  byMission: Record<string, Mark>;
}

export const NO_WATERMARKS: Watermarks = { byModule: {}, byMission: {} };

/**
 * Whether `rows`, the newest (at most `limit`) indexed decisions of a list decided at or after
 * `since`, are the answer: yes when the list was indexed whole, when what the index lacks is older
 * than `since`, or when the last of `limit` rows is at or after the watermark.
 */
export function indexAnswers(rows: readonly { decidedOn?: string; id: string }[], mark: Mark | undefined, since: string, limit: number): boolean {
  if (mark === undefined || mark[0] < since) return true;
  const last = rows[limit - 1];
  return last !== undefined && compareMarks([last.decidedOn ?? '', last.id], mark) >= 0;
}

/**
 * Of a whole proposals table (snapshot records, as they will be stored): the keys to keep in the
 * overlay, so the derived table indexes them (every pending proposal, and the `kept` latest
 * decisions of each list), and the watermarks of the lists that had more.
 */
export function hotProposals(records: readonly ReplicaRecord[], kept = DECISIONS_KEPT): { keys: Set<string>; watermarks: Watermarks } {
  const keys = new Set<string>();
  const decided: { key: string; id: string; decidedOn: string; module: string; missionId: string }[] = [];
  for (const r of records) {
    if (!isProposal(r) || r.deleted) continue;
    const status = r.data.status;
    if (status === 'pending') keys.add(r.key);
    else if (DECIDED.has(status as Proposal['status'])) {
      // decidedOn of the record as it is (a record that does not parse is simply not shown).
      const on = r.data.revertedAt ?? r.data.decidedAt ?? r.data.createdAt;
      if (typeof on === 'string') decided.push({ key: r.key, id: r.id, decidedOn: on, module: String(r.data.module), missionId: String(r.data.missionId) });
    }
  }
  decided.sort(newerDecisionFirst);
  const keep = (list: typeof decided): Mark | undefined => {
    for (const d of list.slice(0, kept)) keys.add(d.key);
    const last = list[kept - 1];
    return list.length > kept && last ? [last.decidedOn, last.id] : undefined;
  };
  const watermarks: Watermarks = { byModule: {}, byMission: {} };
  const all = keep(decided);
  if (all) watermarks.all = all;
  for (const [field, into] of [
    ['module', watermarks.byModule],
    ['missionId', watermarks.byMission],
  ] as const) {
    const lists = new Map<string, typeof decided>();
    for (const d of decided) {
      const list = lists.get(d[field]);
      if (list) list.push(d);
      else lists.set(d[field], [d]);
    }
    for (const [name, list] of lists) {
      const mark = keep(list);
      if (mark) into[name] = mark;
    }
  }
  return { keys, watermarks };
}
