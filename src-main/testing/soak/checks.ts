/**
 * What the soak test asserts about the records, each a list of violations (empty = holds), worded
 * so that a failure says which run or card broke the rule:
 * - never two waiting proposals of one mission for the same change;
 * - no Auto change applied twice within its mission's repeat horizon (a repeated plan);
 * - every run's status agrees with its proposals (computed here independently of runStatus), and
 *   every write step is accounted for (a proposal, applied, or refused with why);
 * - a mission held for review was not planned by its cadence while its cards waited.
 */
import { type Cadence, type Iteration, Mission, type Proposal } from '../../../src-shared/domain/ai';
import { runStatus } from '../../../src-shared/domain/run-status';
import { changeKey } from '../../../src-shared/tools/change-key';
import { repeatHorizonMs } from '../../engine/runner/repeats';
import type { Store } from '../../engine/store/store';

/** Waiting proposals of these missions that make the same change as another waiting one. */
export function pendingDuplicates(store: Store, missionIds: readonly string[], timeZone: string): string[] {
  const out: string[] = [];
  for (const missionId of missionIds) {
    const seen = new Map<string, string>();
    for (const p of store.iterations.pendingProposalsOfMission(missionId)) {
      const key = changeKey(p.toolName, p.params, timeZone);
      const other = seen.get(key);
      if (other) out.push(`${missionId}: proposals ${other} and ${p.id} both wait for ${key}`);
      else seen.set(key, p.id);
    }
  }
  return out;
}

export interface Records {
  missions: Map<string, Mission & { id: string }>;
  iterations: Iteration[];
  proposals: Map<string, Proposal>;
}

export function readRecords(store: Store): Records {
  const missions = new Map(store.listData<Mission>('ai', 'aiMissions').map((m) => [m.id, { ...Mission.parse(m), id: m.id }]));
  const iterations = store.listData<Iteration>('ai', 'aiIterations').sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const proposals = new Map(store.listData<Proposal>('ai', 'aiProposals').map((p) => [p.id, p]));
  return { missions, iterations, proposals };
}

/** Auto changes applied twice by one mission within its horizon. */
export function autoAppliedTwice(records: Records, timeZone: string): string[] {
  const out: string[] = [];
  const last = new Map<string, { at: number; iterationId: string }>();
  for (const it of records.iterations) {
    const mission = records.missions.get(it.missionId);
    if (!mission) continue;
    const at = Date.parse(it.startedAt);
    const horizon = repeatHorizonMs(mission.cadence as Cadence, new Date(at), timeZone);
    for (const s of it.steps) {
      if (s.kind !== 'write' || s.policy !== 'auto' || s.refused || s.error) continue;
      const key = `${it.missionId} ${changeKey(s.toolName, s.params, timeZone)}`;
      const before = last.get(key);
      if (before && at - before.at < horizon) out.push(`${key}: applied by run ${before.iterationId} and again by run ${it.id}, ${Math.round((at - before.at) / 60_000)} min later`);
      last.set(key, { at, iterationId: it.id });
    }
  }
  return out;
}

/** Runs whose stored or derived status disagrees with their proposals, or with a step not accounted for. */
export function statusDisagreements(records: Records): string[] {
  const out: string[] = [];
  const byIteration = new Map<string, Proposal[]>();
  for (const p of records.proposals.values()) byIteration.set(p.iterationId, [...(byIteration.get(p.iterationId) ?? []), p]);
  for (const it of records.iterations) {
    const own = byIteration.get(it.id) ?? [];
    const linked = it.steps.filter((s) => s.proposalId).map((s) => s.proposalId!);
    if (linked.length !== own.length || !own.every((p) => linked.includes(p.id))) out.push(`run ${it.id}: steps link ${linked.length} proposals, ${own.length} proposals name it`);
    for (const s of it.steps.filter((x) => x.kind === 'write')) {
      const ways = [Boolean(s.proposalId), s.policy === 'auto' && !s.refused && !s.error, Boolean(s.refused), Boolean(s.error && !s.refused)].filter(Boolean).length;
      if (ways !== 1) out.push(`run ${it.id} step ${s.index}: not exactly one of proposed, applied, refused, failed`);
      if (s.refused && !s.error) out.push(`run ${it.id} step ${s.index}: refused without saying why`);
    }
    const writes = it.steps.filter((s) => s.kind === 'write');
    const storedShouldBe = own.length > 0 ? 'awaiting-review' : writes.length > 0 && writes.every((s) => s.refused) ? 'failed' : it.error ? 'failed' : 'done';
    if (it.status !== storedShouldBe) out.push(`run ${it.id}: stored status ${it.status}, its steps say ${storedShouldBe}`);
    // independently of runStatus: waiting while one waits, reviewed when all are decided
    const waiting = own.filter((p) => p.status === 'pending').length;
    const expected = it.status === 'failed' || it.status === 'skipped' ? it.status : own.length === 0 ? 'done' : waiting > 0 ? 'awaiting-review' : 'reviewed';
    const view = runStatus(it, (id) => records.proposals.get(id));
    if (view.status !== expected) out.push(`run ${it.id}: shown as ${view.status}, its proposals say ${expected}`);
    const tally = (pred: (p: Proposal) => boolean) => own.filter(pred).length;
    const counts = {
      pending: waiting,
      approved: tally((p) => p.status === 'approved' && !p.originalParams),
      edited: tally((p) => p.status === 'approved' && Boolean(p.originalParams)),
      rejected: tally((p) => p.status === 'rejected'),
      reverted: tally((p) => p.status === 'reverted'),
      failed: tally((p) => p.status === 'failed'),
      expired: tally((p) => p.status === 'expired'),
    };
    if (JSON.stringify(view.counts) !== JSON.stringify(counts)) out.push(`run ${it.id}: counts ${JSON.stringify(view.counts)}, its proposals ${JSON.stringify(counts)}`);
  }
  return out;
}

/**
 * Runs of a mission held for review (planWhileWaiting off) that its cadence started while one of
 * its cards waited. Run now (listed in `runNow`) plans anyway, by design.
 */
export function plannedWhileWaiting(records: Records, runNow: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const byMission = new Map<string, Proposal[]>();
  for (const p of records.proposals.values()) byMission.set(p.missionId, [...(byMission.get(p.missionId) ?? []), p]);
  for (const it of records.iterations) {
    const mission = records.missions.get(it.missionId);
    if (!mission || mission.planWhileWaiting || runNow.has(it.id)) continue;
    const waited = (byMission.get(it.missionId) ?? []).find((p) => p.createdAt < it.startedAt && (!p.decidedAt || p.decidedAt > it.startedAt));
    if (waited) out.push(`run ${it.id} of ${it.missionId} at ${it.startedAt}: proposal ${waited.id} (${waited.createdAt}) still waited`);
  }
  return out;
}
