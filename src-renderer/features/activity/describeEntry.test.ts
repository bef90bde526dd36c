import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../../src-shared/api';
import { describeEntry } from './describeEntry';

const names = { agents: new Map([['agent:default', 'Companion']]), missions: new Map([['m1', 'Weekly plan']]) };
const noRecords = () => undefined;

function entry(patch: Partial<ActivityEntry>): ActivityEntry {
  return {
    seq: 1,
    eventId: 'e1',
    app: 'todo',
    table: 'tasks',
    id: 't1',
    op: 'update',
    actor: { kind: 'ai', principalId: 'agent:default', displayName: 'Companion', missionId: 'm1', iterationId: 'i1', rationale: 'Due soon.' },
    origin: 'ai',
    createdAt: '2026-11-30T10:00:00.000Z',
    fields: { title: 'Call Anna', priority: 'high', dueDate: '2026-12-03' },
    ...patch,
  } as ActivityEntry;
}

describe('activity lines', () => {
  it('lists only the fields a change really changed', () => {
    const before = { title: 'Call Anna', priority: 'high', dueDate: null };
    const d = describeEntry(entry({}), noRecords, names, (id) => (id === 'e1' ? before : undefined));
    expect(d.what).toBe('changed the task “Call Anna”: due date');
    expect(d.who).toBe('Companion');
  });

  it('says when a change changed nothing, and lists every field when the old values are unknown', () => {
    const same = { title: 'Call Anna', priority: 'high', dueDate: '2026-12-03' };
    expect(describeEntry(entry({}), noRecords, names, () => same).what).toBe('left the task “Call Anna” as it was (nothing changed)');
    expect(describeEntry(entry({}), noRecords, names).what).toBe('changed the task “Call Anna”: title, priority, due date');
  });

  it('names statuses and states in words, never their codes', () => {
    const planned = describeEntry(entry({ app: 'ai', table: 'aiIterations', id: 'i1', op: 'insert', fields: { missionId: 'm1', status: 'awaiting-review' }, actor: null, origin: 'system' }), noRecords, names);
    expect(planned.what).toBe('planned “Weekly plan”: proposed changes for review');
    const paused = describeEntry(entry({ app: 'ai', table: 'aiMissions', id: 'm1', fields: { title: 'Weekly plan', state: 'paused' }, actor: null, origin: 'user' }), noRecords, names);
    expect(paused.what).toBe('paused the mission “Weekly plan”');
    const unknown = describeEntry(entry({ app: 'other', table: 'things', fields: { title: 'X' } }), noRecords, names);
    expect(unknown.what).not.toContain('other/things');
  });
});
