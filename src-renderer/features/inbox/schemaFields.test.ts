import { describe, expect, it } from 'vitest';
import { getTool } from '../../../src-shared/tools/catalog';
import { formFields, fromFormValues, labelOf, toFormValues, validateParams } from './schemaFields';

const tool = (name: string) => getTool(name)!;

describe('the edit form of a proposal', () => {
  it('picks an input per parameter from the schema', () => {
    const fields = formFields(tool('update_task'));
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['taskId', 'record', true],
      ['title', 'text', false],
      ['dueDate', 'date', false],
      ['priority', 'select', false],
      ['description', 'textarea', false],
    ]);
    expect(fields.find((f) => f.name === 'priority')?.options).toEqual(['low', 'medium', 'high']);
    expect(formFields(tool('create_event')).find((f) => f.name === 'startTime')?.kind).toBe('datetime');
    expect(formFields(tool('update_goal_progress')).find((f) => f.name === 'value')?.kind).toBe('number');
  });

  it('labels parameters in words', () => {
    expect(labelOf('dueDate')).toBe('Due date');
    expect(labelOf('taskId')).toBe('Task');
    expect(labelOf('title')).toBe('Title');
  });

  it('round-trips params, leaving out empty optional fields and reading numbers', () => {
    const fields = formFields(tool('update_goal_progress'));
    const values = toFormValues(fields, { goalId: 'g1', value: 3 });
    expect(values).toEqual({ goalId: 'g1', value: '3', mode: '' });
    expect(fromFormValues(fields, { ...values, value: '4.5' })).toEqual({ goalId: 'g1', value: 4.5 });
  });

  it('reports problems per field and for the whole form', () => {
    const t = tool('create_task');
    expect(validateParams(t, { title: 'ok' }).ok).toBe(true);
    const bad = validateParams(t, { title: '', dueDate: 'friday' });
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(['dueDate', 'title']);
    const nothing = validateParams(tool('update_task'), { taskId: 't1' });
    expect(nothing.formErrors[0]).toMatch(/at least one/);
  });
});
