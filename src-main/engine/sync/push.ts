/**
 * Pushing the device's own changes (checklist items 2 and 3 of docs/sync-protocol.md): the log
 * rows after the watermark, oldest first, per app, in requests of at most PUSH_BATCH changes and
 * PUSH_BATCH_BYTES. A 413 halves the request; a 400 parks the change it names (or, naming none,
 * the request is halved until the refused change is alone) and pushes the rest; a change is never
 * dropped. Network errors, 401 and the like are thrown to the client, which retries the same rows
 * later (the server stores nothing twice).
 */
import type { RecordKey } from '../store/history-queries';
import type { ChangeRow, RecordRow } from '../store/rows';
import type { Store } from '../store/store';
import { baseChange, keyOf } from './bases';
import { SyncHttpError } from './http';
import type { SyncHttp } from './http';
import { type IncomingPage, type OutgoingChange, outgoingChange } from './wire';

export const PUSH_BATCH = 1000;
/** Below the server's 10 MB body cap, with room for the envelope. */
export const PUSH_BATCH_BYTES = 8 * 1024 * 1024;

export interface PushDeps {
  store: Store;
  http: SyncHttp;
  now: () => Date;
  signal: AbortSignal;
  /** the oldest cursor among the app's collections: the `since` of a push */
  since: (app: string) => string;
  /** a push answered 200: its delta is applied (and paged) by the client */
  delta: (app: string, answer: IncomingPage) => Promise<void>;
  /** what could not be said to a user (a record's state the server refused: it has no log row to park) */
  log?: (line: string) => void;
}

interface Item {
  row: ChangeRow;
  change: OutgoingChange;
  bytes: number;
}

export class Pusher {
  /** changes the server stored (or already had) during this push */
  acknowledged = 0;

  constructor(private readonly deps: PushDeps) {}

  /** Pushes every own change after the watermark; moves the watermark as pages are acknowledged. */
  async pushPending(): Promise<void> {
    // checked without waiting: nothing pending is the common case, and costs no turn of the event loop
    if (this.nextBasesPending()) await this.pushBases();
    const state = this.deps.store.syncState;
    for (;;) {
      const through = this.deps.store.maxSeq();
      const after = state.pushedThrough();
      const rows = state.unpushed(after, through, PUSH_BATCH);
      if (rows.length === 0) {
        if (through > after) state.setPushedThrough(through);
        return;
      }
      await this.pushRows(rows);
      state.setPushedThrough(rows.length < PUSH_BATCH ? through : rows.at(-1)!.seq);
    }
  }

  /**
   * After binding a server that never saw this device's compacted history: each record with
   * compacted history as one change (bases.ts), a page at a time, resumed where it stopped.
   */
  private async pushBases(): Promise<void> {
    const state = this.deps.store.syncState;
    for (let rows = this.nextBases(); rows.length > 0; rows = this.nextBases()) {
      const at = this.deps.now().toISOString();
      await this.pushRows(rows.map((row) => baseChange(row, state.clientId(), at)));
      state.setBasesAfter(rows.length < PUSH_BATCH ? null : keyOf(rows.at(-1)!));
    }
  }

  private nextBasesPending(): boolean {
    const state = this.deps.store.syncState;
    if (state.basesAfter() === null) return false;
    if (this.deps.store.compactedThrough() > 0) return true;
    state.setBasesAfter(null); // nothing was ever compacted here: the log holds everything
    return false;
  }

  /** The next page of records to push as bases; none (and none pending any more) when done. */
  private nextBases(): RecordRow[] {
    const { store } = this.deps;
    const after = store.syncState.basesAfter();
    if (after === null) return [];
    const through = store.compactedThrough();
    const rows = through === 0 ? [] : store.history.compactedRecords(after.length === 3 ? (after as RecordKey) : null, through, PUSH_BATCH);
    if (rows.length === 0) store.syncState.setBasesAfter(null);
    return rows;
  }

  /**
   * Pushes these rows, app by app (a push carries one app's changes). Returns once each is
   * acknowledged or parked; throws (leaving the rest for next time) on any other failure.
   */
  async pushRows(rows: readonly ChangeRow[]): Promise<void> {
    const byApp = new Map<string, Item[]>();
    for (const row of rows) {
      const change = outgoingChange(row);
      if ('unreadable' in change) {
        this.park(row, `This change cannot be read from the local database (${change.unreadable}), so it cannot be sent.`);
        continue;
      }
      const items = byApp.get(row.app_id) ?? [];
      items.push({ row, change, bytes: JSON.stringify(change).length });
      byApp.set(row.app_id, items);
    }
    for (const [app, items] of byApp) {
      for (const chunk of bySize(items)) await this.pushChunk(app, chunk);
    }
  }

  private async pushChunk(app: string, chunk: Item[]): Promise<void> {
    if (chunk.length === 0) return;
    let answer: IncomingPage;
    try {
      answer = await this.deps.http.push(app, { since: this.deps.since(app), changes: chunk.map((i) => i.change) }, this.deps.signal);
    } catch (error) {
      if (!(error instanceof SyncHttpError)) throw error;
      if (error.kind === 'too-large') {
        if (chunk.length === 1) return this.park(chunk[0]!.row, 'This change is larger than the sync server accepts (10 MB), so it stays on this device.');
        return this.halves(app, chunk);
      }
      if (error.kind !== 'refused') throw error;
      const index = refusedIndex(error);
      if (index !== null && index < chunk.length) {
        this.park(chunk[index]!.row, refusalText(error));
        return this.pushChunk(app, chunk.filter((_, i) => i !== index));
      }
      if (chunk.length === 1) return this.park(chunk[0]!.row, refusalText(error));
      return this.halves(app, chunk);
    }
    this.acknowledged += chunk.length;
    for (const item of chunk) this.deps.store.syncState.unpark(item.row.seq);
    await this.deps.delta(app, answer);
  }

  private async halves(app: string, chunk: Item[]): Promise<void> {
    const middle = Math.ceil(chunk.length / 2);
    await this.pushChunk(app, chunk.slice(0, middle));
    await this.pushChunk(app, chunk.slice(middle));
  }

  private park(row: ChangeRow, reason: string): void {
    // a record's state (bases.ts) is no log row: it stays on this device, and its next change is pushed as usual
    if (row.seq === 0) return this.deps.log?.(`sync: the state of ${row.app_id}/${row.table_name}/${row.record_id} was not sent: ${reason}`);
    this.deps.store.syncState.park(row.seq, reason, this.deps.now().toISOString());
  }
}

/** Consecutive runs of items within PUSH_BATCH_BYTES (a single larger item goes alone; the server decides). */
function bySize(items: Item[]): Item[][] {
  const chunks: Item[][] = [];
  let current: Item[] = [];
  let bytes = 0;
  for (const item of items) {
    if (current.length > 0 && bytes + item.bytes > PUSH_BATCH_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.bytes + 1;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/** The index of the change a 400 names: `issues[].path` ["changes", i, …] or "Change i is invalid". */
export function refusedIndex(error: SyncHttpError): number | null {
  for (const issue of error.body?.issues ?? []) {
    if (issue.path?.[0] === 'changes' && typeof issue.path[1] === 'number') return issue.path[1];
  }
  const m = /^Change (\d+) is invalid/.exec(error.body?.message ?? error.message);
  return m ? Number(m[1]) : null;
}

/** The server's reason, for people: without the index of a request they never saw. */
function refusalText(error: SyncHttpError): string {
  const message = (error.body?.message ?? error.message).replace(/^Change \d+ is invalid:\s*/, '');
  return `The sync server refused this change: ${message}`;
}
