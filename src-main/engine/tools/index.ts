import { TOOLS } from '../../../src-shared/tools/catalog';
import { TODO_TOOLS } from './todo';
import type { ToolImpl } from './types';

const IMPLS = new Map<string, ToolImpl>(([...TODO_TOOLS] as ToolImpl[]).map((t) => [t.name, t]));

export function toolImpl(name: string): ToolImpl | undefined {
  return IMPLS.get(name);
}

/** Every catalog entry has an implementation (checked by a test, and here at start-up in dev). */
export function missingImplementations(): string[] {
  return TOOLS.filter((t) => !IMPLS.has(t.name)).map((t) => t.name);
}
