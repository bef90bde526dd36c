// Types of scripts/bench-history.mjs for TypeScript importers (scripts/bench-table.test.ts).
import type { Row } from './bench-rows.mjs';

export interface LoadSample {
  when: string;
  at: string;
  /** 1, 5 and 15 minutes */
  loadAverage: number[];
  freeMemoryGb: number;
}

/** One recorded run of `npm run bench` (bench/history/*.json); `file` is added when read. */
export interface Run {
  format: number;
  date: string;
  mode: 'full' | 'quick';
  commit: { sha: string; subject: string; uncommitted: string[] | null } | null;
  machine: { cpus: number; model: string | null; memoryGb: number; platform?: string; node: string; engineFlags?: string[] };
  load: LoadSample[] | null;
  table: Row[];
  note?: string;
  file?: string;
  [key: string]: unknown;
}

export declare const RUN_FORMAT: number;
export declare function historyDir(root: string): string;
export declare function readHistory(dir: string): Run[];
export declare function runFileName(run: Pick<Run, 'date' | 'mode'>): string;
export declare function recordRun(dir: string, run: Run): string;
export declare function machineFacts(engineFlags: string[]): Run['machine'];
export declare function loadSample(when: string): LoadSample;
export declare function commitFacts(root: string): Run['commit'];
