// Types of scripts/bench-table.mjs for TypeScript importers (scripts/bench-table.test.ts).
import type { Run } from './bench-history.mjs';

export declare const BEGIN: string;
export declare const END: string;
export declare function renderTables(runs: Run[]): string;
export declare function withTables(readme: string, section: string): string;
export declare function readmeTables(root: string): { path: string; readme: string; expected: string };
export declare function writeReadmeTables(root: string): void;
