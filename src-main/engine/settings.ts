/**
 * Local, never-synced settings (LLM endpoint, runner) in the `settings` table, plus the API key in
 * an injected SecretStore: safeStorage in Electron, a 0600 file (or an environment variable) headless.
 * The key never leaves the engine: the renderer only learns whether one is set and where it lives.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { systemTimeZone, isValidTimeZone } from '../../src-shared/cadence';
import {
  EndpointCapabilities,
  type FeatureVerdict,
  type LlmFeature,
  type PublicSettings,
  type SettingsPatch,
  StoredSettings,
  endpointKey,
} from '../../src-shared/domain/settings';
import { ApiError } from '../../src-shared/api';
import type { Db } from './store/db';

export const API_KEY = 'llm.apiKey';
/** Per endpoint (base URL + model): its detected capabilities and its own max tokens and timeout. */
const ENDPOINTS_KEY = 'llm.endpoints';
/** Profiles kept; the least recently saved go first. */
const ENDPOINTS_KEEP = 50;

interface EndpointProfile {
  capabilities: EndpointCapabilities;
  maxTokens?: number;
  timeoutMs?: number;
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
    this.warning = `The API key is stored unencrypted in ${this.path} (readable only by your user). On a server, prefer --llm-api-key-env.`;
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

export function defaultSettings(): StoredSettings {
  return {
    llm: { baseUrl: 'http://127.0.0.1:11434/v1', model: '', temperature: 0.3, timeoutMs: 120_000, plannerMode: 'auto', maxTokens: 4096 },
    runner: { tickIntervalMs: 60_000, concurrency: 2, timeZone: systemTimeZone(), paused: false },
  };
}

export class Settings {
  private cached: StoredSettings | null = null;
  private endpoints: Record<string, EndpointProfile> | null = null;
  private readonly listeners = new Set<(s: StoredSettings) => void>();

  constructor(
    private readonly db: Db,
    private readonly secrets: SecretStore,
    private readonly apiKeyEnv: string | null = null,
  ) {}

  get(): StoredSettings {
    if (this.cached) return this.cached;
    const row = this.db.prepare("SELECT value FROM settings WHERE key = 'settings'").get() as { value: string } | undefined;
    const defaults = defaultSettings();
    let stored: unknown = {};
    try {
      stored = row ? JSON.parse(row.value) : {};
    } catch {
      stored = {};
    }
    const s = stored as Partial<StoredSettings>;
    const merged = StoredSettings.safeParse({ llm: { ...defaults.llm, ...s.llm }, runner: { ...defaults.runner, ...s.runner } });
    this.cached = merged.success ? merged.data : defaults;
    return this.cached;
  }

  apiKey(): string | null {
    if (this.apiKeyEnv) {
      const fromEnv = process.env[this.apiKeyEnv];
      if (fromEnv) return fromEnv;
    }
    return this.secrets.get(API_KEY);
  }

  publicView(): PublicSettings {
    const envKey = this.apiKeyEnv ? process.env[this.apiKeyEnv] : undefined;
    const stored = this.secrets.get(API_KEY);
    return {
      ...this.get(),
      capabilities: this.capabilities(),
      secrets: {
        apiKeySet: Boolean(envKey || stored),
        apiKeySource: envKey ? 'env' : stored ? 'stored' : 'none',
        storageBackend: this.secrets.backend,
        storageWarning: this.secrets.warning,
      },
    };
  }

  update(patch: SettingsPatch): PublicSettings {
    const current = this.get();
    const next = StoredSettings.safeParse({ llm: { ...current.llm, ...patch.llm }, runner: { ...current.runner, ...patch.runner } });
    if (!next.success) throw new ApiError('BAD_INPUT', 'Invalid settings', next.error.issues.map((i) => ({ path: i.path as (string | number)[], message: i.message })));
    if (!isValidTimeZone(next.data.runner.timeZone)) {
      throw new ApiError('BAD_INPUT', `Unknown time zone "${next.data.runner.timeZone}"; use an IANA name such as Europe/Berlin.`, [
        { path: ['runner', 'timeZone'], message: 'unknown time zone' },
      ]);
    }
    if (patch.apiKey !== undefined) this.secrets.set(API_KEY, patch.apiKey === null || patch.apiKey === '' ? null : patch.apiKey);
    this.keepLimitsPerEndpoint(current, next.data, patch);
    this.db.prepare("INSERT INTO settings (key, value) VALUES ('settings', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(JSON.stringify(next.data));
    this.cached = next.data;
    for (const l of this.listeners) l(next.data);
    return this.publicView();
  }

  /**
   * Max tokens and timeout belong to an endpoint: switching to another endpoint brings back the
   * values last used with it (unless the same change sets them), and the values in use are saved.
   */
  private keepLimitsPerEndpoint(current: StoredSettings, next: StoredSettings, patch: SettingsPatch): void {
    const key = endpointKey(next.llm);
    const profile = this.profile(key);
    if (key !== endpointKey(current.llm)) {
      if (patch.llm?.maxTokens === undefined && profile.maxTokens !== undefined) next.llm.maxTokens = profile.maxTokens;
      if (patch.llm?.timeoutMs === undefined && profile.timeoutMs !== undefined) next.llm.timeoutMs = profile.timeoutMs;
    }
    this.saveProfile(key, { ...profile, maxTokens: next.llm.maxTokens, timeoutMs: next.llm.timeoutMs });
  }

  /** What an endpoint (default: the configured one) was found to support. */
  capabilities(key = endpointKey(this.get().llm)): EndpointCapabilities {
    return this.profile(key).capabilities;
  }

  /** Remembers (persisted) whether a feature works with an endpoint; returns true when that changed. */
  learnCapability(key: string, feature: LlmFeature, verdict: FeatureVerdict): boolean {
    const profile = this.profile(key);
    const before = profile.capabilities[feature];
    if (before?.ok === verdict.ok && before.note === verdict.note) return false;
    this.saveProfile(key, { ...profile, capabilities: { ...profile.capabilities, [feature]: verdict } });
    return true;
  }

  /** Forgets what was learnt about an endpoint (default: the configured one), so it is detected afresh. */
  resetCapabilities(key = endpointKey(this.get().llm)): EndpointCapabilities {
    this.saveProfile(key, { ...this.profile(key), capabilities: {} });
    return {};
  }

  private profile(key: string): EndpointProfile {
    return this.allProfiles()[key] ?? { capabilities: {} };
  }

  private allProfiles(): Record<string, EndpointProfile> {
    if (this.endpoints) return this.endpoints;
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(ENDPOINTS_KEY) as { value: string } | undefined;
    const profiles: Record<string, EndpointProfile> = {};
    try {
      for (const [key, raw] of Object.entries((row ? JSON.parse(row.value) : {}) as Record<string, Partial<EndpointProfile>>)) {
        const capabilities = EndpointCapabilities.safeParse(raw.capabilities ?? {});
        profiles[key] = {
          capabilities: capabilities.success ? capabilities.data : {},
          ...(Number.isInteger(raw.maxTokens) ? { maxTokens: raw.maxTokens } : {}),
          ...(Number.isInteger(raw.timeoutMs) ? { timeoutMs: raw.timeoutMs } : {}),
        };
      }
    } catch {
      // an unreadable value is forgotten: capabilities are learnt again
    }
    this.endpoints = profiles;
    return profiles;
  }

  private saveProfile(key: string, profile: EndpointProfile): void {
    const { [key]: _old, ...others } = this.allProfiles();
    const kept = Object.entries(others).slice(-(ENDPOINTS_KEEP - 1));
    this.endpoints = { ...Object.fromEntries(kept), [key]: profile };
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(ENDPOINTS_KEY, JSON.stringify(this.endpoints));
  }

  onChange(listener: (s: StoredSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Small local values (node id, …) that are not settings a person edits. */
  localValue(key: string, create: () => string): string {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    if (row) return row.value;
    const value = create();
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(key, value);
    return value;
  }
}
