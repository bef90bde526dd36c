/**
 * The modules as the UI presents them: names, where their records live (from the shared module
 * locations, spelled once), their page, and how to name one of their records in a sentence.
 */
import { EVENTS, GOALS, KONTEXT, NOTES, TASKS, type ModuleLocation } from '../../../src-shared/tools/modules';
import type { ModulePage } from '../../lib/router';

export interface UiModule extends ModuleLocation {
  label: string;
  /** "task", "note": for sentences */
  noun: string;
  page: ModulePage | null;
}

export const UI_MODULES: readonly UiModule[] = [
  { ...TASKS, label: 'Todo', noun: 'task', page: 'todo' },
  { ...NOTES, label: 'Notes', noun: 'note', page: 'notes' },
  { ...EVENTS, label: 'Calendar', noun: 'event', page: 'calendar' },
  { ...GOALS, label: 'Goals', noun: 'goal', page: 'goals' },
  { ...KONTEXT, label: 'About me', noun: 'context document', page: 'notes' },
];

export function moduleByName(module: string): UiModule | undefined {
  return UI_MODULES.find((m) => m.module === module);
}

export function moduleByLocation(app: string, table: string): UiModule | undefined {
  return UI_MODULES.find((m) => m.app === app && m.table === table);
}

/** How a record is named in a sentence: its title, else the start of its content, else its id. */
export function recordTitle(data: Record<string, unknown> | null | undefined, id: string): string {
  const title = typeof data?.title === 'string' ? data.title.trim() : '';
  if (title) return title;
  const content = typeof data?.content === 'string' ? data.content.trim().split('\n')[0]!.replace(/^#+\s*/, '') : '';
  if (content) return content.length > 60 ? `${content.slice(0, 59)}…` : content;
  return id;
}
