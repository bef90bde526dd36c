import { useEffect, useState } from 'react';
import { TASKS } from '../../../src-shared/tools/modules';
import { deleteRecord, writeRecord } from '../../db/write';
import { formatDate, formatDateTime, localDay } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorText } from '../../ui/ErrorText';
import { AgentBadge, RowActions } from '../../ui/RecordRow';
import { showToast } from '../../ui/toasts';
import { useTasks, type Task } from './data';
import { EditTaskForm } from './EditTaskForm';

type Filter = 'open' | 'done' | 'all';

function TaskItem({ task }: { task: Task }) {
  const [editing, setEditing] = useState(false);
  // The box follows the click at once; the replica catches up a moment later.
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  const toggle = useAction(async (done: boolean) => {
    setOptimistic(done);
    try {
      await writeRecord(TASKS.app, TASKS.table, task.id, { done, completedAt: done ? new Date().toISOString() : null });
    } catch (e) {
      setOptimistic(null);
      throw e;
    }
  });
  const remove = useAction(async () => {
    await deleteRecord(TASKS.app, TASKS.table, task.id);
    showToast({ kind: 'info', title: `Deleted task “${task.title}”.` });
  });
  useEffect(() => {
    if (optimistic !== null && optimistic === task.done) setOptimistic(null);
  }, [optimistic, task.done]);
  const checked = optimistic ?? task.done;
  const overdue = !task.done && !!task.dueDate && task.dueDate.slice(0, 10) < localDay(Date.now());
  if (editing)
    return (
      <li className="task editing">
        <EditTaskForm task={task} onDone={() => setEditing(false)} />
      </li>
    );
  return (
    <li className={checked ? 'task done' : 'task'}>
      <label className="task-check">
        <input type="checkbox" checked={checked} onChange={(e) => void toggle.run(e.target.checked)} disabled={toggle.busy} />
        <span className="task-title">{task.title}</span>
      </label>
      <span className="task-meta">
        {task.dueDate && <span className={overdue ? 'error' : 'muted'}>{overdue ? 'Overdue: ' : 'Due '}{formatDate(task.dueDate)}</span>}
        {task.priority && <span className={`badge priority-${task.priority}`}>{task.priority}</span>}
        {task.done && task.completedAt && <span className="muted">Done {formatDateTime(task.completedAt)}</span>}
        <AgentBadge createdBy={task.createdBy} />
      </span>
      <RowActions onEdit={() => setEditing(true)} onDelete={() => void remove.run()} deleting={remove.busy} />
      {task.description && <p className="muted prewrap">{task.description}</p>}
      <ErrorText error={toggle.error ?? remove.error} />
    </li>
  );
}

export function TaskList() {
  const tasks = useTasks();
  const [filter, setFilter] = useState<Filter>('open');
  if (!tasks) return <p className="muted">Loading…</p>;
  const shown = tasks.filter((t) => filter === 'all' || (filter === 'done' ? t.done : !t.done));
  const count = (f: Filter) => tasks.filter((t) => f === 'all' || (f === 'done' ? t.done : !t.done)).length;
  return (
    <>
      <div className="segmented" role="group" aria-label="Show tasks">
        {(['open', 'done', 'all'] as const).map((f) => (
          <button key={f} type="button" aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f === 'open' ? 'Open' : f === 'done' ? 'Done' : 'All'} ({count(f)})
          </button>
        ))}
      </div>
      {shown.length === 0 ? (
        <EmptyState title={tasks.length === 0 ? 'No tasks yet.' : filter === 'open' ? 'Nothing open — well done.' : 'Nothing here.'}>
          {tasks.length === 0 && 'Add one above, or let a mission such as “Weekly planning from my notes” propose them.'}
        </EmptyState>
      ) : (
        <ul className="tasks">
          {shown.map((t) => (
            <TaskItem key={t.id} task={t} />
          ))}
        </ul>
      )}
    </>
  );
}
