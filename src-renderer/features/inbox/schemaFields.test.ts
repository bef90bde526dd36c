import { describe, expect, it } from 'vitest';
import { getTool } from '../../../src-shared/tools/catalog';
import { formFields, fromFormValues, toDateTimeInput, toFormValues, validateParams } from './schemaFields';

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

  it('labels parameters and hints at them in words for people, not the catalog text for the model', () => {
    const fields = formFields(tool('update_task'));
    expect(fields.map((f) => f.label)).toEqual(['Task', 'Title', 'Due date', 'Priority', 'Description']);
    for (const f of fields) expect(f.hint, f.name).not.toMatch(/YYYY|id of|\bId\b/);
    expect(fields.find((f) => f.name === 'dueDate')?.hint).toBe('Leave empty to keep the current due date.');
    expect(formFields(tool('create_event')).find((f) => f.name === 'startTime')?.hint).not.toContain('YYYY');
  });

  it('shows a date-time as its picker expects it, in the user zone, and keeps an untouched value as the model wrote it', () => {
    expect(toDateTimeInput('2026-12-01T09:00', 'Europe/Berlin')).toBe('2026-12-01T09:00');
    expect(toDateTimeInput('2026-12-01 09:00:30', 'Europe/Berlin')).toBe('2026-12-01T09:00');
    expect(toDateTimeInput('2026-12-01T08:00:00Z', 'Europe/Berlin')).toBe('2026-12-01T09:00');
    const fields = formFields(tool('create_event'));
    const params = { title: 'Focus', startTime: '2026-12-01T08:00:00Z', endTime: '2026-12-01T10:00:00Z' };
    const values = toFormValues(fields, params, 'Europe/Berlin');
    expect(values.startTime).toBe('2026-12-01T09:00');
    expect(fromFormValues(fields, values, { values, params })).toEqual(params);
    expect(fromFormValues(fields, { ...values, endTime: '2026-12-01T12:00' }, { values, params })).toEqual({ ...params, endTime: '2026-12-01T12:00' });
  });

  it('round-trips params, leaving out empty optional fields and reading numbers', () => {
    const fields = formFields(tool('update_goal_progress'));
    const values = toFormValues(fields, { goalId: 'g1', value: 3 }, 'UTC');
    expect(values).toEqual({ goalId: 'g1', value: '3', mode: '' });
    expect(fromFormValues(fields, { ...values, value: '4.5' })).toEqual({ goalId: 'g1', value: 4.5 });
  });

  it('reports problems per field and for the whole form', () => {
    const t = tool('create_task');
    expect(validateParams(t, { title: 'ok' }).ok).toBe(true);
    const bad = validateParams(t, { title: '', dueDate: 'friday' });
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(['dueDate', 'title']);
    expect(bad.fieldErrors).toEqual({ title: "Title can't be empty", dueDate: 'Due date must be a real date' });
    const nothing = validateParams(tool('update_task'), { taskId: 't1' });
    expect(nothing.formErrors).toEqual(['Change at least one field']);
  });
});
