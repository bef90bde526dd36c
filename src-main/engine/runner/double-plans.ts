/**
 * Two devices that could not reach the sync server may both plan one due time. Their plans share
 * ids (plan-ids.ts), so they merge into one set of cards; this notes that it happened, so the cards
 * can say so. When a pulled plan of an iteration arrives where another device's plan of it is
 * already here, the iteration and its pending proposals get `plannedOn`: the names of the devices,
 * sorted. Every device that sees both plans writes the same value, so the note converges.
 *
 * What the merged plan shows: per record, the plan of the device with the larger node id (its
 * stamps are larger at the same due time), on every device alike; a card decided on either device
 * stays decided (a decision is newer than any plan's staging). A step only the other plan had
 * stays a card of the same set.
 */
import { MISSION_RUNNER } from '../../../src-shared/domain/actor';
import { AI_APP, type Iteration, PlannedBy, TABLES } from '../../../src-shared/domain/ai';
import type { LocalChange, RemoteChange, Store } from '../store/store';

/** Runs before pulled changes are applied; returns what to write after them, if anything. */
export function noteDoublePlans(store: Store, incoming: readonly RemoteChange[]): (() => void) | void {
  const notes = new Map<string, Set<string>>();
  for (const change of incoming) {
    if (change.app !== AI_APP || change.table !== TABLES.iterations || change.op !== 'insert') continue;
    const theirs = PlannedBy.safeParse(change.writes.plannedBy?.value);
    if (!theirs.success) continue;
    const local = store.getData<Iteration>(AI_APP, TABLES.iterations, change.id);
    const ours = PlannedBy.safeParse(local?.plannedBy);
    if (!local || !ours.success || ours.data.id === theirs.data.id) continue;
    const names = notes.get(change.id) ?? new Set(local.plannedOn ?? []);
    // Two devices may carry one name: then their ids tell them apart.
    const same = ours.data.name === theirs.data.name;
    for (const d of [ours.data, theirs.data]) names.add(same ? `${d.name} (${d.id.slice(-4)})` : d.name);
    notes.set(change.id, names);
  }
  if (notes.size === 0) return;
  return () => {
    const changes: LocalChange[] = [];
    for (const [iterationId, names] of notes) {
      const plannedOn = [...names].sort();
      changes.push({ app: AI_APP, table: TABLES.iterations, id: iterationId, op: 'update', fields: { plannedOn } });
      for (const p of store.iterations.pendingProposalsOf(iterationId)) {
        changes.push({ app: AI_APP, table: TABLES.proposals, id: p.id, op: 'update', fields: { plannedOn } });
      }
    }
    store.appendLocal(changes, MISSION_RUNNER);
  };
}
