import { TaskScheduleFields } from './TaskScheduleFields';
import { useState } from 'react';
import { TASKS } from '../../../src-shared/tools/modules';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { dueDateOf } from './data';

export function AddTaskForm() {
  const [title, setTitle] = useState('');
  const [dueDate, setDueDate] = useState('');
  const [priority, setPriority] = useState<string>('medium');
  const add = useAction(async () => {
    await writeRecord(
      TASKS.app,
      TASKS.table,
      newId(),
      { title: title.trim(), dueDate: dueDateOf(dueDate), priority, done: false, completedAt: null, createdAt: new Date().toISOString() },
      'insert',
    );
    setTitle('');
    setDueDate('');
    setPriority('medium');
  });

  return (
    <form className="inline-form" onSubmit={submitTo(add)} aria-label="New task">
      <label className="grow">
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} placeholder="What needs doing?" />
      </label>
      <TaskScheduleFields dueDate={dueDate} priority={priority} onDueDate={setDueDate} onPriority={setPriority} />
      <button type="submit" className="primary" disabled={add.busy || !title.trim()}>
        Add task
      </button>
      <ErrorText error={add.error} />
    </form>
  );
}
