import { describe, expect, it } from 'vitest';
import type { Policy } from '../domain/ai';
import { TOOLS, TOOLS_BY_NAME, functionSchema, getTool, paramInfo } from './catalog';
import { MODULE_LOCATIONS } from './modules';
import { resolvePolicy } from './policy';

const REQUIRED_TOOLS = {
  todo: ['list_tasks', 'create_task', 'complete_task', 'update_task'],
  notes: ['list_notes', 'get_note', 'create_note', 'append_to_note', 'add_tag_to_note'],
  calendar: ['list_events', 'create_event'],
  goals: ['list_goals', 'create_goal', 'update_goal_progress'],
};

describe('tool catalog invariants', () => {
  it('has every tool the modules promise, under its module', () => {
    for (const [module, names] of Object.entries(REQUIRED_TOOLS)) {
      for (const name of names) expect(getTool(name)?.module, name).toBe(module);
    }
  });

  it('names are unique and by-name lookup covers them all', () => {
    const names = TOOLS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(TOOLS_BY_NAME.size).toBe(TOOLS.length);
  });

  it('every tool has a name, module, description, and a known record location', () => {
    for (const t of TOOLS) {
      expect(t.name, t.name).toMatch(/^[a-z][a-z_]+$/);
      expect(t.description.length, t.name).toBeGreaterThan(10);
      expect(MODULE_LOCATIONS.some((l) => l.module === t.module && l.app === t.app && l.table === t.table), t.name).toBe(true);
    }
  });

  it('every parameter is described', () => {
    for (const t of TOOLS) {
      for (const p of paramInfo(t)) expect(p.description.trim().length, `${t.name}.${p.name}`).toBeGreaterThan(3);
    }
  });

  it('defaults: reads auto, writes propose, never deny; both kinds exist', () => {
    for (const t of TOOLS) expect(t.defaultPolicy, t.name).toBe(t.kind === 'read' ? 'auto' : 'propose');
    expect(TOOLS.some((t) => t.kind === 'read')).toBe(true);
    expect(TOOLS.some((t) => t.kind === 'write')).toBe(true);
  });

  it('every tool has an OpenAI function schema of type object, without $schema', () => {
    for (const t of TOOLS) {
      const s = functionSchema(t);
      expect(s.type).toBe('function');
      expect(s.function.name).toBe(t.name);
      expect(s.function.parameters).toMatchObject({ type: 'object' });
      expect(s.function.parameters).not.toHaveProperty('$schema');
    }
  });

  it('every tool describes a call in plain words', () => {
    expect(getTool('create_task')!.describe({ title: 'Call Anna', dueDate: '2026-11-23', priority: 'high' })).toBe("Create task 'Call Anna' due Mon 23 Nov, high priority");
    // People read these lines: field names and ISO dates stay in the catalog's LLM-facing text.
    expect(getTool('update_task')!.describe({ taskId: 't1', dueDate: '2026-12-03', priority: 'high', description: 'x' })).toBe('Update task t1: due date → Thu 3 Dec, priority → high, new description');
    expect(getTool('list_tasks')!.describe({ filter: 'today' })).toBe('List tasks due today');
    expect(getTool('list_events')!.describe({ from: '2026-12-01', to: '2026-12-07T18:00' })).toBe('List events from Tue 1 Dec to Mon 7 Dec');
    for (const t of TOOLS) expect(t.describe({}).length, t.name).toBeGreaterThan(3);
  });

  it('every tool has a label for people, a short action without code words', () => {
    const labels = TOOLS.map((t) => t.label);
    expect(new Set(labels).size).toBe(labels.length);
    for (const t of TOOLS) {
      expect(t.label, t.name).toMatch(/^[A-Z][a-z ]+$/);
      expect(t.label, t.name).not.toContain('_');
    }
    expect(getTool('create_task')!.label).toBe('Create a task');
  });

  it('validates parameters the way the planner and the approval path need', () => {
    const ok = (name: string, p: unknown) => getTool(name)!.params.safeParse(p).success;
    expect(ok('list_tasks', { limit: '5' })).toBe(true); // numbers as strings are coerced
    expect(ok('create_task', { title: '  ' })).toBe(false);
    expect(ok('create_task', { title: 'x', priority: 'urgent' })).toBe(false);
    expect(ok('update_task', { taskId: 't1' })).toBe(false); // nothing to change
    expect(ok('update_task', { taskId: 't1', priority: 'low' })).toBe(true);
    expect(ok('create_event', { title: 'x', startTime: '2026-11-21T10:00', endTime: '2026-11-21T09:00' })).toBe(false);
    expect(ok('create_event', { title: 'x', startTime: '2026-11-21T10:00', endTime: '2026-11-21T11:00' })).toBe(true);
    expect(ok('create_event', { title: 'x', startTime: 'tomorrow', endTime: '2026-11-21T11:00' })).toBe(false);
    expect(ok('add_tag_to_note', { noteId: 'n', tag: 'two words' })).toBe(false);
    expect(ok('create_note', { content: '' })).toBe(false);
  });
});

describe('policy: tool, then module, then the agent fallback, then the default', () => {
  const createTask = getTool('create_task')!;
  const listTasks = getTool('list_tasks')!;
  const policy = (p: Partial<Policy>): Policy => ({ tools: {}, modules: {}, fallback: null, ...p });

  it('defaults: reads auto, writes propose', () => {
    expect(resolvePolicy(createTask, null)).toBe('propose');
    expect(resolvePolicy(listTasks, policy({}))).toBe('auto');
  });

  it('a tool entry beats a module entry, which beats the fallback', () => {
    expect(resolvePolicy(createTask, policy({ tools: { create_task: 'auto' }, modules: { todo: 'deny' }, fallback: 'deny' }))).toBe('auto');
    expect(resolvePolicy(createTask, policy({ modules: { todo: 'deny' }, fallback: 'auto' }))).toBe('deny');
    expect(resolvePolicy(createTask, policy({ fallback: 'auto' }))).toBe('auto');
  });

  it('a read never needs review; a read can still be denied', () => {
    expect(resolvePolicy(listTasks, policy({ fallback: 'propose' }))).toBe('auto');
    expect(resolvePolicy(listTasks, policy({ modules: { todo: 'deny' } }))).toBe('deny');
  });
});
