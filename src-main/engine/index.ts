/**
 * The engine: everything Mission Companion does, with no Electron import. Electron main and the
 * headless host both create one and expose `call` through their transport; tests drive it directly.
 */
import { ApiError, type EventName, type MethodName, type MethodOutput, type ParsedInput, parseInput } from '../../src-shared/api';
import { createHybridClock, randomNodeId } from '../../src-shared/hlc';
import type { HistorySettings, LlmSettings, RunnerSettings, SyncSettings } from '../../src-shared/domain/settings';
import { HistoryKeeper } from './history/keeper';
import { LlmClient, type LlmClientDeps, llmTimers } from './llm/client';
import { Proposals } from './proposals/service';
import { noteDoublePlans } from './runner/double-plans';
import { Runner } from './runner/runner';
import { FileSecretStore, type SecretStore, Settings } from './settings';
import { closeDatabase, type Db, type OpenCheck, type OpenReport, openDatabase, openReport } from './store/db';
import { SettingsTable } from './store/settings-table';
import { Store, type StoreLog } from './store/store';
import { SyncClient } from './sync/client';
import type { FetchLike } from './sync/http';
import { realTimers, type Timers } from '../timers';
import { createHandlers, createJsonHandlers, type Handlers } from './handlers';

export { DatabaseOpenError, type OpenCheck, type OpenReport } from './store/db';
export type { SecretStore } from './settings';

export interface EngineOptions {
  dataDir: string;
  secrets?: SecretStore;
  /** read the API key from this environment variable instead of the secret store */
  apiKeyEnv?: string | null;
  /** applied over the stored settings at start (and saved), e.g. from CLI flags; `syncToken` goes to the secret store */
  overrides?: {
    llm?: Partial<LlmSettings>;
    runner?: Partial<RunnerSettings>;
    history?: Partial<HistorySettings>;
    sync?: Partial<SyncSettings>;
    syncToken?: string;
  };
  llmDeps?: LlmClientDeps;
  /**
   * where the engine's own log lines go (companion.log in the shells): failed LLM calls at warn,
   * what it could not say to a user (the sync client's skipped changes), and what the Store
   * recovered from or repaired
   */
  log?: EngineLog;
  now?: () => Date;
  /** the runner's timers (default: Node's); tests pass a manual clock */
  timers?: Timers;
  /** start the runner's timer (default true) */
  autoStart?: boolean;
  /**
   * The database check at open: `auto` (default) runs the full integrity check only after a session
   * that did not close cleanly, `full` always (and scans every log row's JSON; `serve --check-db`).
   */
  checkDatabase?: OpenCheck;
  /** start the sync client (default true); otherwise `engine.sync.start()` when ready */
  autoStartSync?: boolean;
  /** the sync client's random numbers (its back-off jitter) and fetch; tests pass their own */
  syncDeps?: { random?: () => number; fetch?: FetchLike };
}

export type EngineLog = (level: 'debug' | 'info' | 'warn' | 'error', scope: string, msg: string, fields?: Record<string, unknown>) => void;

export type EngineListener = (event: EventName, payload: unknown) => void;

/** How long the runner waits at start for the first exchange with the sync server. */
export const FIRST_EXCHANGE_WAIT_MS = 15_000;

export interface Engine {
  readonly dataDir: string;
  readonly store: Store;
  readonly runner: Runner;
  readonly settings: Settings;
  /** archives and compacts history once a day (README "Data and history"); a sync client sets its floor here */
  readonly history: HistoryKeeper;
  /** what opening the database checked, and why */
  readonly openReport: OpenReport;
  /** mirrors the log with a sync server when one is configured (engine/sync/) */
  readonly sync: SyncClient;
  call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>>;
  /** The same answer as `call`, as JSON text (what the HTTP host sends; some methods skip building objects). */
  callJson(method: MethodName, input: unknown): Promise<string>;
  on(listener: EngineListener): () => void;
  /**
   * Stops the runner and the sync client and closes the database. `settle: false` leaves pending
   * records unwritten, as a process killed at that moment would (tests of recovery; the next start
   * catches up from the log).
   */
  close(options?: { settle?: boolean }): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const db: Db = openDatabase(options.dataDir, { check: options.checkDatabase ?? 'auto' });
  try {
    return assemble(db, options);
  } catch (error) {
    db.close();
    throw error;
  }
}

function assemble(db: Db, options: EngineOptions): Engine {
  const now = options.now ?? (() => new Date());
  const secrets = options.secrets ?? new FileSecretStore(options.dataDir);
  const settingsTable = new SettingsTable(db);
  const settings = new Settings(settingsTable, secrets, options.apiKeyEnv ?? null);
  const overrides = options.overrides ?? {};
  if (overrides.llm || overrides.runner || overrides.history || overrides.sync || overrides.syncToken) {
    settings.update({
      ...(overrides.llm ? { llm: overrides.llm } : {}),
      ...(overrides.runner ? { runner: overrides.runner } : {}),
      ...(overrides.history ? { history: overrides.history } : {}),
      ...(overrides.sync ? { sync: overrides.sync } : {}),
      ...(overrides.syncToken ? { syncToken: overrides.syncToken } : {}),
    });
  }
  settings.bindEnvKeyToCurrentServer();
  const clock = createHybridClock(settings.localValue('hlc.nodeId', randomNodeId), () => now().getTime());
  const storeLog: StoreLog = (message, error, fields) =>
    options.log?.('warn', 'store', message, { ...fields, ...(error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) }) });
  const store = new Store(db, clock, { now, log: storeLog });
  // Rows appended since the last scan (all of them when asked for the full check).
  store.quarantineUnreadableRows({ full: options.checkDatabase === 'full' });
  const epoch = repairAtOpen(store, settingsTable, storeLog);
  const listeners = new Set<EngineListener>();
  const tell = (event: string, payload: unknown) => {
    for (const l of listeners) {
      try {
        l(event as EventName, payload);
      } catch {
        // a broken transport must not break the engine
      }
    }
  };
  // Every local change is announced as sync.changed: the sync client pushes it soon after. The
  // client and the runner know each other (claims one way, pulled missions the other): late-bound.
  const late: { sync?: SyncClient; runner?: Runner } = {};
  const emit = (event: string, payload: unknown) => {
    tell(event, payload);
    if (event === 'sync.changed') late.sync?.localChanged();
  };
  const timers = options.timers ?? realTimers;
  const log = options.log;
  // The LLM's time is the engine's: its clock for latencies and deadlines, its timers for attempt
  // timeouts and back-off waits (tests: the test clock).
  const llm = new LlmClient(
    () => {
      const s = settings.get().llm;
      return { baseUrl: s.baseUrl, model: s.model, apiKey: settings.apiKey(), timeoutMs: s.timeoutMs, temperature: s.temperature, maxTokens: s.maxTokens, maxAnswerChars: s.maxAnswerChars };
    },
    { now: () => now().getTime(), ...llmTimers(timers), log: ({ level, msg, ...fields }) => log?.(level, 'llm', msg, fields), ...options.llmDeps },
  );
  const sync = (late.sync = new SyncClient({
    store,
    settings,
    now,
    timers,
    ...options.syncDeps,
    // Pulled changes: replicas pull them; the runner re-arms (and aborts runs of missions paused elsewhere).
    changed: (touched) => {
      tell('sync.changed', { seq: store.maxSeq() });
      late.runner?.onDataChanged(touched);
    },
    emitStatus: (status) => tell('syncServer.status', status),
    beforeApply: (changes) => noteDoublePlans(store, changes),
    ...(log ? { log: (line: string) => log('warn', 'sync', line) } : {}),
  }));
  const runner = (late.runner = new Runner({
    store,
    settings,
    llm,
    emit,
    now,
    timers,
    claimServer: sync,
    device: () => ({ id: sync.clientId, name: settings.get().sync.deviceName }),
  }));
  const changed = (touched?: readonly { app: string; table: string }[]) => {
    emit('sync.changed', { seq: store.maxSeq() });
    runner.onDataChanged(touched);
  };
  const proposals = new Proposals({ store, now, timeZone: () => settings.get().runner.timeZone, changed });
  const history = new HistoryKeeper({ store, settings, now, timers, changed });
  // Compaction never removes a change the sync server has not acknowledged (nor a parked one).
  history.addFloor(() => sync.oldestUnacknowledgedSeq());
  const handlers: Handlers = createHandlers({ store, settings, runner, proposals, llm, history, sync, now, epoch, changed });
  const jsonHandlers = createJsonHandlers({ store, epoch });
  if (options.autoStart !== false) history.start();
  if (options.autoStartSync !== false) sync.start();
  let closed = false;
  // With a sync server, the runner's first tick waits for the first exchange (at most
  // FIRST_EXCHANGE_WAIT_MS): what it missed may have been planned elsewhere, and it claims first.
  if (options.autoStart !== false) {
    void sync.whenFirstExchanged(FIRST_EXCHANGE_WAIT_MS).then(() => {
      if (!closed) runner.start();
    });
  }
  /** A call's parsed input, once the engine is known to be open. */
  const accept = <M extends MethodName>(method: M, input: unknown): ParsedInput<M> => {
    if (closed) throw new ApiError('UNAVAILABLE', 'The engine is shutting down.');
    return parseInput(method, input);
  };

  return {
    dataDir: options.dataDir,
    store,
    runner,
    settings,
    history,
    openReport: openReport(db) ?? { check: 'none', reason: 'skipped', ms: 0 },
    sync,
    async call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>> {
      const parsed = accept(method, input);
      const handler = handlers[method] as (i: ParsedInput<M>) => Promise<MethodOutput<M>> | MethodOutput<M>;
      return handler(parsed);
    },
    async callJson(method, input) {
      const parsed = accept(method, input);
      const direct = jsonHandlers[method] as ((i: typeof parsed) => string | null) | undefined;
      const text = direct?.(parsed);
      if (text != null) return text;
      const handler = handlers[method] as (i: typeof parsed) => unknown;
      return JSON.stringify(await handler(parsed));
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      await Promise.all([runner.stop(), history.stop(), sync.stop()]);
      listeners.clear();
      try {
        // Pending records are written now so the next start need not catch up from the log.
        if (closeOptions.settle !== false) store.settle();
      } finally {
        // Leaves the clean-shutdown marker: the next open skips the full integrity check.
        closeDatabase(db);
      }
    },
  };
}

/** The settings row naming the replica epoch (see ReplicaEpoch in src-shared/api.ts). */
export const REPLICA_EPOCH_KEY = 'replica.epoch';

/**
 * Repairs records frozen by stamps from the future (store/frozen-stamps.ts) and returns the
 * replica epoch: a new one when the repair rewrote stamps replicas may hold, so they hydrate again.
 */
function repairAtOpen(store: Store, settings: SettingsTable, log: StoreLog): string {
  const { restamped, records } = store.repairFrozenStamps();
  if (restamped.length > 0) {
    const epoch = randomNodeId();
    settings.put(REPLICA_EPOCH_KEY, epoch);
    log(`Repaired ${records} record(s) frozen by ${restamped.length} stamp(s) from the future: each such stamp is now the time its change arrived`, undefined, {
      restamped: restamped.slice(0, 100),
    });
    return epoch;
  }
  const epoch = settings.get(REPLICA_EPOCH_KEY);
  if (epoch !== null) return epoch;
  const first = randomNodeId();
  settings.put(REPLICA_EPOCH_KEY, first);
  return first;
}
