/** A prepared read of `records` that settles the pending projection first (see `Store.settle`). */
export interface RecordsQuery {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** Prepares trusted SQL over `records` as a RecordsQuery; the Store hands one to its repositories. */
export type PrepareRecordsQuery = (sql: string) => RecordsQuery;
