/**
 * One change of the log as a line of the audit timeline: who (you, an agent, the runner), did
 * what to which record, and for an agent, in which mission and iteration.
 */
import type { ActivityEntry } from '../../../src-shared/api';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import type { StoredRecord } from '../../db/schema';
import { recordKey } from '../../db/schema';
import { describeProposal, targetOf } from '../inbox/describe';
import { labelOf } from '../inbox/schemaFields';
import { moduleByLocation, recordTitle } from '../modules/catalog';
import type { DisplayNames } from '../inbox/data';
import { formatDateTime } from '../../lib/format';

export interface DescribedEntry {
  who: string;
  whoKind: 'user' | 'ai' | 'system' | 'unknown';
  what: string;
  missionId: string | null;
  iterationId: string | null;
  rationale: string | null;
}

/** Fields that only the machinery reads; a change of only these is bookkeeping. */
const BOOKKEEPING = new Set(['updatedAt', 'createdAt', 'createdBy', 'deletedAt']);

function changedFields(entry: ActivityEntry): string {
  const fields = Object.keys(entry.fields).filter((f) => !BOOKKEEPING.has(f));
  return fields.length ? `: ${fields.map(labelOf).join(', ').toLowerCase()}` : '';
}

function who(entry: ActivityEntry, data: Record<string, unknown>, names: DisplayNames): Pick<DescribedEntry, 'who' | 'whoKind'> {
  // The runner writes a proposal, but it is the agent's: say so.
  if (entry.app === AI_APP && entry.table === TABLES.proposals && entry.op === 'insert') {
    const agentId = String(data.agentId ?? '');
    return { who: String(data.agentName ?? names.agents.get(agentId) ?? 'An agent'), whoKind: 'ai' };
  }
  const a = entry.actor;
  if (!a) return { who: entry.origin === 'user' ? 'You' : 'Someone', whoKind: entry.origin === 'user' ? 'user' : 'unknown' };
  if (a.kind === 'user') return { who: 'You', whoKind: 'user' };
  if (a.kind === 'ai') return { who: a.displayName ?? names.agents.get(a.principalId) ?? a.principalId, whoKind: 'ai' };
  return { who: a.displayName ?? 'Mission runner', whoKind: 'system' };
}

export type RecordLookup = (key: string) => StoredRecord | undefined;

const DECISION_VERB: Record<string, string> = { approved: 'approved', rejected: 'rejected', reverted: 'reverted', expired: 'let expire', pending: 'reopened' };

/** The plain-words line of a proposal, naming its target record by title when it is known. */
function proposalLine(data: Record<string, unknown>, lookup: RecordLookup): string | null {
  if (typeof data.toolName !== 'string') return null;
  const p = { toolName: data.toolName, params: (data.params as Record<string, unknown>) ?? {} };
  const target = targetOf(p);
  const record = target ? lookup(recordKey(target.app, target.table, target.id)) : undefined;
  return describeProposal(p, record ? recordTitle(record.data, record.id) : null);
}

/** The key of the record a proposal entry targets, to look its title up. */
export function proposalTargetKey(data: Record<string, unknown> | undefined): string | null {
  if (typeof data?.toolName !== 'string') return null;
  const target = targetOf({ toolName: data.toolName, params: (data.params as Record<string, unknown>) ?? {} });
  return target ? recordKey(target.app, target.table, target.id) : null;
}

function what(entry: ActivityEntry, data: Record<string, unknown>, lookup: RecordLookup, names: DisplayNames): string {
  if (entry.app === AI_APP) {
    switch (entry.table) {
      case TABLES.proposals: {
        const line = proposalLine(data, lookup) ?? entry.id;
        if (entry.op === 'insert') return `proposed “${line}”`;
        const status = entry.fields.status;
        if (status === 'failed') return `approved “${line}”, but it failed`;
        return typeof status === 'string' ? `${DECISION_VERB[status] ?? `marked ${status}`} “${line}”` : `changed the proposal “${line}”`;
      }
      case TABLES.iterations: {
        const mission = names.missions.get(String(data.missionId ?? '')) ?? 'a mission';
        return entry.op === 'insert' ? `planned “${mission}” (${String(data.status ?? 'running')})` : `finished planning “${mission}” (${String(data.status ?? '')})`;
      }
      case TABLES.missions: {
        const title = recordTitle(data, entry.id);
        if (entry.op === 'insert') return `created the mission “${title}”`;
        if (entry.op === 'delete') return `deleted the mission “${title}”`;
        if (entry.fields.state !== undefined && Object.keys(entry.fields).length <= 5) return `set the mission “${title}” to ${String(entry.fields.state)}`;
        if (entry.actor?.kind === 'system' && 'nextRunAt' in entry.fields) {
          const next = entry.fields.nextRunAt;
          return typeof next === 'string' ? `scheduled the next run of “${title}” for ${formatDateTime(next)}` : `finished a run of “${title}”`;
        }
        return `changed the mission “${title}”${changedFields(entry)}`;
      }
      case TABLES.agents:
        return entry.op === 'insert' ? `created the agent “${recordTitle({ title: data.name }, entry.id)}”` : `changed the agent “${recordTitle({ title: data.name }, entry.id)}”${changedFields(entry)}`;
    }
  }
  const m = moduleByLocation(entry.app, entry.table);
  const noun = m?.noun ?? `${entry.app}/${entry.table} record`;
  const title = m?.module === 'kontext' ? '' : ` “${recordTitle(data, entry.id)}”`;
  if (entry.op === 'insert') return `created the ${noun}${title}`;
  if (entry.op === 'delete') return `deleted the ${noun}${title}`;
  if (entry.fields.done === true) return `completed the ${noun}${title}`;
  return `changed the ${noun}${title}${changedFields(entry)}`;
}

export function describeEntry(entry: ActivityEntry, lookup: RecordLookup, names: DisplayNames): DescribedEntry {
  const ai = entry.actor?.kind === 'ai' ? entry.actor : null;
  const record = lookup(recordKey(entry.app, entry.table, entry.id));
  const data = { ...(record?.data ?? {}), ...entry.fields };
  const proposalMission = entry.app === AI_APP && entry.table === TABLES.proposals && typeof data.missionId === 'string' ? data.missionId : null;
  return {
    ...who(entry, data, names),
    what: what(entry, data, lookup, names),
    missionId: ai?.missionId ?? proposalMission,
    iterationId: ai?.iterationId ?? null,
    rationale: ai?.rationale || null,
  };
}
