/**
 * No repeated work: the changes a new plan may not make again, because this mission already
 * proposed them (waiting for review), made them recently, or the user rejected or undid them
 * recently. Two steps are the same change when their `changeKey` is equal (same tool, same
 * target record, same canonical params: src-shared/tools/change-key.ts).
 *
 * "Recently" (README: "No repeated work"):
 * - waiting proposals: whatever their age;
 * - changes of this mission that still stand (approved and not reverted, the user's edit and the
 *   model's original both count; or applied automatically without an error), and proposals the user
 *   rejected or reverted: those of runs started within the horizon, the newest REPEAT_CAP of them;
 * - the horizon is two of the mission's periods (the interval; a day; a week; the gap between the
 *   next two cron runs), at least REPEAT_HORIZON_MIN_MS (a day) and at most REPEAT_HORIZON_MAX_MS
 *   (30 days); a manual mission's is 7 days. Within a day no one wants the same change twice from
 *   one mission; after two periods an identical step is more likely the same chore again (a weekly
 *   review task) than the model repeating itself, and the bound keeps the check one indexed read.
 */
import { nextRuns } from '../../../src-shared/cadence';
import type { Cadence, StepRefusal } from '../../../src-shared/domain/ai';
import { changeKey } from '../../../src-shared/tools/change-key';
import type { Store } from '../store/store';

const DAY_MS = 86_400_000;
export const REPEAT_HORIZON_MIN_MS = DAY_MS;
export const REPEAT_HORIZON_MAX_MS = 30 * DAY_MS;
export const REPEAT_HORIZON_MANUAL_MS = 7 * DAY_MS;
/** Periods of the cadence the horizon spans. */
export const REPEAT_HORIZON_PERIODS = 2;
/** Changes of runs within the horizon that are compared, newest first. */
export const REPEAT_CAP = 500;

type RepeatKind = Extract<StepRefusal, 'already-proposed' | 'already-done' | 'already-declined'>;
/** When one change is several of these (proposed again after a reject), the strongest wins. */
const STRENGTH: Record<RepeatKind, number> = { 'already-proposed': 3, 'already-done': 2, 'already-declined': 1 };

/** How far back a mission's changes count as recent. */
export function repeatHorizonMs(cadence: Cadence, now: Date, timeZone: string): number {
  const period = periodMs(cadence, now, timeZone);
  if (period === null) return REPEAT_HORIZON_MANUAL_MS;
  return Math.min(REPEAT_HORIZON_MAX_MS, Math.max(REPEAT_HORIZON_MIN_MS, REPEAT_HORIZON_PERIODS * period));
}

function periodMs(cadence: Cadence, now: Date, timeZone: string): number | null {
  switch (cadence.kind) {
    case 'manual':
      return null;
    case 'interval':
      return cadence.everyMinutes * 60_000;
    case 'daily':
      return DAY_MS;
    case 'weekly':
      return 7 * DAY_MS;
    case 'cron': {
      const [a, b] = safeNextRuns(cadence, now, timeZone);
      return a && b ? b.getTime() - a.getTime() : null;
    }
  }
}

function safeNextRuns(cadence: Cadence, now: Date, timeZone: string): Date[] {
  try {
    return nextRuns(cadence, now, 2, timeZone);
  } catch {
    return [];
  }
}

/** The changes a plan of one mission may not make again, and the ones the plan itself made so far. */
export class Repeats {
  private readonly known = new Map<string, RepeatKind>();

  private constructor(private readonly timeZone: string) {}

  /** What the mission has proposed, done and had declined, read now (at write time, so decisions made while the LLM thought count). */
  static load(store: Store, mission: { id: string; cadence: Cadence }, now: Date, timeZone: string): Repeats {
    const repeats = new Repeats(timeZone);
    for (const p of store.iterations.pendingProposalsOfMission(mission.id)) repeats.add(p.toolName, p.params, 'already-proposed');
    const since = new Date(now.getTime() - repeatHorizonMs(mission.cadence, now, timeZone)).toISOString();
    for (const c of store.iterations.changesSince(mission.id, since, REPEAT_CAP)) {
      const kind = c.policy === 'auto' ? 'already-done' : repeatOf(c.proposalStatus);
      if (!kind) continue;
      repeats.add(c.toolName, c.params, kind);
      if (c.proposalParams) repeats.add(c.toolName, c.proposalParams, kind);
      if (c.originalParams) repeats.add(c.toolName, c.originalParams, kind);
    }
    return repeats;
  }

  /** Why this step repeats earlier work, or null when it is new. */
  match(toolName: string, params: Record<string, unknown>): RepeatKind | null {
    return this.known.get(changeKey(toolName, params, this.timeZone)) ?? null;
  }

  /** Remembers a change (one this plan just proposed or made counts for its later steps). */
  add(toolName: string, params: Record<string, unknown>, kind: RepeatKind): void {
    const key = changeKey(toolName, params, this.timeZone);
    const had = this.known.get(key);
    if (!had || STRENGTH[kind] > STRENGTH[had]) this.known.set(key, kind);
  }
}

/** A proposal's fate as a repeat: waiting, done (approved and kept), declined (rejected or undone); failed and expired changes did not happen. */
function repeatOf(status: string | null): RepeatKind | null {
  switch (status) {
    case 'pending':
      return 'already-proposed';
    case 'approved':
      return 'already-done';
    case 'rejected':
    case 'reverted':
      return 'already-declined';
    default:
      return null;
  }
}
