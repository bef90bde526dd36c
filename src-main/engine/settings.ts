/**
 * Local, never-synced settings (LLM endpoint, runner, sync) in the `settings` table, what each LLM
 * endpoint was found to support (./endpoint-profiles), plus the API key in
 * an injected SecretStore: safeStorage in Electron, a 0600 file (or an environment variable) headless.
 * The key never leaves the engine: the renderer only learns whether one is set and where it lives.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { systemTimeZone, isValidTimeZone } from '../../src-shared/cadence';
import {
  DEFAULT_ANSWER_CHARS,
  type EndpointCapabilities,
  type FeatureVerdict,
  type LlmFeature,
  type PublicSettings,
  type SettingsPatch,
  StoredSettings,
  endpointKey,
} from '../../src-shared/domain/settings';
import { ApiError } from '../../src-shared/api';
import { urlOrigin, withoutUrlCredentials } from '../../src-shared/url-credentials';
import { EndpointProfiles } from './endpoint-profiles';
import type { SettingsTable } from './store/settings-table';

export const API_KEY = 'llm.apiKey';
/** the sync server account's token (a device token or a JWT), in the same secret store as the API key */
export const SYNC_TOKEN = 'sync.token';
/** the row of the `settings` table that holds the settings a person edits, as one JSON value */
const SETTINGS_KEY = 'settings';
/** the origin (scheme, host, port) of the base URL the stored API key was saved for ('' = none) */
const API_KEY_ORIGIN = 'llm.apiKeyOrigin';
/** the origin of a stored key that was dropped when the base URL moved to another server ('' = none) */
const API_KEY_DROPPED_FOR = 'llm.apiKeyDroppedFor';
/** the same two for the sync token and the sync server address */
const SYNC_TOKEN_ORIGIN = 'sync.tokenOrigin';
const SYNC_TOKEN_DROPPED_FOR = 'sync.tokenDroppedFor';

/** A secret and the address it may be sent to: where its origin and a dropped one are kept. */
interface BoundSecret {
  secret: string;
  origin: string;
  droppedFor: string;
}
const BOUND_API_KEY: BoundSecret = { secret: API_KEY, origin: API_KEY_ORIGIN, droppedFor: API_KEY_DROPPED_FOR };
const BOUND_SYNC_TOKEN: BoundSecret = { secret: SYNC_TOKEN, origin: SYNC_TOKEN_ORIGIN, droppedFor: SYNC_TOKEN_DROPPED_FOR };

/** The origin of an http(s) URL (scheme, host and port): where a key may be sent; '' when none. */
function originOf(url: string): string {
  return urlOrigin(url) ?? '';
}

export interface SecretStore {
  readonly backend: string;
  /** shown in Settings when the storage is weaker than the user would assume */
  readonly warning: string | null;
  get(name: string): string | null;
  set(name: string, value: string | null): void;
}

/** Headless hosts: a JSON file readable only by the user. Plain text, and Settings says so. */
export class FileSecretStore implements SecretStore {
  readonly backend = 'file';
  readonly warning: string;
  private readonly path: string;
  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.json');
    this.warning = `The API key (and the sync token) are stored unencrypted in ${this.path} (readable only by your user). On a server, prefer --llm-api-key-env.`;
  }
  private read(): Record<string, string> {
    if (!existsSync(this.path)) return {};
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
  get(name: string): string | null {
    return this.read()[name] ?? null;
  }
  set(name: string, value: string | null): void {
    const all = this.read();
    if (value === null) delete all[name];
    else all[name] = value;
    writeFileSync(this.path, JSON.stringify(all), { mode: 0o600 });
    chmodSync(this.path, 0o600);
  }
}

export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory';
  readonly warning = null;
  private readonly values = new Map<string, string>();
  get(name: string) {
    return this.values.get(name) ?? null;
  }
  set(name: string, value: string | null) {
    if (value === null) this.values.delete(name);
    else this.values.set(name, value);
  }
}

/** Changes older than this are compacted, old runs and decided proposals archived (README "Data and history"). */
export const DEFAULT_HORIZON_DAYS = 90;
/** The compact audit trail of compacted changes is kept this long. */
export const DEFAULT_ACTIVITY_DAYS = 365;

export function defaultSettings(): StoredSettings {
  return {
    llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: '', temperature: 0.3, timeoutMs: 120_000, plannerMode: 'auto', maxTokens: 4096, maxAnswerChars: DEFAULT_ANSWER_CHARS },
    runner: { tickIntervalMs: 60_000, concurrency: 2, timeZone: systemTimeZone(), paused: false, role: 'always' },
    history: { horizonDays: DEFAULT_HORIZON_DAYS, activityDays: DEFAULT_ACTIVITY_DAYS },
    sync: { serverUrl: null, deviceName: defaultDeviceName() },
  };
}

/** The machine's name, as people know it (the sync settings' default device name). */
function defaultDeviceName(): string {
  const name = hostname().trim().slice(0, 100);
  return name || 'This device';
}

/**
 * Stored settings from before addresses with a user name or password were refused: those are cut
 * out (the key belongs in the API key field), rather than the whole settings falling back to defaults.
 */
function withoutStoredCredentials(s: Partial<StoredSettings>): Partial<StoredSettings> {
  const llm = s.llm && typeof s.llm.baseUrl === 'string' ? { ...s.llm, baseUrl: withoutUrlCredentials(s.llm.baseUrl) } : s.llm;
  const sync = s.sync && typeof s.sync.serverUrl === 'string' ? { ...s.sync, serverUrl: withoutUrlCredentials(s.sync.serverUrl) } : s.sync;
  return { ...s, ...(llm ? { llm } : {}), ...(sync ? { sync } : {}) };
}

export class Settings {
  private cached: StoredSettings | null = null;
  private readonly listeners = new Set<(s: StoredSettings) => void>();
  private readonly endpoints: EndpointProfiles;
  /** the origin of the base URL the environment's key was given with (null: not bound yet) */
  private envKeyOrigin: string | null = null;

  constructor(
    private readonly table: SettingsTable,
    private readonly secrets: SecretStore,
    private readonly apiKeyEnv: string | null = null,
  ) {
    this.endpoints = new EndpointProfiles(table);
  }

  get(): StoredSettings {
    if (this.cached) return this.cached;
    const text = this.table.get(SETTINGS_KEY);
    const defaults = defaultSettings();
    let stored: unknown = {};
    try {
      stored = text ? JSON.parse(text) : {};
    } catch {
      stored = {};
    }
    const s = withoutStoredCredentials(stored as Partial<StoredSettings>);
    const merged = StoredSettings.safeParse({
      llm: { ...defaults.llm, ...s.llm },
      runner: { ...defaults.runner, ...s.runner },
      history: { ...defaults.history, ...s.history },
      sync: { ...defaults.sync, ...s.sync },
    });
    this.cached = merged.success ? merged.data : defaults;
    return this.cached;
  }

  /**
   * The key named by `--llm-api-key-env` belongs to the server the host was started with, like a
   * stored key to the server it was saved for: called once the launch options are applied. A base
   * URL on another origin later (from Settings) gets the stored key, if any, never this one.
   */
  bindEnvKeyToCurrentServer(): void {
    this.envKeyOrigin = originOf(this.get().llm.baseUrl);
  }

  /** The environment's key when it applies to the current base URL, else undefined. */
  private envKey(): string | undefined {
    if (!this.apiKeyEnv) return undefined;
    const fromEnv = process.env[this.apiKeyEnv];
    if (!fromEnv) return undefined;
    return this.envKeyOrigin === null || this.envKeyOrigin === originOf(this.get().llm.baseUrl) ? fromEnv : undefined;
  }

  /** The origin the environment's key is for, when the current base URL is elsewhere (so it is not sent). */
  private envKeyElsewhere(): string | null {
    if (!this.apiKeyEnv || !process.env[this.apiKeyEnv] || this.envKey() !== undefined) return null;
    return this.envKeyOrigin;
  }

  apiKey(): string | null {
    return this.envKey() ?? this.secrets.get(API_KEY);
  }

  /** The sync server account's token, or null. */
  syncToken(): string | null {
    return this.secrets.get(SYNC_TOKEN);
  }

  publicView(): PublicSettings {
    const envKey = this.envKey();
    const stored = this.secrets.get(API_KEY);
    return {
      ...this.get(),
      capabilities: this.capabilities(),
      secrets: {
        apiKeySet: Boolean(envKey || stored),
        apiKeySource: envKey ? 'env' : stored ? 'stored' : 'none',
        storageBackend: this.secrets.backend,
        storageWarning: this.secrets.warning,
        syncTokenSet: this.secrets.get(SYNC_TOKEN) !== null,
        apiKeyDroppedFor: stored ? null : this.table.get(API_KEY_DROPPED_FOR) || null,
        apiKeyEnvFor: this.envKeyElsewhere(),
        syncTokenDroppedFor: this.secrets.get(SYNC_TOKEN) !== null ? null : this.table.get(SYNC_TOKEN_DROPPED_FOR) || null,
      },
    };
  }

  update(patch: SettingsPatch): PublicSettings {
    const current = this.get();
    const sync = { ...current.sync, ...patch.sync };
    if (sync.serverUrl === '') sync.serverUrl = null;
    const next = StoredSettings.safeParse({
      llm: { ...current.llm, ...patch.llm },
      runner: { ...current.runner, ...patch.runner },
      history: { ...current.history, ...patch.history },
      sync,
    });
    if (!next.success) throw new ApiError('BAD_INPUT', 'Invalid settings', next.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })));
    if (!isValidTimeZone(next.data.runner.timeZone)) {
      throw new ApiError('BAD_INPUT', `Unknown time zone "${next.data.runner.timeZone}"; use an IANA name such as Europe/Berlin.`, [
        { path: ['runner', 'timeZone'], message: 'unknown time zone' },
      ]);
    }
    this.bindSecret(BOUND_API_KEY, current.llm.baseUrl, next.data.llm.baseUrl, patch.apiKey);
    this.bindSecret(BOUND_SYNC_TOKEN, current.sync.serverUrl ?? '', next.data.sync.serverUrl ?? '', patch.syncToken);
    this.keepLimitsPerEndpoint(current, next.data, patch);
    this.table.put(SETTINGS_KEY, JSON.stringify(next.data));
    this.cached = next.data;
    for (const l of this.listeners) l(next.data);
    return this.publicView();
  }

  /**
   * A stored secret (the API key, the sync token) belongs to the server it was saved for: an
   * address on another origin drops it (unless the same change enters one), so it is never sent to
   * a server the user did not give it to. Settings says which server the dropped one was for until
   * one is entered again. A secret kept from before they were bound belongs to the address it was
   * used with. `entered`: the patch's value (undefined: unchanged; null or '': removed).
   */
  private bindSecret(bound: BoundSecret, currentUrl: string, nextUrl: string, entered: string | null | undefined): void {
    const nextOrigin = originOf(nextUrl);
    if (entered !== undefined) {
      const value = entered === null || entered === '' ? null : entered;
      this.secrets.set(bound.secret, value);
      this.table.put(bound.origin, value === null ? '' : nextOrigin);
      this.table.put(bound.droppedFor, '');
      return;
    }
    if (this.secrets.get(bound.secret) === null) return;
    const savedFor = this.table.get(bound.origin) || originOf(currentUrl);
    if (savedFor === nextOrigin) {
      this.table.put(bound.origin, savedFor);
      return;
    }
    this.secrets.set(bound.secret, null);
    this.table.put(bound.origin, '');
    this.table.put(bound.droppedFor, savedFor);
  }

  /**
   * Max tokens and timeout belong to an endpoint: switching to another endpoint brings back the
   * values last used with it (unless the same change sets them), and the values in use are saved.
   */
  private keepLimitsPerEndpoint(current: StoredSettings, next: StoredSettings, patch: SettingsPatch): void {
    const key = endpointKey(next.llm);
    const profile = this.endpoints.get(key);
    if (key !== endpointKey(current.llm)) {
      if (patch.llm?.maxTokens === undefined && profile.maxTokens !== undefined) next.llm.maxTokens = profile.maxTokens;
      if (patch.llm?.timeoutMs === undefined && profile.timeoutMs !== undefined) next.llm.timeoutMs = profile.timeoutMs;
    }
    this.endpoints.save(key, { ...profile, maxTokens: next.llm.maxTokens, timeoutMs: next.llm.timeoutMs });
  }

  /** What an endpoint (default: the configured one) was found to support. */
  capabilities(key = endpointKey(this.get().llm)): EndpointCapabilities {
    return this.endpoints.get(key).capabilities;
  }

  /** Remembers (persisted) whether a feature works with an endpoint; returns true when that changed. */
  learnCapability(key: string, feature: LlmFeature, verdict: FeatureVerdict): boolean {
    return this.endpoints.learn(key, feature, verdict);
  }

  /** Forgets what was learnt about an endpoint (default: the configured one), so it is detected afresh. */
  resetCapabilities(key = endpointKey(this.get().llm)): EndpointCapabilities {
    this.endpoints.save(key, { ...this.endpoints.get(key), capabilities: {} });
    return {};
  }

  onChange(listener: (s: StoredSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Small local values (node id, …) that are not settings a person edits. */
  localValue(key: string, create: () => string): string {
    const stored = this.table.get(key);
    if (stored !== null) return stored;
    const value = create();
    this.table.put(key, value);
    return value;
  }
}
