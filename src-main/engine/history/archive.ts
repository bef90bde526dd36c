/**
 * Archiving old runs and decided proposals: once older than the history horizon, a finished run
 * and a decided proposal keep what people and the next prompt still read, and lose the details
 * nobody reads after months (what each step sent and got back, the model's reasons).
 *
 * What stays, and who reads it:
 * - a run: its mission, agent, times, status, summary, model, token use (Activity's charts), and
 *   each write or failed step's tool, kind, summary (cut to 120 characters), proposal id and
 *   error (the mission page); reads that went well (and what they read) go;
 * - a proposal: its mission, run, tool, status, dates, who decided, the user's feedback (the
 *   prompt repeats it; Activity's approval rates count tool and status), the execution's before
 *   values (revert still works) and its params with long text cut to 120 characters.
 * Never archived: a mission's newest RECENT_ITERATIONS runs and their proposals (what the next
 * prompt shows whole), a run with a proposal still pending, a pending proposal, and nothing the
 * runner's repeat check reads (the keeper archives only what ended over REPEAT_HORIZON_MAX_MS ago,
 * whatever the horizon: runner/repeats.ts compares params).
 *
 * An archived record is an ordinary change (by the history keeper, event id `<id>/archived`), so
 * every replica converges on the same archived form and a user's later edit still wins.
 */
import { HISTORY_KEEPER } from '../../../src-shared/domain/actor';
import { AI_APP, type Iteration, type IterationStep, type Proposal, TABLES } from '../../../src-shared/domain/ai';
import { RECENT_ITERATIONS } from '../../../src-shared/planner/prompt';
import type { LocalChange, Store } from '../store/store';
import type { ArchiveCursor, StoredRow } from '../store/history-queries';

/** Text longer than this is cut in an archived record. */
export const ARCHIVED_TEXT_CHARS = 120;

function cut(text: string, chars = ARCHIVED_TEXT_CHARS): string {
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

/** A value with long strings cut and large nested values dropped, as archived params keep it. */
function compactValue(value: unknown): unknown {
  if (typeof value === 'string') return cut(value);
  if (value === null || typeof value !== 'object') return value;
  return JSON.stringify(value).length > ARCHIVED_TEXT_CHARS * 2 ? '…' : value;
}

function compactStep(step: IterationStep): IterationStep {
  return {
    index: step.index,
    summary: cut(String(step.summary ?? '')),
    toolName: step.toolName,
    params: {},
    rationale: '',
    kind: step.kind,
    ...(step.policy ? { policy: step.policy } : {}),
    ...(step.proposalId ? { proposalId: step.proposalId } : {}),
    ...(step.error ? { error: cut(String(step.error), ARCHIVED_TEXT_CHARS * 2) } : {}),
  };
}

/** The fields an archived run gets (only those that change): its write steps and failed steps, compacted. */
export function archivedIterationFields(iteration: Iteration, at: string): Record<string, unknown> {
  const kept = Array.isArray(iteration.steps) ? iteration.steps.filter((s) => s.kind === 'write' || s.proposalId || s.error) : [];
  return { steps: kept.map(compactStep), archivedAt: at };
}

/** The fields an archived proposal gets (only those that change). */
export function archivedProposalFields(proposal: Proposal, at: string): Record<string, unknown> {
  const fields: Record<string, unknown> = { archivedAt: at };
  const params = proposal.params && typeof proposal.params === 'object' ? proposal.params : {};
  const compactParams = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, compactValue(v)]));
  if (JSON.stringify(compactParams) !== JSON.stringify(params)) fields.params = compactParams;
  if (proposal.rationale) fields.rationale = '';
  if (proposal.originalParams) fields.originalParams = null;
  if (proposal.summary && proposal.summary.length > ARCHIVED_TEXT_CHARS) fields.summary = cut(proposal.summary);
  if (proposal.execution && 'result' in proposal.execution) {
    const { result: _result, ...execution } = proposal.execution;
    fields.execution = execution;
  }
  return fields;
}

/** Reads a stored record's JSON, or null when it does not parse (left alone, as it is). */
function parsed<T>(row: StoredRow): (T & { id: string }) | null {
  try {
    return { ...(JSON.parse(row.data) as T), id: row.id };
  } catch {
    return null;
  }
}

export interface ArchivePage {
  /** records archived in this page */
  archived: number;
  /** where the next page starts (oldest first), or null when this was the last */
  nextAfter: ArchiveCursor | null;
}

/**
 * Archives up to `limit` runs that ended before `before`, in one transaction: all but each
 * mission's newest RECENT_ITERATIONS and those with a pending proposal.
 */
export function archiveIterationsPage(store: Store, after: ArchiveCursor, before: string, at: string, limit: number): ArchivePage {
  return store.tx(() => {
    const rows = store.history.oldIterations(after, before, limit);
    const keepWhole = recentRuns(store);
    return archiveRows(store, rows, limit, (row) => {
      const iteration = parsed<Iteration>(row);
      if (!iteration || iteration.status === 'running' || keepWhole(String(iteration.missionId), iteration.id)) return null;
      if (hasPendingProposal(store, iteration)) return null;
      return { app: AI_APP, table: TABLES.iterations, id: iteration.id, op: 'update', fields: archivedIterationFields(iteration, at), eventId: `${iteration.id}/archived` };
    });
  });
}

/**
 * Archives up to `limit` proposals decided before `before`, in one transaction: all but those of
 * their mission's newest RECENT_ITERATIONS runs (the next prompt shows their params whole, and the
 * runner's repeat check compares them).
 */
export function archiveProposalsPage(store: Store, after: ArchiveCursor, before: string, at: string, limit: number): ArchivePage {
  return store.tx(() => {
    const rows = store.history.oldDecidedProposals(after, before, limit);
    const ofRecentRun = recentRuns(store);
    return archiveRows(store, rows, limit, (row) => {
      const proposal = parsed<Proposal>(row);
      if (!proposal || ofRecentRun(String(proposal.missionId), String(proposal.iterationId))) return null;
      return { app: AI_APP, table: TABLES.proposals, id: proposal.id, op: 'update', fields: archivedProposalFields(proposal, at), eventId: `${proposal.id}/archived` };
    });
  });
}

/**
 * One page of archiving: the archiving change of each row `changeOf` does not keep (null), appended
 * by the history keeper, and where the next page starts (none after a short page).
 */
function archiveRows<R extends StoredRow & ArchiveCursor>(store: Store, rows: R[], limit: number, changeOf: (row: R) => LocalChange | null): ArchivePage {
  const changes = rows.flatMap((row) => changeOf(row) ?? []);
  if (changes.length) store.appendLocal(changes, HISTORY_KEEPER);
  return { archived: changes.length, nextAfter: rows.length < limit ? null : cursorOf(rows.at(-1)!) };
}

/** Whether a run is one of its mission's newest RECENT_ITERATIONS (read once per mission and page). */
function recentRuns(store: Store): (missionId: string, iterationId: string) => boolean {
  const newest = new Map<string, Set<string>>();
  return (missionId, iterationId) => {
    let ids = newest.get(missionId);
    if (!ids) newest.set(missionId, (ids = new Set(store.iterations.recentIterations(missionId, RECENT_ITERATIONS).map((it) => it.id))));
    return ids.has(iterationId);
  };
}

function cursorOf(row: ArchiveCursor): ArchiveCursor {
  return { age: row.age, rowid: row.rowid };
}

function hasPendingProposal(store: Store, iteration: Iteration): boolean {
  const steps = Array.isArray(iteration.steps) ? iteration.steps : [];
  return steps.some((s) => s.proposalId && store.getData<Proposal>(AI_APP, TABLES.proposals, s.proposalId)?.status === 'pending');
}
