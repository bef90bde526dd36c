/**
 * The live channel: `GET /sync/{appId}/stream?collections=a,b&since=` (SSE, reference §1.4). Each
 * stream first sends an `event: changes` per collection (pages until it has caught up), then one
 * whenever another client's push adds changes to a collection it follows, and `event: heartbeat`
 * every 30 s. A stream keeps a cursor per collection, so a notification only costs a query from
 * there. Notifications are in-process: one server process per database (docs/sync-protocol.md).
 */
import type { ServerResponse } from 'node:http';
import type { SyncStreamChanges } from '../../src-shared/domain/sync-protocol';
import { encodeCursor } from './cursor';
import type { SyncStorage } from './storage';

export const STREAM_HEARTBEAT_MS = 30_000;
/** SSE `retry:` sent to clients: how long an EventSource waits before reconnecting (as upstream's client). */
const RETRY_MS = 5_000;

export interface StreamSpec {
  userId: string;
  appId: string;
  clientId: string | null;
  tables: string[];
  afterSeq: number;
}

/** One open stream: its cursors, and a refresh that never runs twice at once. */
class StreamSession {
  private readonly cursors = new Map<string, number>();
  private readonly dirty = new Set<string>();
  private running = false;
  closed = false;

  constructor(
    readonly spec: StreamSpec,
    private readonly res: ServerResponse,
    private readonly storage: SyncStorage,
    private readonly pageSize: number,
    private readonly onError: (error: unknown) => void,
  ) {
    for (const t of spec.tables) this.cursors.set(t, spec.afterSeq);
  }

  write(frame: string): void {
    if (!this.closed) this.res.write(frame);
  }

  end(): void {
    this.closed = true;
    this.res.end();
  }

  /** Sends what is new in `tables` (all followed ones when omitted). */
  refresh(tables: readonly string[] = this.spec.tables, initial = false): void {
    for (const t of tables) if (this.cursors.has(t)) this.dirty.add(t);
    if (!this.running) void this.drain(initial);
  }

  private async drain(initial: boolean): Promise<void> {
    this.running = true;
    try {
      while (this.dirty.size > 0 && !this.closed) {
        const table = this.dirty.values().next().value as string;
        this.dirty.delete(table);
        await this.sendNew(table, initial);
      }
    } catch (error) {
      this.onError(error);
    } finally {
      this.running = false;
    }
  }

  /** Pages of one collection from its cursor until caught up (the first time even when empty). */
  private async sendNew(table: string, always: boolean): Promise<void> {
    for (;;) {
      const afterSeq = this.cursors.get(table)!;
      const page = await this.storage.changesSince(this.spec.userId, {
        appId: this.spec.appId,
        table,
        afterSeq,
        excludeClientId: this.spec.clientId,
        limit: this.pageSize,
      });
      if (this.closed) return;
      this.cursors.set(table, page.throughSeq);
      if (page.count > 0 || always) {
        const rest = JSON.stringify({ syncedUntil: encodeCursor(this.storage.storageId, page.throughSeq), hasMore: page.hasMore } satisfies Omit<SyncStreamChanges, 'table' | 'changes'>);
        // SyncStreamChanges, around the page's ready-made wire JSON (JSON text has no raw newlines)
        this.write(`event: changes\ndata: {"table":${JSON.stringify(table)},"changes":${page.wire},${rest.slice(1)}\n\n`);
      }
      if (!page.hasMore) return;
    }
  }
}

/** All open streams, by user; told about every push that added changes. */
export class StreamHub {
  private readonly byUser = new Map<string, Set<StreamSession>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly storage: SyncStorage,
    private readonly options: { pageSize: number; heartbeatMs: number; now: () => Date; log: (line: string) => void },
  ) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /** Takes over `res` as an event stream. */
  open(spec: StreamSpec, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    const session = new StreamSession(spec, res, this.storage, this.options.pageSize, (error) => {
      this.options.log(`sync stream for ${spec.appId}: ${(error as Error)?.message ?? String(error)}`);
      session.end(); // the client reconnects (retry:) and starts again from its cursor
    });
    let set = this.byUser.get(spec.userId);
    if (!set) this.byUser.set(spec.userId, (set = new Set()));
    set.add(session);
    res.on('close', () => {
      session.closed = true;
      set.delete(session);
      if (set.size === 0) this.byUser.delete(spec.userId);
    });
    session.refresh(spec.tables, true);
  }

  /** A push by `clientId` added changes to `tables` of `appId` for `userId`. */
  publish(userId: string, appId: string, clientId: string, tables: readonly string[]): void {
    for (const session of this.byUser.get(userId) ?? []) {
      if (session.spec.appId !== appId || (session.spec.clientId !== null && session.spec.clientId === clientId)) continue;
      session.refresh(tables);
    }
  }

  private beat(): void {
    const frame = `event: heartbeat\ndata: ${JSON.stringify({ at: this.options.now().toISOString() })}\n\n`;
    for (const set of this.byUser.values()) for (const session of set) session.write(frame);
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const set of this.byUser.values()) for (const session of set) session.end();
    this.byUser.clear();
  }
}
