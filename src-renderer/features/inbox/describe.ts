/**
 * Proposals in plain words: the line on the card ("Create task 'Call Anna' due Fri 27 Nov, high
 * priority"), the record an update targets, and the before/after of the fields it changes.
 */
import type { Proposal } from '../../../src-shared/domain/ai';
import { getTool, type ToolDef } from '../../../src-shared/tools/catalog';

type Describable = Pick<Proposal, 'toolName' | 'params' | 'summary'>;

/** The parameter holding the id of the record a tool changes (taskId, noteId, goalId), if any. */
export function targetParam(tool: ToolDef): string | null {
  if (tool.kind !== 'write') return null;
  return Object.keys(tool.params.shape).find((name) => /Id$/.test(name)) ?? null;
}

/** The record a proposal would change, or null for tools that create one. */
export function targetOf(p: Pick<Proposal, 'toolName' | 'params'>): { app: string; table: string; id: string } | null {
  const tool = getTool(p.toolName);
  const param = tool && targetParam(tool);
  const id = param ? p.params[param] : undefined;
  return tool && typeof id === 'string' && id ? { app: tool.app, table: tool.table, id } : null;
}

/**
 * The one plain-words line of what approving a proposal does. With the target's title known, it
 * names the record ("Complete task 'Call Anna'") instead of showing its id.
 */
export function describeProposal(p: Describable, targetTitle?: string | null): string {
  const tool = getTool(p.toolName);
  if (!tool) return p.summary || `Run ${p.toolName}`;
  const param = targetParam(tool);
  const params = param && targetTitle ? { ...p.params, [param]: `'${targetTitle}'` } : p.params;
  try {
    return tool.describe(params);
  } catch {
    return tool.description;
  }
}

export interface DiffRow {
  field: string;
  before: unknown;
  after: unknown;
  /** 'append': `after` is only the text added at the end of `before` */
  mode?: 'append';
}

/**
 * What an update changes on the current record: one row per field, current value vs the value after
 * approval. Null for proposals that create records (their params are the whole story).
 */
export function diffOf(p: Pick<Proposal, 'toolName' | 'params'>, current: Record<string, unknown> | null | undefined): DiffRow[] | null {
  const tool = getTool(p.toolName);
  if (!tool || !targetParam(tool)) return null;
  const record = current ?? {};
  const params = p.params;
  switch (p.toolName) {
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
