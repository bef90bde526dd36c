/**
 * One change of the log as a line of the audit timeline: who (you, an agent, the runner), did
 * what to which record, and for an agent, in which mission and iteration.
 */
import type { ActivityEntry } from '../../../src-shared/api';
import { AI_APP, TABLES, type Iteration } from '../../../src-shared/domain/ai';
import type { StoredRecord } from '../../db/schema';
import { recordKey } from '../../db/schema';
import { describeProposal, targetOf } from '../inbox/describe';
import { fieldLabel } from '../../lib/fieldLabels';
import { moduleByLocation, recordTitle } from '../modules/catalog';
import type { DisplayNames } from '../inbox/data';
import { formatDateTime } from '../../lib/format';

/** What a run produced when it was written (its status now follows its proposals: see the mission page). */
const RUN_OUTCOME_WORDS: Record<Iteration['status'], string> = {
  running: 'running',
  'awaiting-review': 'proposed changes for review',
  done: 'done',
  failed: 'failed',
  skipped: 'skipped',
};

export interface DescribedEntry {
  who: string;
  whoKind: 'user' | 'ai' | 'system' | 'unknown';
  what: string;
  missionId: string | null;
  rationale: string | null;
}

/** Fields that only the machinery reads; a change of only these is bookkeeping. */
const BOOKKEEPING = new Set(['updatedAt', 'createdAt', 'createdBy', 'deletedAt']);

/** What the changed fields held before the change, when known (an approved proposal records it). */
export type BeforeLookup = (eventId: string) => Record<string, unknown> | null | undefined;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The fields a change really changed: a field written with the value it already had (an update
 * to "high" of a task that was high) is no change and is not listed.
 */
function changedFieldNames(entry: ActivityEntry, before: Record<string, unknown> | null | undefined): string[] {
  return Object.keys(entry.fields).filter((f) => !BOOKKEEPING.has(f) && !(before && f in before && same(before[f], entry.fields[f])));
}

function changedFields(fields: string[]): string {
  return fields.length ? `: ${fields.map(fieldLabel).join(', ').toLowerCase()}` : '';
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

/** A mission's new state as what the person did to it. */
const STATE_VERB: Record<string, string> = { active: 'resumed', paused: 'paused', done: 'completed', archived: 'archived' };

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

function what(entry: ActivityEntry, data: Record<string, unknown>, lookup: RecordLookup, names: DisplayNames, before: Record<string, unknown> | null | undefined): string {
  if (entry.app === AI_APP) {
    switch (entry.table) {
      case TABLES.proposals: {
        const line = proposalLine(data, lookup) ?? entry.id;
        if (entry.op === 'insert') return `proposed “${line}”`;
        const status = entry.fields.status;
        if (status === 'failed') return `approved “${line}”, but it failed`;
        return typeof status === 'string' && DECISION_VERB[status] ? `${DECISION_VERB[status]} “${line}”` : `changed the proposal “${line}”`;
      }
      case TABLES.iterations: {
        const mission = names.missions.get(String(data.missionId ?? '')) ?? 'a mission';
        const status = RUN_OUTCOME_WORDS[String(data.status ?? 'running') as Iteration['status']];
        const outcome = status ? `: ${status}` : '';
        return entry.op === 'insert' ? `planned “${mission}”${outcome}` : `finished planning “${mission}”${outcome}`;
      }
      case TABLES.missions: {
        const title = recordTitle(data, entry.id);
        if (entry.op === 'insert') return `created the mission “${title}”`;
        if (entry.op === 'delete') return `deleted the mission “${title}”`;
        if (entry.fields.state !== undefined && Object.keys(entry.fields).length <= 5) return `${STATE_VERB[String(entry.fields.state)] ?? 'changed'} the mission “${title}”`;
        if (entry.actor?.kind === 'system' && 'nextRunAt' in entry.fields) {
          const next = entry.fields.nextRunAt;
          return typeof next === 'string' ? `scheduled the next run of “${title}” for ${formatDateTime(next)}` : `finished a run of “${title}”`;
        }
        return `changed the mission “${title}”${changedFields(changedFieldNames(entry, null))}`;
      }
      case TABLES.agents:
        return entry.op === 'insert'
          ? `created the agent “${recordTitle({ title: data.name }, entry.id)}”`
          : `changed the agent “${recordTitle({ title: data.name }, entry.id)}”${changedFields(changedFieldNames(entry, null))}`;
    }
  }
  const m = moduleByLocation(entry.app, entry.table);
  const noun = m?.noun ?? 'record';
  const title = m?.module === 'kontext' ? '' : ` “${recordTitle(data, entry.id)}”`;
  if (entry.op === 'insert') return `created the ${noun}${title}`;
  if (entry.op === 'delete') return `deleted the ${noun}${title}`;
  const fields = changedFieldNames(entry, before);
  if (fields.length === 0 && Object.keys(entry.fields).some((f) => !BOOKKEEPING.has(f))) return `left the ${noun}${title} as it was (nothing changed)`;
  if (entry.fields.done === true && fields.includes('done')) return `completed the ${noun}${title}`;
  return `changed the ${noun}${title}${changedFields(fields)}`;
}

export function describeEntry(entry: ActivityEntry, lookup: RecordLookup, names: DisplayNames, beforeOf: BeforeLookup = () => undefined): DescribedEntry {
  const ai = entry.actor?.kind === 'ai' ? entry.actor : null;
  const record = lookup(recordKey(entry.app, entry.table, entry.id));
  const data = { ...(record?.data ?? {}), ...entry.fields };
  const proposalMission = entry.app === AI_APP && entry.table === TABLES.proposals && typeof data.missionId === 'string' ? data.missionId : null;
  return {
    ...who(entry, data, names),
    what: what(entry, data, lookup, names, beforeOf(entry.eventId)),
    missionId: ai?.missionId ?? proposalMission,
    rationale: ai?.rationale || null,
  };
}
