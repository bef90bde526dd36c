/**
 * The tool catalog: what the planner may call. Names, modules, descriptions, zod parameter schemas
 * (every parameter described), read|write and default policy live here, shared by the prompt
 * builder, the function-calling schemas, the engine's executor and the renderer's proposal cards.
 * Implementations live in the engine (src-main/engine/tools).
 */
import { z } from 'zod';
import type { PolicyDecision } from '../domain/ai';
import { CalendarDate, DateOrDateTime, DateTime } from '../dates';
import { EVENTS, GOALS, NOTES, TASKS } from './modules';
import { id, limit, line, linePattern, rationale, sentJsonSchema, text, wordPattern } from './params';

export type ToolKind = 'read' | 'write';

export interface ToolDef {
  name: string;
  /** the module whose inbox shows this tool's proposals */
  module: string;
  app: string;
  table: string;
  /** what the model reads: how to use the tool (never shown to people) */
  description: string;
  /** what people read: the tool as a short action ("Create a task"), for policies, charts and timelines */
  label: string;
  kind: ToolKind;
  params: z.ZodObject;
  defaultPolicy: PolicyDecision;
  /** one line in plain words of what approving will do */
  describe(params: Record<string, unknown>): string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));
const quote = (v: unknown, max = 60) => {
  const text = str(v);
  return `'${text.length > max ? `${text.slice(0, max - 1)}…` : text}'`;
};

/** One formatter for every day shown (toLocaleDateString with options makes a new one per call: lists of decisions showed it). */
const DAY_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });

export function formatDay(iso: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return DAY_FORMAT.format(d);
}

/** Compares two date-time params as written (zone-less as UTC): exact when both carry or both lack a zone. */
function endsAfterStart(p: { startTime?: string; endTime?: string }): boolean {
  if (!p.startTime || !p.endTime) return true;
  const parse = (t: string) => Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(t) ? t.replace(' ', 'T') : `${t.replace(' ', 'T')}Z`);
  return parse(p.endTime) > parse(p.startTime);
}

const TASK_FILTER_WORDS: Record<string, string> = {
  open: 'open tasks',
  completed: 'completed tasks',
  overdue: 'overdue tasks',
  today: 'tasks due today',
  all: 'all tasks',
};

const TODO_TOOLS: ToolDef[] = [
  {
    name: 'list_tasks',
    ...TASKS,
    description: "List the user's tasks, optionally filtered.",
    label: 'Look through your tasks',
    kind: 'read',
    defaultPolicy: 'auto',
    params: z.object({
      filter: z.enum(['open', 'completed', 'overdue', 'today', 'all']).optional().describe('which tasks to list (default open)'),
      limit: limit('tasks', 50),
    }),
    describe: (p) => `List ${TASK_FILTER_WORDS[str(p.filter)] ?? 'open tasks'}`,
  },
  {
    name: 'create_task',
    ...TASKS,
    description: "Create a new task in the user's todo list.",
    label: 'Create a task',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({
      title: line(500, 'short title of the task'),
      dueDate: CalendarDate.optional().describe('due date as YYYY-MM-DD'),
      priority: z.enum(['low', 'medium', 'high']).optional().describe('priority (default medium)'),
      description: text(10_000, 500, 'longer notes for the task').optional(),
    }),
    describe: (p) => {
      const bits = [`Create task ${quote(p.title)}`];
      if (p.dueDate) bits.push(`due ${formatDay(str(p.dueDate))}`);
      const text = bits.join(' ');
      return p.priority ? `${text}, ${str(p.priority)} priority` : text;
    },
  },
  {
    name: 'complete_task',
    ...TASKS,
    description: 'Mark an existing task as done.',
    label: 'Complete a task',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({ taskId: id('task to complete') }),
    describe: (p) => `Complete task ${str(p.taskId)}`,
  },
  {
    name: 'update_task',
    ...TASKS,
    description: 'Change the title, due date, priority or description of an existing task. Pass only the fields to change.',
    label: 'Change a task',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z
      .object({
        taskId: id('task to change'),
        title: line(500, 'new title').optional(),
        dueDate: CalendarDate.optional().describe('new due date as YYYY-MM-DD'),
        priority: z.enum(['low', 'medium', 'high']).optional().describe('new priority'),
        description: text(10_000, 500, 'new description (replaces the old one)').optional(),
      })
      .refine((p) => p.title !== undefined || p.dueDate !== undefined || p.priority !== undefined || p.description !== undefined, {
        message: 'pass at least one of title, dueDate, priority, description',
      }),
    describe: (p) => {
      const changes: string[] = [];
      if (p.title !== undefined) changes.push(`title → ${quote(p.title)}`);
      if (p.dueDate !== undefined) changes.push(`due date → ${formatDay(str(p.dueDate))}`);
      if (p.priority !== undefined) changes.push(`priority → ${str(p.priority)}`);
      if (p.description !== undefined) changes.push('new description');
      return `Update task ${str(p.taskId)}${changes.length ? `: ${changes.join(', ')}` : ''}`;
    },
  },
];

const NOTES_TOOLS: ToolDef[] = [
  {
    name: 'list_notes',
    ...NOTES,
    description: "List the user's notes (id, title, tags, start of the content), newest first, optionally matching a search text.",
    label: 'Look through your notes',
    kind: 'read',
    defaultPolicy: 'auto',
    params: z.object({
      query: z.string().max(200).meta({ pattern: linePattern(60), description: 'only notes whose title, content or tags contain this text (case-insensitive)' }).optional(),
      limit: limit('notes', 20),
    }),
    describe: (p) => (p.query ? `Search notes for ${quote(p.query)}` : 'List notes'),
  },
  {
    name: 'get_note',
    ...NOTES,
    description: 'Read one note in full.',
    label: 'Read a note',
    kind: 'read',
    defaultPolicy: 'auto',
    params: z.object({ noteId: id('note') }),
    describe: (p) => `Read note ${str(p.noteId)}`,
  },
  {
    name: 'create_note',
    ...NOTES,
    description: 'Create a new note.',
    label: 'Write a new note',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({
      title: z.string().trim().max(500).meta({ pattern: linePattern(120), description: 'title of the note' }).optional(),
      content: text(100_000, 1000, 'the text of the note (Markdown)', 1),
    }),
    describe: (p) => `Create note ${p.title ? quote(p.title) : quote(p.content, 40)}`,
  },
  {
    name: 'append_to_note',
    ...NOTES,
    description: 'Append text at the end of an existing note.',
    label: 'Add text to a note',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({ noteId: id('note'), content: text(100_000, 1000, 'the text to append (Markdown)', 1) }),
    describe: (p) => `Append ${quote(p.content, 40)} to note ${str(p.noteId)}`,
  },
  {
    name: 'add_tag_to_note',
    ...NOTES,
    description: 'Add a tag to an existing note.',
    label: 'Tag a note',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({
      noteId: id('note'),
      tag: z
        .string()
        .trim()
        .min(1)
        .max(100)
        .regex(/^[^\s,]+$/, 'one word, no spaces or commas')
        .meta({ pattern: wordPattern(40, ','), description: 'the tag, one word' }),
    }),
    describe: (p) => `Tag note ${str(p.noteId)} with #${str(p.tag)}`,
  },
];

const CALENDAR_TOOLS: ToolDef[] = [
  {
    name: 'list_events',
    ...EVENTS,
    description: "List calendar events overlapping a time range (default: today and the next 7 days).",
    label: 'Look at your calendar',
    kind: 'read',
    defaultPolicy: 'auto',
    params: z.object({
      from: DateOrDateTime.optional().describe('start of the range, YYYY-MM-DD or YYYY-MM-DDTHH:MM in the user\'s time zone (default today)'),
      to: DateOrDateTime.optional().describe('end of the range, inclusive for a date (default 7 days after from)'),
    }),
    describe: (p) => `List events${p.from ? ` from ${formatDay(str(p.from).slice(0, 10))}` : ''}${p.to ? ` to ${formatDay(str(p.to).slice(0, 10))}` : ''}`,
  },
  {
    name: 'create_event',
    ...EVENTS,
    description: "Create an event in the user's calendar.",
    label: 'Add a calendar event',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z
      .object({
        title: line(500, 'title of the event'),
        startTime: DateTime.describe("start, YYYY-MM-DDTHH:MM in the user's time zone (or an ISO instant)"),
        endTime: DateTime.describe("end, YYYY-MM-DDTHH:MM in the user's time zone (or an ISO instant); after the start"),
        location: z.string().max(500).meta({ pattern: linePattern(120), description: 'where it takes place' }).optional(),
        description: text(10_000, 500, 'details').optional(),
      })
      .refine(endsAfterStart, { message: 'endTime must be after startTime', path: ['endTime'] }),
    describe: (p) => `Create event ${quote(p.title)} on ${formatDay(str(p.startTime).slice(0, 10))} ${str(p.startTime).slice(11, 16)}–${str(p.endTime).slice(11, 16)}`,
  },
];

const GOALS_TOOLS: ToolDef[] = [
  {
    name: 'list_goals',
    ...GOALS,
    description: "List the user's goals with their progress.",
    label: 'Look at your goals',
    kind: 'read',
    defaultPolicy: 'auto',
    params: z.object({}),
    describe: () => 'List goals',
  },
  {
    name: 'create_goal',
    ...GOALS,
    description: 'Create a goal, optionally with a numeric target per period (e.g. 3 workouts a week).',
    label: 'Set a new goal',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({
      title: line(500, 'what the user wants to achieve'),
      targetValue: z.coerce.number().positive().max(1e9).optional().describe('the number to reach'),
      period: z.enum(['day', 'week', 'month']).optional().describe('the period the target applies to'),
    }),
    describe: (p) => `Create goal ${quote(p.title)}${p.targetValue !== undefined ? `: ${str(p.targetValue)}${p.period ? ` per ${str(p.period)}` : ''}` : ''}`,
  },
  {
    name: 'update_goal_progress',
    ...GOALS,
    description: "Record progress on a goal: add to its current value (default) or set it.",
    label: 'Record progress on a goal',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({
      goalId: id('goal'),
      value: z.coerce.number().min(-1e9).max(1e9).describe('the amount to add, or the new value when mode is set'),
      mode: z.enum(['add', 'set']).optional().describe('add to the current value (default) or set it'),
    }),
    describe: (p) => (p.mode === 'set' ? `Set progress of goal ${str(p.goalId)} to ${str(p.value)}` : `Add ${str(p.value)} to goal ${str(p.goalId)}`),
  },
];

export const TOOLS: readonly ToolDef[] = [...TODO_TOOLS, ...NOTES_TOOLS, ...CALENDAR_TOOLS, ...GOALS_TOOLS];

export const TOOLS_BY_NAME: ReadonlyMap<string, ToolDef> = new Map(TOOLS.map((t) => [t.name, t]));

export function getTool(name: string): ToolDef | undefined {
  return TOOLS_BY_NAME.get(name);
}

/** Parameter lines for prompts and forms: name, type, enum, required, description. */
export interface ParamInfo {
  name: string;
  type: string;
  enum?: string[];
  required: boolean;
  description: string;
}

// The catalog is static: derive each tool's JSON schema once, not on every planning run.
const paramInfoCache = new WeakMap<ToolDef, ParamInfo[]>();
const jsonSchemaCache = new WeakMap<ToolDef, Record<string, unknown>>();

export function paramInfo(tool: ToolDef): ParamInfo[] {
  let info = paramInfoCache.get(tool);
  if (!info) {
    info = computeParamInfo(tool);
    paramInfoCache.set(tool, info);
  }
  return info;
}

function computeParamInfo(tool: ToolDef): ParamInfo[] {
  const schema = z.toJSONSchema(tool.params, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, { type?: string; enum?: string[]; description?: string; anyOf?: unknown[] }>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => ({
    name,
    type: p.type ?? (p.enum ? 'string' : 'string'),
    enum: p.enum,
    required: required.has(name),
    description: p.description ?? '',
  }));
}

/**
 * OpenAI `tools` entry for native function calling: the parameters as sent to the model (see
 * params.ts); write tools also take the `rationale` the user reviews, required.
 */
export function functionSchema(tool: ToolDef): { type: 'function'; function: { name: string; description: string; parameters: unknown } } {
  let parameters = jsonSchemaCache.get(tool);
  if (!parameters) {
    parameters = sentJsonSchema(tool.params);
    if (tool.kind === 'write') {
      parameters.properties = { ...(parameters.properties as Record<string, unknown>), rationale: sentJsonSchema(rationale) };
      parameters.required = [...((parameters.required as string[] | undefined) ?? []), 'rationale'];
    }
    jsonSchemaCache.set(tool, parameters);
  }
  // A copy: the cached schema is shared by every run.
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: structuredClone(parameters) } };
}
