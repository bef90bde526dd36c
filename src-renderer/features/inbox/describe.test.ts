import { describe, expect, it } from 'vitest';
import { describeProposal, diffOf, targetOf } from './describe';

describe('proposals in plain words', () => {
  it('describes a create with its details', () => {
    expect(describeProposal({ toolName: 'create_task', params: { title: 'Call Anna', dueDate: '2026-11-27', priority: 'high' } })).toBe(
      "Create task 'Call Anna' due Fri 27 Nov, high priority",
    );
  });

  it('names the target record by its title when known', () => {
    expect(describeProposal({ toolName: 'complete_task', params: { taskId: 't1' } }, 'Call Anna')).toBe("Complete task 'Call Anna'");
    expect(describeProposal({ toolName: 'complete_task', params: { taskId: 't1' } })).toBe('Complete task t1');
  });

  it('falls back to the summary for an unknown tool', () => {
    expect(describeProposal({ toolName: 'teleport', params: {}, summary: 'Beam me up' })).toBe('Beam me up');
  });

  it('finds the record an update targets, none for a create', () => {
    expect(targetOf({ toolName: 'update_task', params: { taskId: 't1', title: 'x' } })).toEqual({ app: 'todo', table: 'tasks', id: 't1' });
    expect(targetOf({ toolName: 'append_to_note', params: { noteId: 'n1', content: 'x' } })).toEqual({ app: 'notes', table: 'notes', id: 'n1' });
    expect(targetOf({ toolName: 'create_task', params: { title: 'x' } })).toBeNull();
  });
});

describe('before/after of updates', () => {
  it('lists the changed task fields against the current record', () => {
    expect(diffOf({ toolName: 'update_task', params: { taskId: 't1', title: 'New', priority: 'low' } }, { title: 'Old', priority: 'high' })).toEqual([
      { field: 'title', before: 'Old', after: 'New' },
      { field: 'priority', before: 'high', after: 'low' },
    ]);
  });

  it('computes goal progress for add and set', () => {
    expect(diffOf({ toolName: 'update_goal_progress', params: { goalId: 'g', value: 2 } }, { currentValue: 3 })).toEqual([{ field: 'progress', before: 3, after: 5 }]);
    expect(diffOf({ toolName: 'update_goal_progress', params: { goalId: 'g', value: 2, mode: 'set' } }, { currentValue: 3 })).toEqual([
      { field: 'progress', before: 3, after: 2 },
    ]);
  });

  it('appends note text and adds a tag once', () => {
    expect(diffOf({ toolName: 'append_to_note', params: { noteId: 'n', content: 'more' } }, { content: 'text' })).toEqual([
      { field: 'content', before: 'text', after: 'more', mode: 'append' },
    ]);
    expect(diffOf({ toolName: 'add_tag_to_note', params: { noteId: 'n', tag: '#Work' } }, { tags: ['work'] })).toEqual([{ field: 'tags', before: ['work'], after: ['work'] }]);
  });

  it('has no diff for creates', () => {
    expect(diffOf({ toolName: 'create_task', params: { title: 'x' } }, null)).toBeNull();
  });
});
