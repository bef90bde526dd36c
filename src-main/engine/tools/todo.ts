import { type ToolContext, ToolError, type ToolImpl } from './types';
import { wallClock } from '../../../src-shared/cadence';

export interface Task {
  id: string;
  title: string;
  description?: string | null;
  dueDate?: string | null;
  priority?: 'low' | 'medium' | 'high' | null;
  done?: boolean;
  completedAt?: string | null;
  createdAt?: string;
}

export function todayIn(ctx: Pick<ToolContext, 'now' | 'timeZone'>): string {
  const w = wallClock(ctx.now, ctx.timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

function requireTask(ctx: ToolContext, taskId: string): Task {
  const task = ctx.store.getData<Task>('todo', 'tasks', taskId);
  if (!task) throw new ToolError(`No task with id "${taskId}" exists (it may have been deleted).`);
  return task;
}

export const listTasks: ToolImpl<{ filter?: 'open' | 'completed' | 'overdue' | 'today' | 'all'; limit?: number }> = {
  name: 'list_tasks',
  run(ctx, { filter = 'open', limit = 50 }) {
    const today = todayIn(ctx);
    const tasks = ctx.store.query<Task>('todo', 'tasks').filter((t) => {
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
    });
    tasks.sort((a, b) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.title.localeCompare(b.title));
    return {
      result: tasks.slice(0, limit).map((t) => ({ id: t.id, title: t.title, dueDate: t.dueDate ?? null, priority: t.priority ?? null, done: !!t.done })),
      effects: [],
    };
  },
};

export const createTask: ToolImpl<{ title: string; dueDate?: string; priority?: 'low' | 'medium' | 'high'; description?: string }> = {
  name: 'create_task',
  run(ctx, p) {
    const id = ctx.newId('task');
    const fields = {
      title: p.title,
      description: p.description ?? null,
      dueDate: p.dueDate ?? null,
      priority: p.priority ?? 'medium',
      done: false,
      completedAt: null,
      createdAt: ctx.now.toISOString(),
    };
    return { result: { taskId: id }, effects: [{ app: 'todo', table: 'tasks', id, op: 'insert', fields }] };
  },
};

export const completeTask: ToolImpl<{ taskId: string }> = {
  name: 'complete_task',
  run(ctx, { taskId }) {
    const task = requireTask(ctx, taskId);
    if (task.done) return { result: { taskId, alreadyDone: true }, effects: [] };
    return {
      result: { taskId },
      effects: [{ app: 'todo', table: 'tasks', id: taskId, op: 'update', fields: { done: true, completedAt: ctx.now.toISOString() } }],
    };
  },
};

export const TODO_TOOLS: ToolImpl<never>[] = [listTasks, createTask, completeTask] as ToolImpl<never>[];
