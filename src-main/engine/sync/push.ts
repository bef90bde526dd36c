/**
 * Pushing the device's own changes (checklist items 2 and 3 of docs/sync-protocol.md): the log
 * rows after the watermark, oldest first, per app, in requests of at most PUSH_BATCH changes and
 * PUSH_BATCH_BYTES. A 413 halves the request; a 400 parks the change it names (or, naming none,
 * the request is halved until the refused change is alone) and pushes the rest; a change is never
 * dropped. Network errors, 401 and the like are thrown to the client, which retries the same rows
 * later (the server stores nothing twice).
 */
import type { ChangeRow } from '../store/rows';
import type { Store } from '../store/store';
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
