/**
 * The sync client: mirrors this device's change log with a sync server (docs/sync-protocol.md),
 * ours or the upstream mana-sync. Electron main and the headless host both run it, inside the engine.
 *
 * One exchange ("cycle") at a time: push every own change the server has not acknowledged
 * (push.ts), then, in a full cycle, catch each app up with an app-wide delta and pull each
 * collection from its cursor while `hasMore` (receive.ts), and open the live channel (live.ts). This
 * file keeps the lifecycle, the state people see and what to do about failures. Pulled changes go through
 * the Store's append + LWW path (`applyRemote`), idempotent by event id, marked so they are never
 * pushed back. Cycles start at start-up, on a settings change, shortly after local changes, after a
 * lost live channel, on `syncNow`, and every SAFETY_NET_MS.
 *
 * Failures: no answer, 408, 429, 5xx → "offline", retried with full-jitter back-off; 401/403 →
 * "sign in again", nothing more is tried until the token changes or the user asks; a refused change
 * is parked with its reason (push.ts); an address that is no sync server → an error in words,
 * retried slowly. Time (now, timers, random) is injected.
 */
import { createHash } from 'node:crypto';
import type { ServerSyncStatus } from '../../../src-shared/api';
import type { Settings } from '../settings';
import type { RemoteChange, Store } from '../store/store';
import type { Timers, TimerHandle } from '../../timers';
import { BACKOFF_CAP_MS, backoffDelay } from './backoff';
import { type Collection, KNOWN_COLLECTIONS } from './collections';
import { type FetchLike, SyncHttp, SyncHttpError } from './http';
import { LiveChannel } from './live';
import { Pusher } from './push';
import { Receiver } from './receive';

/** Local changes are pushed this long after the last one (a burst goes in one request). */
export const PUSH_DEBOUNCE_MS = 250;
/** A full exchange at least this often, live channel or not. */
export const SAFETY_NET_MS = 5 * 60_000;
/** Own changes counted for the status, at most. */
export const WAITING_COUNT_CAP = 100_000;

export type ClaimVerdict =
  | { kind: 'won' }
  | { kind: 'lost'; by: string; at: string }
  /** the server has no claim endpoint (upstream mana-sync) */
  | { kind: 'no-claims' }
  /** no sync server is configured */
  | { kind: 'no-server' }
  /** the server cannot be asked now (offline, busy, token refused) */
  | { kind: 'unreachable' };

export interface SyncClientDeps {
  store: Store;
  settings: Settings;
  now: () => Date;
  timers: Timers;
  random?: () => number;
  fetch?: FetchLike;
  /** pulled changes were applied (tables touched) */
  changed: (touched: readonly Collection[]) => void;
  /** the state changed */
  emitStatus: (status: ServerSyncStatus) => void;
  /**
   * Called with a batch of pulled changes before they are applied; what it returns runs right
   * after (the runner notes plans of one due time made on two devices: runner/double-plans.ts).
   */
  beforeApply?: (changes: readonly RemoteChange[]) => (() => void) | void;
  log?: (line: string) => void;
}

interface Config {
  url: string;
  token: string;
  http: SyncHttp;
  controller: AbortController;
}

type CycleKind = 'push' | 'full';

export class SyncClient {
  private config: Config | null = null;
  private state: ServerSyncStatus['state'] = 'off';
  private lastSyncedAt: string | null = null;
  private offlineSince: string | null = null;
  private nextRetryAt: string | null = null;
  private lastError: string | null = null;
  private claims: ServerSyncStatus['claims'] = 'unknown';
  private unreadableReceived = 0;
  private attempt = 0;
  private cycle: Promise<void> | null = null;
  private again: CycleKind | null = null;
  private retryTimer: TimerHandle | null = null;
  private pushTimer: TimerHandle | null = null;
  private safetyTimer: TimerHandle | null = null;
  private live: LiveChannel | null = null;
  private stopped = false;
  private unsubscribe: (() => void) | null = null;
  private readonly random: () => number;
  private readonly receiver: Receiver;
  private firstExchangeDone!: () => void;
  /** settles after the first exchange once started (whatever its outcome), or at once when sync is off */
  private readonly firstExchange = new Promise<void>((resolve) => (this.firstExchangeDone = resolve));

  constructor(private readonly deps: SyncClientDeps) {
    this.random = deps.random ?? Math.random;
    this.receiver = new Receiver({
      store: deps.store,
      changed: deps.changed,
      ...(deps.beforeApply ? { beforeApply: deps.beforeApply } : {}),
      wroteOwn: () => this.localChanged(),
      unreadable: (n) => {
        this.unreadableReceived += n;
        this.deps.log?.(`sync: ${n} change(s) from the server could not be read and were skipped`);
      },
    });
  }

  /**
   * Resolves once the first exchange after start has ended (or sync is off, or after `maxMs`): the
   * runner waits for it before its first tick, so that a device that was away learns of plans made
   * meanwhile, and can claim, before it plans what it missed.
   */
  whenFirstExchanged(maxMs: number): Promise<void> {
    let timer: TimerHandle | null = null;
    const timeout = new Promise<void>((resolve) => {
      timer = this.deps.timers.setTimeout(resolve, maxMs);
      timer.unref?.();
    });
    return Promise.race([this.firstExchange, timeout]).finally(() => this.deps.timers.clearTimeout(timer));
  }

  /** Starts syncing as the settings say, and follows their changes (a second call does nothing). */
  start(): void {
    if (this.unsubscribe || this.stopped) return;
    this.unsubscribe = this.deps.settings.onChange(() => this.configure());
    this.configure();
  }

  /** Stops every request, stream and timer; resolves once the exchange in flight has let go. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.firstExchangeDone();
    this.unsubscribe?.();
    await this.disconnect();
  }

  /** The device's id towards the server (`X-Client-Id`, the claims' deviceId). */
  get clientId(): string {
    return this.deps.store.syncState.clientId();
  }

  /**
   * The first log seq the server has not acknowledged (a parked change or the first own change
   * after the watermark), or null (all acknowledged, or no server set): the history keeper's floor,
   * compaction keeps every row from there. A server set counts before the client connects to it
   * (no token yet, not started, offline): what waits for it must still be there to push.
   */
  oldestUnacknowledgedSeq(): number | null {
    return this.deps.settings.get().sync.serverUrl ? this.deps.store.syncState.oldestUnacknowledged() : null;
  }

  /** Whether the server answered the last exchange (so a stand-by runner leaves the planning to others). */
  get reachable(): boolean {
    return this.config !== null && (this.state === 'synced' || this.state === 'syncing');
  }

  /** Own changes were appended: push them soon. */
  localChanged(): void {
    if (!this.config || this.stopped || this.state === 'sign-in') return;
    this.deps.timers.clearTimeout(this.pushTimer);
    this.pushTimer = this.deps.timers.setTimeout(() => {
      this.pushTimer = null;
      void this.request('push');
    }, PUSH_DEBOUNCE_MS);
    this.pushTimer.unref?.();
  }

  /** A full exchange now (also after "sign in again"); resolves with the state after it. */
  async syncNow(): Promise<ServerSyncStatus> {
    if (this.config && this.state === 'sign-in') this.state = 'starting';
    await this.request('full');
    return this.status();
  }

  status(): ServerSyncStatus {
    const state = this.deps.store.syncState;
    return {
      state: this.state,
      serverUrl: this.config?.url ?? this.deps.settings.get().sync.serverUrl,
      deviceName: this.deps.settings.get().sync.deviceName,
      lastSyncedAt: this.lastSyncedAt,
      offlineSince: this.offlineSince,
      nextRetryAt: this.nextRetryAt,
      waiting: this.config ? state.waiting(WAITING_COUNT_CAP) : 0,
      parked: state.parkedCount(),
      lastError: this.lastError,
      live: this.live?.open ?? false,
      claims: this.claims,
      unreadableReceived: this.unreadableReceived,
    };
  }

  /** Pushes parked changes again (all, or one); those refused again stay parked with the new reason. */
  async retryParked(seq?: number): Promise<{ accepted: number; stillParked: number }> {
    const config = this.requireConfig();
    const state = this.deps.store.syncState;
    const rows = seq === undefined ? state.parkedAfter(0, 100_000) : state.parkedAfter(seq - 1, 1).filter((r) => r.seq === seq);
    const pusher = this.pusher(config);
    try {
      await pusher.pushRows(rows);
    } catch (error) {
      this.failed(error);
      throw new SyncHttpError(error instanceof SyncHttpError ? error.kind : 'network', this.lastError ?? 'The sync server could not be reached.');
    }
    this.emit();
    return { accepted: pusher.acknowledged, stillParked: state.parkedCount() };
  }

  /**
   * Claims a mission's due time at the server before it is planned (first claim wins). Never
   * throws: a server that cannot be asked is `unreachable`, and the exchange is retried as usual.
   */
  async claim(missionId: string, dueAt: string, signal?: AbortSignal): Promise<ClaimVerdict> {
    const config = this.config;
    if (!config) return { kind: 'no-server' };
    if (this.state === 'sign-in') return { kind: 'unreachable' };
    try {
      const answer = await config.http.claim('ai', missionId, dueAt, signal ? AbortSignal.any([signal, config.controller.signal]) : config.controller.signal);
      this.setClaims(answer ? 'supported' : 'unsupported');
      if (!answer) return { kind: 'no-claims' };
      return answer.won ? { kind: 'won' } : { kind: 'lost', by: answer.by, at: answer.at };
    } catch (error) {
      if (config.controller.signal.aborted || signal?.aborted) return { kind: 'unreachable' };
      this.failed(error);
      return { kind: 'unreachable' };
    }
  }

  // ---------------------------------------------------------------------------------------------
  // configuration

  /** (Re)reads the server URL and token; a new server or account starts over (store/sync-state.ts `bindServer`). */
  private configure(): void {
    if (this.stopped) return;
    const url = this.deps.settings.get().sync.serverUrl;
    const token = this.deps.settings.syncToken();
    if (this.config && this.config.url === url && this.config.token === token) return this.emit();
    void this.disconnect();
    this.lastError = null;
    this.offlineSince = null;
    this.claims = 'unknown';
    this.attempt = 0;
    if (!url || !token) {
      // sync off: compaction no longer waits for a server, so the next one starts over (bases.ts)
      if (!url) this.deps.store.syncState.forgetServer();
      this.firstExchangeDone();
      this.state = 'off';
      if (url && !token) this.lastError = 'Paste this device’s token from the sync server (`users add NAME` or `users token NAME` prints one).';
      return this.emit();
    }
    const state = this.deps.store.syncState;
    state.bindServer(`${url.replace(/\/+$/, '')} ${createHash('sha256').update(token).digest('hex').slice(0, 16)}`);
    state.follow([...KNOWN_COLLECTIONS, ...this.deps.store.collections()]);
    const controller = new AbortController();
    this.config = { url, token, controller, http: new SyncHttp({ baseUrl: url, token, clientId: state.clientId() }, this.deps.fetch) };
    this.live = new LiveChannel({
      http: this.config.http,
      since: (app) => state.appCursor(app),
      onChanges: (app, event) => {
        this.receiver.apply(app, event.changes);
        state.setCursor(app, event.table, event.syncedUntil);
        this.lastSyncedAt = this.deps.now().toISOString();
      },
      onAlive: () => {
        this.lastSyncedAt = this.deps.now().toISOString();
      },
      onOpen: () => this.emit(),
      onLost: (error) => this.failed(error),
    });
    this.state = 'starting';
    this.emit();
    void this.request('full');
  }

  private async disconnect(): Promise<void> {
    const config = this.config;
    this.config = null;
    config?.controller.abort();
    for (const t of [this.retryTimer, this.pushTimer, this.safetyTimer]) this.deps.timers.clearTimeout(t);
    this.retryTimer = this.pushTimer = this.safetyTimer = null;
    this.nextRetryAt = null;
    const live = this.live;
    this.live = null;
    await Promise.allSettled([live?.stop(), this.cycle]);
  }

  private requireConfig(): Config {
    if (!this.config) throw new SyncHttpError('not-sync-server', 'Sync is off: set the server address and this device’s token in Settings → Sync.');
    return this.config;
  }

  // ---------------------------------------------------------------------------------------------
  // exchanges

  /** Runs a cycle, or one more after the one in flight (a full one if either asked for it). */
  private request(kind: CycleKind): Promise<void> {
    if (!this.config || this.stopped || this.state === 'sign-in') return Promise.resolve();
    if (this.cycle) {
      this.again = this.again === 'full' || kind === 'full' ? 'full' : 'push';
      return this.cycle;
    }
    const config = this.config;
    this.cycle = (async () => {
      let next: CycleKind | null = kind;
      while (next && this.config === config) {
        this.again = null;
        await this.runCycle(config, next);
        this.firstExchangeDone();
        next = this.again;
      }
    })().finally(() => {
      this.cycle = null;
    });
    return this.cycle;
  }

  private async runCycle(config: Config, kind: CycleKind): Promise<void> {
    this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.nextRetryAt = null;
    if (this.state !== 'offline' && this.state !== 'error') this.setState('syncing');
    try {
      await this.pusher(config).pushPending();
      if (kind === 'full') await this.receiver.pullEverything(config.http, config.controller.signal);
    } catch (error) {
      if (config.controller.signal.aborted) return;
      this.failed(error);
      return;
    }
    if (config.controller.signal.aborted) return;
    this.attempt = 0;
    this.offlineSince = null;
    this.lastError = null;
    this.lastSyncedAt = this.deps.now().toISOString();
    this.state = 'synced';
    if (kind === 'full') this.armSafetyNet();
    this.live?.start(this.deps.store.syncState.cursors());
    this.emit();
  }

  private pusher(config: Config): Pusher {
    return new Pusher({
      store: this.deps.store,
      http: config.http,
      now: this.deps.now,
      signal: config.controller.signal,
      since: (app) => this.deps.store.syncState.appCursor(app),
      delta: (app, answer) => this.receiver.delta(config.http, config.controller.signal, app, answer),
      ...(this.deps.log ? { log: this.deps.log } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // failures and timers

  private failed(error: unknown): void {
    if (!this.config || this.stopped) return;
    void this.live?.stop();
    const kind = error instanceof SyncHttpError ? error.kind : 'internal';
    const message = (error as Error)?.message ?? String(error);
    if (kind === 'unauthorized') {
      this.lastError = `The sync server did not accept this device’s token (${message}). Paste a new one from the server (\`users token NAME\`).`;
      this.setState('sign-in');
      return;
    }
    if (kind === 'network' || kind === 'busy') {
      this.offlineSince ??= this.deps.now().toISOString();
      this.lastError = kind === 'busy' ? `The sync server is busy or has a problem (${message}).` : message;
      this.scheduleRetry(error instanceof SyncHttpError ? error.retryAfterMs : null, 'offline');
      return;
    }
    this.deps.log?.(`sync: ${(error as Error)?.stack ?? message}`);
    this.lastError = kind === 'internal' ? `Sync stopped on an error in this app: ${message}` : message;
    this.scheduleRetry(null, 'error', BACKOFF_CAP_MS);
  }

  private scheduleRetry(retryAfterMs: number | null, state: 'offline' | 'error', atLeastMs = 0): void {
    const delay = Math.max(atLeastMs, backoffDelay(this.attempt++, this.random, retryAfterMs));
    this.deps.timers.clearTimeout(this.retryTimer);
    this.nextRetryAt = new Date(this.deps.now().getTime() + delay).toISOString();
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.request('full');
    }, delay);
    this.retryTimer.unref?.();
    this.setState(state);
  }

  private armSafetyNet(): void {
    this.deps.timers.clearTimeout(this.safetyTimer);
    this.safetyTimer = this.deps.timers.setTimeout(() => {
      this.safetyTimer = null;
      void this.request('full');
    }, SAFETY_NET_MS);
    this.safetyTimer.unref?.();
  }

  private setClaims(claims: ServerSyncStatus['claims']): void {
    if (this.claims === claims) return;
    this.claims = claims;
    this.emit();
  }

  private setState(state: ServerSyncStatus['state']): void {
    this.state = state;
    this.emit();
  }

  private emit(): void {
    if (this.stopped) return;
    try {
      this.deps.emitStatus(this.status());
    } catch {
      // a broken listener must not stop sync
    }
  }
}
