/**
 * One plan per due time across devices: before a due run calls the LLM, this device's runner role
 * (setting `runner.role`) and a claim at the sync server decide whether it plans that due time.
 *
 * | role \ server   | no server | claim won | claim lost | no claims (upstream) | unreachable |
 * |-----------------|-----------|-----------|------------|----------------------|-------------|
 * | always          | plans     | plans     | skips      | plans                | plans       |
 * | when-offline    | plans     | plans     | skips      | stands by            | plans       |
 * | never           | never plans by schedule                                                |
 *
 * A `when-offline` device asks for no claim while the sync server answers (it stands by); it plans
 * when the server cannot be reached, and then claims first if the server comes back meanwhile (a
 * claim it wins is its to plan: the others lost it). A skip writes nothing (the mission keeps its
 * due time; the winner's plan moves it on every device once it syncs) and is counted in the tick by
 * reason. The due time is set aside so the scheduler does not wake for it again and again; the
 * safety-net tick looks at it again (a stand-by device takes over when the server goes away).
 * Run now is the user's: it plans whatever the role, without a claim (its id is its own).
 */
import type { RunnerRole } from '../../../src-shared/domain/settings';
import type { ClaimVerdict } from '../sync/client';
import { canonicalDueAt } from './plan-ids';

/** What the sync client offers the runner. */
export interface ClaimServer {
  claim(missionId: string, dueAt: string, signal?: AbortSignal): Promise<ClaimVerdict>;
  /** the server answered the last exchange */
  readonly reachable: boolean;
}

/** Why this device does not plan this due time (nothing is written; counted in the tick). */
export interface DueTimeHold {
  reason: 'runner-role-never' | 'standing-by' | 'planned-elsewhere' | 'already-planned';
  message: string;
}

export interface DueTimesDeps {
  role: () => RunnerRole;
  /** the sync client, or null when there is none (tests of the runner alone) */
  server: ClaimServer | null;
  timeZone: () => string;
}

export class DueTimes {
  /** mission id -> the due time this device decided not to plan */
  private readonly setAside = new Map<string, string>();

  constructor(private readonly deps: DueTimesDeps) {}

  /** Whether the scheduler should not wake up for this mission's next run (decided already). */
  isSetAside(missionId: string, nextRunAt: unknown): boolean {
    const dueAt = canonicalDueAt(nextRunAt);
    return dueAt !== null && this.setAside.get(missionId) === dueAt;
  }

  /** Holds the due time when this device is not to plan it; null lets the run go on. */
  async decide(missionId: string, dueAt: string, signal: AbortSignal): Promise<DueTimeHold | null> {
    const hold = await this.verdict(missionId, dueAt, signal);
    if (hold) this.setAside.set(missionId, dueAt);
    else this.setAside.delete(missionId);
    return hold;
  }

  /** Another device's plan of this due time is already here (it arrived before the claim could tell). */
  alreadyPlanned(missionId: string, dueAt: string): DueTimeHold {
    this.setAside.set(missionId, dueAt);
    return { reason: 'already-planned', message: 'Already planned on another device.' };
  }

  private async verdict(missionId: string, dueAt: string, signal: AbortSignal): Promise<DueTimeHold | null> {
    const role = this.deps.role();
    if (role === 'never') {
      return { reason: 'runner-role-never', message: 'This device does not run missions by their schedule (Settings → Sync: “Never”).' };
    }
    const server = this.deps.server;
    if (!server) return null;
    if (role === 'when-offline' && server.reachable) return standingBy();
    const verdict = await server.claim(missionId, dueAt, signal);
    switch (verdict.kind) {
      case 'won':
      case 'no-server':
      case 'unreachable':
        return null;
      case 'no-claims':
        return role === 'when-offline' ? standingBy() : null;
      case 'lost':
        return { reason: 'planned-elsewhere', message: `Planned by another device (it claimed this run at ${clockTime(verdict.at, this.deps.timeZone())}).` };
    }
  }
}

function standingBy(): DueTimeHold {
  return { reason: 'standing-by', message: 'Left to the device that runs missions: this one plans only while the sync server cannot be reached.' };
}

function clockTime(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  try {
    return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(ms);
  } catch {
    return new Date(ms).toISOString().slice(11, 16);
  }
}
