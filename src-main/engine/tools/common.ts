/** Helpers every module's tools share. */
import { wallClock } from '../../../src-shared/cadence';
import type { ModuleLocation } from '../../../src-shared/tools/modules';
import { type ToolContext, ToolError } from './types';

/** Today's date (YYYY-MM-DD) on the user's wall clock. */
export function todayIn(ctx: Pick<ToolContext, 'now' | 'timeZone'>): string {
  const w = wallClock(ctx.now, ctx.timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The live record or a ToolError the model (or the user approving) can act on. */
export function requireRecord<T>(ctx: ToolContext, where: ModuleLocation, id: string, what: string): T & { id: string } {
  const record = ctx.store.getData<T>(where.app, where.table, id);
  if (!record) throw new ToolError(`No ${what} with id "${id}" exists (it may have been deleted).`);
  return record;
}
