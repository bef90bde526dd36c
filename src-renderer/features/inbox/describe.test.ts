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
    // Never the id: while the title is looked up, and when the record is gone.
    expect(describeProposal({ toolName: 'complete_task', params: { taskId: 't1' } })).toBe('Complete task …');
    expect(describeProposal({ toolName: 'complete_task', params: { taskId: 't1' } }, null)).toBe('Complete task (deleted)');
    expect(describeProposal({ toolName: 'get_note', params: { noteId: 'n1' } }, 'Stand-up')).toBe("Read note 'Stand-up'");
  });

  it('leaves out fields that already have the proposed value, and says when nothing would change', () => {
    const p = { toolName: 'update_task', params: { taskId: 't1', priority: 'high', dueDate: '2026-12-03' } };
    expect(describeProposal(p, 'Call Anna', { title: 'Call Anna', priority: 'high', dueDate: null })).toBe("Update task 'Call Anna': due date → Thu 3 Dec");
    expect(describeProposal(p, 'Call Anna', { title: 'Call Anna', priority: 'high', dueDate: '2026-12-03' })).toBe("Update task 'Call Anna' (nothing would change)");
    expect(describeProposal({ toolName: 'complete_task', params: { taskId: 't1' } }, 'Call Anna', { done: true })).toBe("Complete task 'Call Anna' (nothing would change)");
  });

  it('falls back to the summary for an unknown tool, never to its name', () => {
    expect(describeProposal({ toolName: 'teleport', params: {}, summary: 'Beam me up' })).toBe('Beam me up');
    expect(describeProposal({ toolName: 'teleport', params: {} })).not.toContain('teleport');
  });

  it('finds the record an update targets, none for a create', () => {
    expect(targetOf({ toolName: 'update_task', params: { taskId: 't1', title: 'x' } })).toEqual({ app: 'todo', table: 'tasks', id: 't1' });
    expect(targetOf({ toolName: 'append_to_note', params: { noteId: 'n1', content: 'x' } })).toEqual({ app: 'notes', table: 'notes', id: 'n1' });
    expect(targetOf({ toolName: 'create_task', params: { title: 'x' } })).toBeNull();
    expect(targetOf({ toolName: 'list_tasks', params: {} })).toBeNull();
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
    expect(diffOf({ toolName: 'add_tag_to_note', params: { noteId: 'n', tag: '#Work' } }, { tags: ['work'] })).toEqual([
      { field: 'tags', before: ['work'], after: ['work'], unchanged: true },
    ]);
  });

  it('marks a field set to the value it already has as unchanged ("high → high" is no change)', () => {
    expect(diffOf({ toolName: 'update_task', params: { taskId: 't1', title: 'Same', priority: 'high' } }, { title: 'Same', priority: 'low' })).toEqual([
      { field: 'title', before: 'Same', after: 'Same', unchanged: true },
      { field: 'priority', before: 'low', after: 'high' },
    ]);
  });

  it('has no diff for creates', () => {
    expect(diffOf({ toolName: 'create_task', params: { title: 'x' } }, null)).toBeNull();
  });
});
