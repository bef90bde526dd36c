import type { Priority, Task } from '../../../src-shared/tools/modules';
import { TASKS } from '../../../src-shared/tools/modules';
import { requireRecord, todayIn } from './common';
import type { ToolImpl } from './types';

type Filter = 'open' | 'completed' | 'overdue' | 'today' | 'all';

function matches(t: Task, filter: Filter, today: string): boolean {
  switch (filter) {
    case 'open':
      return !t.done;
    case 'completed':
      return !!t.done;
    case 'overdue':
      return !t.done && !!t.dueDate && t.dueDate < today;
    case 'today':
      return !t.done && t.dueDate === today;
    case 'all':
      return true;
  }
}

export const listTasks: ToolImpl<{ filter?: Filter; limit?: number }> = {
  name: 'list_tasks',
  run(ctx, { filter = 'open', limit = 50 }) {
    const today = todayIn(ctx);
    const tasks = ctx.store.listData<Task>(TASKS.app, TASKS.table).filter((t) => matches(t, filter, today));
    tasks.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || String(a.title).localeCompare(String(b.title)));
    return {
      result: tasks.slice(0, limit).map((t) => ({ id: t.id, title: t.title, dueDate: t.dueDate ?? null, priority: t.priority ?? null, done: !!t.done })),
      effects: [],
    };
  },
};

export const createTask: ToolImpl<{ title: string; dueDate?: string; priority?: Priority; description?: string }> = {
  name: 'create_task',
  run(ctx, p) {
    const id = ctx.newId('task');
    const fields: Task = {
      title: p.title,
      description: p.description ?? null,
      dueDate: p.dueDate ?? null,
      priority: p.priority ?? 'medium',
      done: false,
      completedAt: null,
      createdAt: ctx.now.toISOString(),
    };
    return { result: { taskId: id }, effects: [{ app: TASKS.app, table: TASKS.table, id, op: 'insert', fields: { ...fields } }] };
  },
};

export const completeTask: ToolImpl<{ taskId: string }> = {
  name: 'complete_task',
  run(ctx, { taskId }) {
    const task = requireRecord<Task>(ctx, TASKS, taskId, 'task');
    if (task.done) return { result: { taskId, alreadyDone: true }, effects: [] };
    return {
      result: { taskId },
      effects: [{ app: TASKS.app, table: TASKS.table, id: taskId, op: 'update', fields: { done: true, completedAt: ctx.now.toISOString() } }],
    };
  },
};

export const updateTask: ToolImpl<{ taskId: string; title?: string; dueDate?: string; priority?: Priority; description?: string }> = {
  name: 'update_task',
  run(ctx, { taskId, ...changes }) {
    requireRecord<Task>(ctx, TASKS, taskId, 'task');
    const fields = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    return { result: { taskId, changed: Object.keys(fields) }, effects: [{ app: TASKS.app, table: TASKS.table, id: taskId, op: 'update', fields }] };
  },
};

export const TODO_TOOLS = [listTasks, createTask, completeTask, updateTask] as ToolImpl<never>[];
