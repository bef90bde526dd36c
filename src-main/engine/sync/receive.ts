/**
 * Receiving (checklist items 2 and 4 of docs/sync-protocol.md): a push answer's delta, paged when
 * the server pages it; a full catch-up per app (a push of nothing from the app's cursor) and per
 * collection (pull while `hasMore`); every page applied through the Store's append + LWW path
 * (`applyRemote`, one transaction per page, idempotent by event id) with its cursor stored after it.
 */
import type { RemoteChange, Store } from '../store/store';
import { type Collection, appsOf } from './collections';
import type { SyncHttp } from './http';
import { type IncomingPage, readChanges } from './wire';

export interface ReceiveDeps {
  store: Store;
  /** pulled changes were applied (tables touched) */
  changed: (touched: readonly Collection[]) => void;
  /** called before a page is applied; what it returns runs right after (client.ts SyncClientDeps) */
  beforeApply?: (changes: readonly RemoteChange[]) => (() => void) | void;
  /** what ran after a page wrote changes of this device's own: they are to be pushed */
  wroteOwn: () => void;
  /** changes of a page that could not be read (skipped) */
  unreadable: (count: number) => void;
}

export class Receiver {
  constructor(private readonly deps: ReceiveDeps) {}

  /**
   * A push answer's delta: applied; when the server pages it (ours), the rest is fetched and every
   * collection of the app, and the app's cursor, move to the final `syncedUntil`. An unpaged
   * answer (upstream: cut at 5,000 rows without saying so) moves no cursor.
   */
  async delta(http: SyncHttp, signal: AbortSignal, app: string, answer: IncomingPage): Promise<void> {
    let page = answer;
    this.apply(app, page.serverChanges);
    if (page.hasMore === undefined) return;
    while (page.hasMore) {
      page = await http.push(app, { since: page.syncedUntil, changes: [] }, signal);
      this.apply(app, page.serverChanges);
    }
    const state = this.deps.store.syncState;
    for (const c of state.cursors()) if (c.app === app) state.setCursor(app, c.table, page.syncedUntil);
    state.setAppCursor(app, page.syncedUntil);
  }

  /** Every app caught up app-wide (a push of nothing), then every collection pulled from its cursor while `hasMore`. */
  async pullEverything(http: SyncHttp, signal: AbortSignal): Promise<void> {
    const state = this.deps.store.syncState;
    for (const app of appsOf(state.cursors())) {
      const answer = await http.push(app, { since: state.appCursor(app), changes: [] }, signal);
      await this.delta(http, signal, app, answer);
      const paged = answer.hasMore !== undefined;
      let first = true;
      for (const c of state.cursors().filter((c) => c.app === app)) {
        // Just brought up to the app's cursor by the app-wide delta: nothing to pull.
        if (paged && c.cursor === state.appCursor(app)) continue;
        const cursor = await this.pullCollection(http, signal, c);
        // Upstream: the first collection's final cursor (its server time when read) is one the
        // whole app was complete at, since the others were read after it.
        if (!paged && first) state.setAppCursor(app, cursor);
        first = false;
      }
    }
  }

  private async pullCollection(http: SyncHttp, signal: AbortSignal, c: Collection & { cursor: string }): Promise<string> {
    let cursor = c.cursor;
    for (;;) {
      const page = await http.pull(c.app, c.table, cursor, signal);
      this.apply(c.app, page.serverChanges);
      cursor = page.syncedUntil;
      this.deps.store.syncState.setCursor(c.app, c.table, cursor);
      if (!page.hasMore) return cursor;
    }
  }

  /** A page of pulled changes through the Store (one transaction); new collections are followed. */
  apply(app: string, raw: readonly unknown[] | null | undefined): void {
    if (!raw || raw.length === 0) return;
    const { changes, unreadable } = readChanges(app, raw);
    if (unreadable > 0) this.deps.unreadable(unreadable);
    if (changes.length === 0) return;
    const touched = new Map<string, Collection>();
    for (const c of changes) touched.set(`${c.app}/${c.table}`, { app: c.app, table: c.table });
    this.deps.store.syncState.follow([...touched.values()]);
    const after = this.deps.beforeApply?.(changes);
    const { accepted } = this.deps.store.applyRemote(changes);
    if (after) {
      after();
      this.deps.wroteOwn();
    }
    if (accepted > 0) this.deps.changed([...touched.values()]);
  }
}
