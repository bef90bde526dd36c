/** What the hydrate page (browser) reports to hydrate.bench.ts (Node). */
export interface HydrateResult {
  records: number;
  pages: number;
  ms: number;
  /** waiting for a page (not overlapped with writing), merging, and IndexedDB (reads + bulkPut) */
  fetchWaitMs: number;
  mergeMs: number;
  idbMs: number;
  stored: number;
  /** bare IndexedDB puts of the same records, same pages (store with the replica's indexes / key only) */
  rawIdbMs: number;
  rawIdbNoIndexMs: number;
}
