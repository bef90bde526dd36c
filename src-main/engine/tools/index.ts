/** The implementations of the catalog's tools, one file per module. */
import { TOOLS } from '../../../src-shared/tools/catalog';
import { CALENDAR_TOOLS } from './calendar';
import { GOALS_TOOLS } from './goals';
import { NOTES_TOOLS } from './notes';
import { TODO_TOOLS } from './todo';
import type { ToolImpl } from './types';

const IMPLS = new Map<string, ToolImpl>(([...TODO_TOOLS, ...NOTES_TOOLS, ...CALENDAR_TOOLS, ...GOALS_TOOLS] as ToolImpl[]).map((t) => [t.name, t]));

export function toolImpl(name: string): ToolImpl | undefined {
  return IMPLS.get(name);
}

/** Catalog entries without an implementation (a test keeps this empty). */
export function missingImplementations(): string[] {
  return TOOLS.filter((t) => !IMPLS.has(t.name)).map((t) => t.name);
}
