// Types of scripts/run-child.mjs for TypeScript importers (tests).
import type { SpawnOptions } from 'node:child_process';
export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  error: Error | null;
}
export declare function runChild(command: string, args: string[], options?: SpawnOptions): Promise<ChildResult>;
export declare function exitLike(result: ChildResult): never;
