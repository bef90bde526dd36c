/**
 * The soak test's person: looks at the inbox now and then during the day (every 20 min to 4 h,
 * 08:00–22:00 in the runner's time zone; never at night, so a 1-minute mission waits all night),
 * and decides each waiting card at random: approve, approve after editing, reject with a reason,
 * or leave it for later. Now and then undoes a change approved earlier, presses Run now on the
 * manual mission, or on a mission whose cards still wait; resumes a mission that needs attention. Everything through the engine's api, as
 * the UI does; seeded, so a month replays the same.
 */
import { wallClock } from '../../../src-shared/cadence';
import type { Proposal } from '../../../src-shared/domain/ai';
import type { Engine } from '../../engine/index';
import type { Random } from './random';

const MINUTE = 60_000;
/** Approved proposals the reviewer may still undo, newest last. */
const UNDO_WINDOW = 50;

export interface ReviewerStats {
  visits: number;
  approved: number;
  edited: number;
  rejected: number;
  ignored: number;
  reverted: number;
  runNow: number;
  /** missions that needed attention (too many failed runs in a row), resumed */
  resumed: number;
}

export interface ReviewerOptions {
  engine: Engine;
  random: Random;
  timeZone: string;
  missionIds: readonly string[];
  manualMissionId: string;
}

export class Reviewer {
  readonly stats: ReviewerStats = { visits: 0, approved: 0, edited: 0, rejected: 0, ignored: 0, reverted: 0, runNow: 0, resumed: 0 };
  /** iterations made by Run now (planned whatever waited) */
  readonly runNowIterations = new Set<string>();
  private readonly approved: string[] = [];

  constructor(private readonly o: ReviewerOptions) {}

  /** When the next visit is, after one at `now`. */
  nextVisit(now: number): number {
    const at = now + this.o.random.int(20, 240) * MINUTE;
    const hour = wallClock(new Date(at), this.o.timeZone).hour;
    if (hour >= 8 && hour < 22) return at;
    // asleep: the first look is between 08:00 and 09:00
    const hoursToEight = (8 - hour + 24) % 24;
    return at + hoursToEight * 60 * MINUTE + this.o.random.int(0, 60) * MINUTE;
  }

  async visit(): Promise<void> {
    const { engine, random } = this.o;
    this.stats.visits++;
    for (const missionId of this.o.missionIds) {
      // A mission parked after failing again and again (a model repeating a broken plan) is resumed, as a person would.
      if (engine.store.getData<{ needsAttention?: boolean }>('ai', 'aiMissions', missionId)?.needsAttention) {
        await engine.call('missions.resume', { missionId });
        this.stats.resumed++;
      }
      // in the order they were made (ids are random: sorting by them would make the month depend on them)
      for (const p of engine.store.iterations.pendingProposalsOfMission(missionId).sort(byAge)) await this.decide(p);
    }
    if (this.approved.length && random.chance(0.3)) {
      const id = this.approved.splice(random.int(0, this.approved.length - 1), 1)[0]!;
      const { proposal } = await engine.call('proposals.revert', { proposalId: id });
      if (proposal.status === 'reverted') this.stats.reverted++;
    }
    if (random.chance(0.25)) await this.runNow(this.o.manualMissionId);
    if (random.chance(0.05)) await this.runNow(random.pick(this.o.missionIds));
  }

  private async decide(p: Proposal): Promise<void> {
    const { engine, random } = this.o;
    const roll = random.next();
    if (roll < 0.25) {
      this.stats.ignored++;
      return;
    }
    if (roll < 0.45) {
      await engine.call('proposals.reject', { proposalId: p.id, feedback: random.pick(['Not now.', 'Already handled.', 'Wrong day.']) });
      this.stats.rejected++;
      return;
    }
    const edit = roll < 0.6 ? edited(p) : null;
    const { proposal } = await engine.call('proposals.approve', { proposalId: p.id, ...(edit ? { params: edit } : {}) });
    if (edit) this.stats.edited++;
    else this.stats.approved++;
    if (proposal.status === 'approved') {
      this.approved.push(p.id);
      if (this.approved.length > UNDO_WINDOW) this.approved.shift();
    }
  }

  private async runNow(missionId: string): Promise<void> {
    const mission = this.o.engine.store.getData<{ state?: string }>('ai', 'aiMissions', missionId);
    if (mission?.state !== 'active') return;
    const run = await this.o.engine.call('missions.runNow', { missionId });
    this.stats.runNow++;
    if (run.iterationId) this.runNowIterations.add(run.iterationId);
  }
}

function byAge(a: Proposal, b: Proposal): number {
  const step = (p: Proposal) => Number(p.id.slice(p.id.lastIndexOf('.') + 1));
  return a.createdAt.localeCompare(b.createdAt) || (a.iterationId === b.iterationId ? step(a) - step(b) : 0);
}

/** What a person changes before approving: a task's or note's title, an update's priority. */
function edited(p: Proposal): Record<string, unknown> | null {
  if (p.toolName === 'create_task') return { ...p.params, title: `${String(p.params.title)} (edited)` };
  if (p.toolName === 'update_task') return { ...p.params, priority: p.params.priority === 'high' ? 'low' : 'high' };
  return null;
}
