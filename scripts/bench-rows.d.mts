// Types of scripts/bench-rows.mjs for TypeScript importers (scripts/bench-table.test.ts).
export interface Row {
  /** the same from run to run */
  id: string;
  short: string;
  bench: string;
  result: string;
  reference: string;
  ratio: string;
  /** '' when the figure has no target */
  target: string;
  met: 'yes' | 'NO' | 'not measured' | '';
  /** the figure compared with the target, as shown in the history */
  figure: string;
}

export declare const TARGETS: {
  appendRatio: number;
  hydratePerSec: number;
  rssMb: number;
  runnerScanMs: number;
  inboxUsableSeconds: number;
  yearHydratePerSec: number;
  hydrationLongTaskMs: number;
  decisionMs: number;
  decisionLongTasks: number;
  heapMb: number;
  startSeconds: number;
  historyStepMs: number;
  yearDbMb: number;
};
export declare function benchRows(
  results: { engine: unknown; hydrate: unknown; runner: unknown; 'sync-server'?: unknown; 'sync-converge'?: unknown; history?: unknown },
  failures?: Partial<Record<'engine' | 'hydrate' | 'runner' | 'sync-server' | 'sync-converge' | 'history', string>>,
): Row[];
