import { useMemo } from 'react';
import { z } from 'zod';
import { isCalendarDate } from '../../../src-shared/dates';
import { Attribution } from '../../../src-shared/domain/actor';
import { TASKS } from '../../../src-shared/tools/modules';
import { parseRecords, useRecords } from '../../db/hooks';

export const PRIORITIES = ['low', 'medium', 'high'] as const;

/** Tasks are written by this UI and by approved `create_task` proposals; read them leniently. */
export const Task = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullish(),
  dueDate: z.string().nullish(),
  priority: z.string().nullish(),
  done: z.boolean().nullish().transform((v) => v ?? false),
  completedAt: z.string().nullish(),
  createdAt: z.string().nullish(),
  createdBy: Attribution.nullish(),
});
export type Task = z.infer<typeof Task>;

/** A due date from the form: a real calendar day, or none when the field is empty. */
export function dueDateOf(text: string): string | null {
  const value = text.trim();
  if (value === '') return null;
  if (!isCalendarDate(value)) throw new Error(`"${value}" is not a date on the calendar; pick a due date, or leave it empty.`);
  return value;
}

function compareTasks(a: Task, b: Task): number {
  if (a.done !== b.done) return a.done ? 1 : -1;
  if (a.done) return (b.completedAt ?? '').localeCompare(a.completedAt ?? '');
  // Open tasks: dated first, earliest due first, then newest.
  if ((a.dueDate ?? '') !== (b.dueDate ?? '')) {
    if (!a.dueDate) return 1;
    if (!b.dueDate) return -1;
    return a.dueDate.localeCompare(b.dueDate);
  }
  return (b.createdAt ?? '').localeCompare(a.createdAt ?? '');
}

export function useTasks(): Task[] | undefined {
  const records = useRecords(TASKS.app, TASKS.table);
  return useMemo(() => parseRecords(records, Task)?.sort(compareTasks), [records]);
}
