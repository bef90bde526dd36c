import { useEffect, useState } from 'react';
import { writeRecord } from '../../db/write';
import { formatDate, formatDateTime } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { TASKS_TABLE, TODO_APP, useTasks, type Task } from './data';

function TaskItem({ task }: { task: Task }) {
  // The box follows the click at once; the replica catches up a moment later.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  const toggle = useAction(async (done: boolean) => {
    setOptimistic(done);
    try {
      await writeRecord(TODO_APP, TASKS_TABLE, task.id, { done, completedAt: done ? new Date().toISOString() : null });
    } catch (e) {
      setOptimistic(null);
      throw e;
    }
  });
  useEffect(() => {
    if (optimistic !== null && optimistic === task.done) setOptimistic(null);
  }, [optimistic, task.done]);
  const checked = optimistic ?? task.done;
  const overdue = !task.done && !!task.dueDate && task.dueDate.slice(0, 10) < new Date().toLocaleDateString('sv');
  return (
    <li className={checked ? 'task done' : 'task'}>
      <label className="task-check">
        <input type="checkbox" checked={checked} onChange={(e) => void toggle.run(e.target.checked)} disabled={toggle.busy} />
        <span className="task-title">{task.title}</span>
      </label>
      <span className="task-meta">
        {task.dueDate && <span className={overdue ? 'error' : 'muted'}>Due {formatDate(task.dueDate)}</span>}
        {task.priority && <span className={`badge priority-${task.priority}`}>{task.priority}</span>}
        {task.done && task.completedAt && <span className="muted">Done {formatDateTime(task.completedAt)}</span>}
        {task.createdBy?.kind === 'ai' && <span className="badge agent">by {task.createdBy.displayName ?? 'an agent'}</span>}
      </span>
      {task.description && <p className="muted prewrap">{task.description}</p>}
      {toggle.error && (
        <p className="error" role="alert">
          {toggle.error}
        </p>
      )}
    </li>
  );
}

export function TaskList() {
  const tasks = useTasks();
  if (!tasks) return <p className="muted">Loading…</p>;
  if (tasks.length === 0) return <p className="muted">No tasks yet.</p>;
  return (
    <ul className="tasks">
      {tasks.map((t) => (
        <TaskItem key={t.id} task={t} />
      ))}
    </ul>
  );
}
