import { describe, expect, it } from 'vitest';
import { changeKey } from './change-key';

const key = (tool: string, params: Record<string, unknown>) => changeKey(tool, params, 'Europe/Berlin');

describe('changeKey: when two steps are the same change', () => {
  it('ignores key order, surrounding spaces and absent values', () => {
    expect(key('create_task', { title: 'Call Anna', description: 'Friday', priority: undefined })).toBe(key('create_task', { description: ' Friday ', title: '  Call Anna' }));
  });

  it('applies the schema (coercion) before comparing', () => {
    expect(key('list_tasks', { limit: '5' })).toBe(key('list_tasks', { limit: 5 }));
  });

  it('compares date-times as the instants they stand for in the user zone; dates stay dates', () => {
    const a = key('create_event', { title: 'Dentist', startTime: '2026-11-23T10:00', endTime: '2026-11-23T11:00' });
    expect(key('create_event', { title: 'Dentist', startTime: '2026-11-23 10:00:00', endTime: '2026-11-23T10:00:00Z' })).toBe(a);
    expect(key('create_event', { title: 'Dentist', startTime: '2026-11-23T10:00', endTime: '2026-11-23T11:30' })).not.toBe(a);
    expect(key('create_task', { title: 'x', dueDate: '2026-11-27' })).not.toBe(key('create_task', { title: 'x', dueDate: '2026-11-28' }));
  });

  it('differs by tool and by target record', () => {
    expect(key('complete_task', { taskId: 't1' })).not.toBe(key('complete_task', { taskId: 't2' }));
    expect(key('create_task', { title: 'x' })).not.toBe(key('create_note', { title: 'x' }));
  });
});
