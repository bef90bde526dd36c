/**
 * Ids and stamps of a plan, derived from what it plans, so that two devices planning one due time
 * while they could not reach the sync server (a partition) write ONE plan, not two:
 *
 * - the iteration id derives from (mission, due time); proposal ids are `<iteration>.<step>`, so the
 *   two plans' cards share ids and merge into one set of cards;
 * - a due run's iteration and proposals are stamped at the due time itself (with the device's node
 *   id), not at "now": of two plans of one due time, the same one wins on every device (the larger
 *   node id), and any decision on a card, made after the due time by definition, wins over any
 *   plan's staging of it, so a card decided on one device is never made pending again by the other
 *   device's late plan;
 * - a Run now has no due time: its id derives from the mission and a fresh stamp of the device's
 *   hybrid clock, which no other run on any device shares.
 */
import { createHash } from 'node:crypto';

function digest(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}

/** A due time in one spelling (ISO, ms, Z), or null when it is not an instant. */
export function canonicalDueAt(nextRunAt: unknown): string | null {
  if (typeof nextRunAt !== 'string' || nextRunAt === '') return null;
  const ms = Date.parse(nextRunAt);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The iteration planning a mission's due time: the same on every device. */
export function dueIterationId(missionId: string, dueAt: string): string {
  return `run-${digest('due', missionId, dueAt)}`;
}

/** The iteration of a Run now: from a fresh stamp of this device's clock, unique on every device (hlc.ts). */
export function manualIterationId(missionId: string, stamp: string): string {
  return `run-${digest('manual', missionId, stamp)}`;
}

/** The stamp of a due run's plan records: the due time, counter 0, this device's node id (hlc.ts form). */
export function planStamp(dueAt: string, nodeId: string): string {
  return `${dueAt}-0000-${nodeId}`;
}
