/**
 * The tool catalog: what the planner may call. Names, modules, descriptions, zod parameter schemas
 * (every parameter described), read|write and default policy live here, shared by the prompt
 * builder, the function-calling schemas, the engine's executor and the renderer's proposal cards.
 * Implementations live in the engine (src-main/engine/tools).
 */
import { z } from 'zod';
import type { PolicyDecision } from '../domain/ai';

export type ToolKind = 'read' | 'write';

export interface ToolDef {
  name: string;
  /** the module whose inbox shows this tool's proposals */
  module: string;
  app: string;
  table: string;
  description: string;
  kind: ToolKind;
  params: z.ZodObject;
  defaultPolicy: PolicyDecision;
  /** one line in plain words of what approving will do */
  describe(params: Record<string, unknown>): string;
}

const dateOnly = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v));

export function formatDay(iso: string): string {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T12:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
}

export const TOOLS: readonly ToolDef[] = [
  {
    name: 'list_tasks',
    module: 'todo',
    app: 'todo',
    table: 'tasks',
    description: 'List the user\'s tasks, optionally filtered.',
    kind: 'read',
    defaultPolicy: 'auto',
    params: z.object({
      filter: z.enum(['open', 'completed', 'overdue', 'today', 'all']).optional().describe('which tasks to list (default open)'),
      limit: z.coerce.number().int().min(1).max(200).optional().describe('maximum number of tasks (default 50)'),
    }),
    describe: (p) => `List ${str(p.filter) || 'open'} tasks`,
  },
  {
    name: 'create_task',
    module: 'todo',
    app: 'todo',
    table: 'tasks',
    description: 'Create a new task in the user\'s todo list.',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({
      title: z.string().trim().min(1).max(500).describe('short title of the task'),
      dueDate: dateOnly.optional().describe('due date as YYYY-MM-DD'),
      priority: z.enum(['low', 'medium', 'high']).optional().describe('priority (default medium)'),
      description: z.string().max(10_000).optional().describe('longer notes for the task'),
    }),
    describe: (p) => {
      const bits = [`Create task '${str(p.title)}'`];
      if (p.dueDate) bits.push(`due ${formatDay(str(p.dueDate))}`);
      const text = bits.join(' ');
      return p.priority ? `${text}, ${str(p.priority)} priority` : text;
    },
  },
  {
    name: 'complete_task',
    module: 'todo',
    app: 'todo',
    table: 'tasks',
    description: 'Mark an existing task as done.',
    kind: 'write',
    defaultPolicy: 'propose',
    params: z.object({ taskId: z.string().min(1).describe('id of the task to complete') }),
    describe: (p) => `Complete task ${str(p.taskId)}`,
  },
];

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

export function paramInfo(tool: ToolDef): ParamInfo[] {
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

/** OpenAI `tools` entry for native function calling. */
export function functionSchema(tool: ToolDef): { type: 'function'; function: { name: string; description: string; parameters: unknown } } {
  const parameters = z.toJSONSchema(tool.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete parameters.$schema;
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters } };
}
