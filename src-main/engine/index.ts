/**
 * The engine: everything Mission Companion does, with no Electron import. Electron main and the
 * headless host both create one and expose `call` through their transport; tests drive it directly.
 */
import { ApiError, type EventName, type MethodName, type MethodOutput, type ParsedInput, parseInput } from '../../src-shared/api';
import { createHybridClock, randomNodeId } from '../../src-shared/hlc';
import type { LlmSettings, RunnerSettings } from '../../src-shared/domain/settings';
import { LlmClient, type LlmClientDeps } from './llm/client';
import { Proposals } from './proposals/service';
import { Runner } from './runner/runner';
import { FileSecretStore, type SecretStore, Settings } from './settings';
import { type Db, openDatabase } from './store/db';
import { SettingsTable } from './store/settings-table';
import { Store } from './store/store';
import type { Timers } from '../timers';
import { createHandlers, createJsonHandlers, type Handlers } from './handlers';

export { DatabaseOpenError } from './store/db';
export type { SecretStore } from './settings';

export interface EngineOptions {
  dataDir: string;
  secrets?: SecretStore;
  /** read the API key from this environment variable instead of the secret store */
  apiKeyEnv?: string | null;
  /** applied over the stored settings at start (and saved), e.g. from CLI flags */
  overrides?: { llm?: Partial<LlmSettings>; runner?: Partial<RunnerSettings> };
  llmDeps?: LlmClientDeps;
  now?: () => Date;
  /** the runner's timers (default: Node's); tests pass a manual clock */
  timers?: Timers;
  /** start the runner's timer (default true) */
  autoStart?: boolean;
  /** where the engine reports what it recovered from or repaired (default: nowhere) */
  log?: EngineLog;
}

/** A warning for the app's log file: what happened, the error, and fields that help find it. */
export type EngineLog = (message: string, error?: unknown, fields?: Record<string, unknown>) => void;

export type EngineListener = (event: EventName, payload: unknown) => void;

export interface Engine {
  readonly dataDir: string;
  readonly store: Store;
  readonly runner: Runner;
  readonly settings: Settings;
  call<M extends MethodName>(method: M, input: unknown): Promise<MethodOutput<M>>;
  /** The same answer as `call`, as JSON text (what the HTTP host sends; some methods skip building objects). */
  callJson(method: MethodName, input: unknown): Promise<string>;
  on(listener: EngineListener): () => void;
  close(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const db: Db = openDatabase(options.dataDir);
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
  if (options.overrides && (options.overrides.llm || options.overrides.runner)) {
    settings.update({ ...(options.overrides.llm ? { llm: options.overrides.llm } : {}), ...(options.overrides.runner ? { runner: options.overrides.runner } : {}) });
  }
  const clock = createHybridClock(settings.localValue('hlc.nodeId', randomNodeId), () => now().getTime());
  const log: EngineLog = options.log ?? (() => undefined);
  const store = new Store(db, clock, { now, log });
  store.quarantineUnreadableRows();
  const epoch = repairAtOpen(store, settingsTable, log);
  const listeners = new Set<EngineListener>();
  const emit = (event: string, payload: unknown) => {
    for (const l of listeners) {
      try {
        l(event as EventName, payload);
      } catch {
        // a broken transport must not break the engine
      }
    }
  };
  const llm = new LlmClient(() => {
    const s = settings.get().llm;
    return { baseUrl: s.baseUrl, model: s.model, apiKey: settings.apiKey(), timeoutMs: s.timeoutMs, temperature: s.temperature, maxTokens: s.maxTokens };
  }, options.llmDeps);
  const runner = new Runner({ store, settings, llm, emit, now, ...(options.timers ? { timers: options.timers } : {}) });
  const changed = (touched?: readonly { app: string; table: string }[]) => {
    emit('sync.changed', { seq: store.maxSeq() });
    runner.onDataChanged(touched);
  };
  const proposals = new Proposals({ store, now, timeZone: () => settings.get().runner.timeZone, changed });
  const handlers: Handlers = createHandlers({ store, settings, runner, proposals, llm, now, epoch, changed });
  const jsonHandlers = createJsonHandlers({ store, epoch });
  if (options.autoStart !== false) runner.start();
  let closed = false;
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
    async close() {
      if (closed) return;
      closed = true;
      await runner.stop();
      listeners.clear();
      try {
        // Pending records are written now so the next start need not catch up from the log.
        store.settle();
      } finally {
        db.close();
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
function repairAtOpen(store: Store, settings: SettingsTable, log: EngineLog): string {
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
