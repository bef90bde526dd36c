/** What the hydrate page (browser) reports to hydrate.bench.ts (Node). */
export interface HydrateResult {
  /** records read back through the replica's read layer after hydrating */
  stored: number;
  /** records per `sync.snapshot` page (the renderer's SNAPSHOT_LIMIT) */
  pageSize: number;
  /** chunk rows written, and records that got a row of their own in the overlay instead */
  chunks: number;
  overlayRows: number;
  /** the renderer's hydrate, first request to last commit: the median of `runsMs` */
  ms: number;
  /** each hydration of a new replica, in order */
  runsMs: number[];
  /** fetching the same pages without writing them: the engine's and HTTP's share */
  fetchOnlyMs: number;
  /**
   * bare IndexedDB puts of the same chunk rows, about as many per transaction as hydration wrote:
   * the like-for-like reference, the median of `rawIdbChunksRunsMs` (as many runs as hydrations)
   */
  rawIdbChunksMs: number;
  rawIdbChunksRunsMs: number[];
  /** for context, once: bare IndexedDB puts of the same records one row each, same pages (store with the overlay's indexes / key only) */
  rawIdbMs: number;
  rawIdbNoIndexMs: number;
}

/** What the probe in the app's page (hydrate.probe.page.ts) reports. */
export interface ProbeFacts {
  /** every long task so far (ms since navigation start) */
  longTasks: { start: number; duration: number }[];
  /** when every pending card was first actionable */
  inboxUsableAt: number | null;
  /** the app's hydration marks (src-renderer/db/hydrator.ts) and the records it applied */
  start: number | null;
  hydrated: number | null;
  records: number | null;
}

/** One decision: click to the first frame without the card (ms since navigation start). */
export interface ApprovalTiming {
  ms: number;
  start: number;
  end: number;
}
