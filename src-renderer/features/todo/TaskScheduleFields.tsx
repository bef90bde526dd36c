import { PRIORITIES } from './data';

/** Due date and priority: the same two fields when adding and when editing a task. */
export function TaskScheduleFields(props: {
  dueDate: string;
  priority: string;
  onDueDate: (value: string) => void;
  onPriority: (value: string) => void;
}) {
  return (
    <>
      <label>
        Due date
        <input type="date" value={props.dueDate} onChange={(e) => props.onDueDate(e.target.value)} />
      </label>
      <label>
        Priority
        <select value={props.priority} onChange={(e) => props.onPriority(e.target.value)}>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
