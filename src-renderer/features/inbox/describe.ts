/**
 * Proposals in plain words: the line on the card ("Create task 'Call Anna' due Fri 27 Nov, high
 * priority"), the record an update targets, and the before/after of the fields it changes. A
 * record is always named by its title, never by its id.
 */
import type { Proposal } from '../../../src-shared/domain/ai';
import { getTool, type ToolDef } from '../../../src-shared/tools/catalog';

type Describable = Pick<Proposal, 'toolName' | 'params' | 'summary'>;

/** The parameter holding the id of the record a tool reads or changes (taskId, noteId, goalId), if any. */
export function recordParam(tool: ToolDef): string | null {
  return Object.keys(tool.params.shape).find((name) => /Id$/.test(name)) ?? null;
}

/** The parameter holding the id of the record a write tool changes; null for reads and creates. */
export function targetParam(tool: ToolDef): string | null {
  return tool.kind === 'write' ? recordParam(tool) : null;
}

/** The record a step reads or changes, or null for tools that create one or read many. */
export function targetOf(p: Pick<Proposal, 'toolName' | 'params'>): { app: string; table: string; id: string } | null {
  const tool = getTool(p.toolName);
  const param = tool && recordParam(tool);
  const id = param ? p.params[param] : undefined;
  return tool && typeof id === 'string' && id ? { app: tool.app, table: tool.table, id } : null;
}

/**
 * How the target record is named in the line: its title; "…" while it is being looked up
 * (undefined); "(deleted)" when it does not exist (null). Never its id.
 */
function targetName(title: string | null | undefined): string {
  if (title === undefined) return '…';
  return title === null ? '(deleted)' : `'${title}'`;
}

/**
 * The one plain-words line of what approving a proposal (or running a step) does. With the
 * target's current record, fields the update would set to the value they already have are left
 * out of the line, and a change that changes nothing says so.
 */
export function describeProposal(p: Describable, targetTitle?: string | null, current?: Record<string, unknown> | null): string {
  const tool = getTool(p.toolName);
  if (!tool) return p.summary || 'A step this version of the app does not know';
  const param = recordParam(tool);
  const unchanged = current ? unchangedFields(p, current) : [];
  const params = Object.fromEntries(Object.entries(p.params).filter(([k]) => !unchanged.includes(k)));
  if (param) params[param] = targetName(targetTitle);
  let line: string;
  try {
    line = tool.describe(params);
  } catch {
    line = tool.label;
  }
  const diff = current ? diffOf(p, current) : null;
  return diff && diff.length > 0 && diff.every((r) => r.unchanged) ? `${line} (nothing would change)` : line;
}

/** The fields an update would set to the value they already have ("high → high"). */
export function unchangedFields(p: Pick<Proposal, 'toolName' | 'params'>, current: Record<string, unknown> | null | undefined): string[] {
  return (diffOf(p, current) ?? []).filter((r) => r.unchanged).map((r) => r.field);
}

export interface DiffRow {
  field: string;
  before: unknown;
  after: unknown;
  /** 'append': `after` is only the text added at the end of `before` */
  mode?: 'append';
  /** true when `after` equals `before`: the field would not change */
  unchanged?: boolean;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function marked(rows: DiffRow[]): DiffRow[] {
  return rows.map((r) => (r.mode !== 'append' && same(r.before, r.after) ? { ...r, unchanged: true } : r));
}

/**
 * What an update changes on the current record: one row per field, current value vs the value after
 * approval. Null for proposals that create records (their params are the whole story).
 */
export function diffOf(p: Pick<Proposal, 'toolName' | 'params'>, current: Record<string, unknown> | null | undefined): DiffRow[] | null {
  const tool = getTool(p.toolName);
  if (!tool || !targetParam(tool)) return null;
  return marked(rowsOf(tool, p.params, current ?? {}));
}

function rowsOf(tool: ToolDef, params: Record<string, unknown>, record: Record<string, unknown>): DiffRow[] {
  switch (tool.name) {
    case 'complete_task':
      return [{ field: 'done', before: record.done === true, after: true }];
    case 'append_to_note':
      return [{ field: 'content', before: String(record.content ?? ''), after: String(params.content ?? ''), mode: 'append' }];
    case 'add_tag_to_note': {
      const tags = Array.isArray(record.tags) ? record.tags.map(String) : [];
      const tag = String(params.tag ?? '').replace(/^#/, '');
      return [{ field: 'tags', before: tags, after: tags.some((t) => t.toLowerCase() === tag.toLowerCase()) ? tags : [...tags, tag] }];
    }
    case 'update_goal_progress': {
      const before = Number(record.currentValue ?? 0);
      const value = Number(params.value ?? 0);
      return [{ field: 'progress', before, after: params.mode === 'set' ? value : before + value }];
    }
    default: {
      // Generic updates (update_task): every passed field except the target id.
      const param = targetParam(tool);
      return Object.entries(params)
        .filter(([field, value]) => field !== param && value !== undefined)
        .map(([field, value]) => ({ field, before: record[field] ?? null, after: value }));
    }
  }
}
