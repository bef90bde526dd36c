/**
 * How the edit form of a proposal talks to people: a hint per parameter and words for enum
 * options. The catalog's parameter descriptions are written for the model ("due date as
 * YYYY-MM-DD", "id of the task to change") and stay there; these are what a person needs next to
 * a date picker or a select.
 */

/** `<tool>.<param>` first, then `<param>` for every tool. */
const HINTS: Record<string, string> = {
  'create_task.title': 'A short next step, verb first.',
  'create_task.description': 'Longer notes for the task.',
  'update_task.title': 'Leave empty to keep the current title.',
  'update_task.dueDate': 'Leave empty to keep the current due date.',
  'update_task.priority': 'Leave unset to keep the current priority.',
  'update_task.description': 'Replaces the current description; leave empty to keep it.',
  'create_note.content': 'Markdown works: lists, **bold**, tables.',
  'append_to_note.content': 'Added at the end of the note. Markdown works.',
  'add_tag_to_note.tag': 'One word, without spaces or commas.',
  'create_event.startTime': 'In your time zone.',
  'create_event.endTime': 'After the start.',
  'create_goal.targetValue': 'The number to reach each period, e.g. 3 runs a week.',
  'update_goal_progress.value': 'How much to add, or the new value when replacing.',
};

const OPTIONS: Record<string, Record<string, string>> = {
  priority: { low: 'Low', medium: 'Medium', high: 'High' },
  period: { day: 'Per day', week: 'Per week', month: 'Per month' },
  mode: { add: 'Add to the current value', set: 'Replace the current value' },
};

export function paramHint(toolName: string, param: string): string {
  return HINTS[`${toolName}.${param}`] ?? HINTS[param] ?? '';
}

/** An enum value as a person reads it in a select ("Per week" for week). */
export function optionLabel(param: string, value: string): string {
  return OPTIONS[param]?.[value] ?? value.charAt(0).toUpperCase() + value.slice(1);
}
