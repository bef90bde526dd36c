import type { LocalChange, Store } from '../store/store';

export interface ToolContext {
  store: Store;
  now: Date;
  timeZone: string;
  /** ids for records a tool creates; deterministic when executing a proposal */
  newId(kind: string): string;
}

export interface ToolRun {
  result: unknown;
  effects: LocalChange[];
}

/** A failure the model or the user caused (missing record, bad reference): shown as is. */
export class ToolError extends Error {
  override name = 'ToolError';
}

export interface ToolImpl<P = Record<string, unknown>> {
  name: string;
  run(ctx: ToolContext, params: P): ToolRun;
}
