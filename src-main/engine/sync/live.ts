/**
 * The live channel: one SSE stream per app (`/sync/{appId}/stream`) following the app's
 * collections from the app's cursor, so another device's change arrives here as it is pushed. Each
 * `changes` event is applied like a pull page. A stream that ends or fails closes them all and
 * tells the client, which retries through its back-off and reopens them after a good exchange.
 */
import type { SyncHttp } from './http';
import type { IncomingStreamEvent } from './wire';
import type { z } from 'zod';

export interface LiveDeps {
  http: SyncHttp;
  /** where each app's stream starts */
  since: (app: string) => string;
  onChanges: (app: string, event: z.infer<typeof IncomingStreamEvent>) => void;
  /** a heartbeat: the channel is alive, so nothing was missed */
  onAlive: () => void;
  /** every stream is open */
  onOpen: () => void;
  /** a stream ended or failed (not when closed here) */
  onLost: (error: unknown) => void;
}

export class LiveChannel {
  private controller: AbortController | null = null;
  private streams: Promise<void>[] = [];
  private opened = 0;
  private wanted = 0;

  constructor(private readonly deps: LiveDeps) {}

  get open(): boolean {
    return this.controller !== null && this.opened === this.wanted && this.wanted > 0;
  }

  get active(): boolean {
    return this.controller !== null;
  }

  /** Opens one stream per app (collections grouped by app); a no-op while streams are open. */
  start(collections: readonly { app: string; table: string }[]): void {
    if (this.controller) return;
    const byApp = new Map<string, string[]>();
    for (const c of collections) byApp.set(c.app, [...(byApp.get(c.app) ?? []), c.table]);
    const controller = (this.controller = new AbortController());
    this.opened = 0;
    this.wanted = byApp.size;
    this.streams = [...byApp].map(async ([app, tables]) => {
      try {
        const onOpen = () => {
          this.opened++;
          if (this.open) this.deps.onOpen();
        };
        const onChanges = (event: z.infer<typeof IncomingStreamEvent>) => this.deps.onChanges(app, event);
        await this.deps.http.stream(app, tables, this.deps.since(app), { onChanges, onOpen, onHeartbeat: this.deps.onAlive }, controller.signal);
        if (!controller.signal.aborted) this.lose(controller, new Error('The live channel was closed by the server.'));
      } catch (error) {
        if (!controller.signal.aborted) this.lose(controller, error);
      }
    });
  }

  private lose(controller: AbortController, error: unknown): void {
    if (this.controller !== controller) return;
    this.stop();
    this.deps.onLost(error);
  }

  /** Closes every stream (resolves once they have let go). */
  stop(): Promise<void> {
    this.controller?.abort();
    this.controller = null;
    this.opened = 0;
    const streams = this.streams;
    this.streams = [];
    return Promise.allSettled(streams).then(() => undefined);
  }
}
