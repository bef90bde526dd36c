import { TaskScheduleFields } from './TaskScheduleFields';
import { useState } from 'react';
import { TASKS } from '../../../src-shared/tools/modules';
import { writeRecord } from '../../db/write';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { dueDateOf, type Task } from './data';

export function EditTaskForm({ task, onDone }: { task: Task; onDone: () => void }) {
  const [title, setTitle] = useState(task.title);
  const [description, setDescription] = useState(task.description ?? '');
  const [dueDate, setDueDate] = useState(task.dueDate?.slice(0, 10) ?? '');
  const [priority, setPriority] = useState(task.priority ?? 'medium');
  const save = useAction(async () => {
    const next = { title: title.trim(), description: description.trim() || null, dueDate: dueDateOf(dueDate), priority };
    // Only changed fields are written, so a concurrent edit of another field is not overwritten.
    const changed = Object.fromEntries(Object.entries(next).filter(([k, v]) => v !== ((task as Record<string, unknown>)[k] ?? null)));
    if (Object.keys(changed).length) await writeRecord(TASKS.app, TASKS.table, task.id, changed);
    onDone();
  });
  return (
    <form className="edit-form stack" onSubmit={submitTo(save)} aria-label={`Edit task ${task.title}`} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} autoFocus />
      </label>
      <label>
        Description
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={10_000} />
      </label>
      <div className="row">
        <TaskScheduleFields dueDate={dueDate} priority={priority} onDueDate={setDueDate} onPriority={setPriority} />
      </div>
      <ErrorText error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy || !title.trim()}>
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
