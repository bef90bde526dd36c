/**
 * Field names as people read them. Records, tool parameters and settings share field names
 * (title, dueDate, baseUrl…), so one dictionary names them everywhere: diff rows, form labels,
 * validation messages and the activity timeline.
 */
const LABELS: Record<string, string> = {
  // records and tool parameters
  title: 'Title',
  dueDate: 'Due date',
  priority: 'Priority',
  description: 'Description',
  done: 'Done',
  completedAt: 'Completed on',
  content: 'Text',
  tags: 'Tags',
  tag: 'Tag',
  startTime: 'Start',
  endTime: 'End',
  location: 'Location',
  targetValue: 'Target',
  currentValue: 'Progress',
  progress: 'Progress',
  period: 'Period',
  value: 'Amount',
  mode: 'How',
  taskId: 'Task',
  noteId: 'Note',
  goalId: 'Goal',
  // missions and agents
  objective: 'Objective',
  conceptMarkdown: 'Concept',
  inputs: 'Inputs',
  cadence: 'Cadence',
  expression: 'Cron expression',
  everyMinutes: 'Interval',
  agentId: 'Agent',
  state: 'State',
  name: 'Name',
  role: 'Role',
  systemPrompt: 'System prompt',
  policy: 'Policy',
  maxTokensPerDay: 'Daily token budget',
  maxConcurrentMissions: 'Max concurrent missions',
  // settings
  baseUrl: 'Base URL',
  model: 'Model',
  apiKey: 'API key',
  temperature: 'Temperature',
  timeoutMs: 'Timeout',
  plannerMode: 'Planner mode',
  maxTokens: 'Maximum answer length',
  maxAnswerChars: 'Longest answer (characters)',
  tickIntervalMs: 'Tick interval',
  concurrency: 'Concurrent LLM calls',
  timeZone: 'Time zone',
  paused: 'Pause',
};

/** dueDate -> "Due date", taskId -> "Task"; unknown names are split into words. */
export function fieldLabel(name: string): string {
  const known = LABELS[name];
  if (known) return known;
  const words = name.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase().trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
