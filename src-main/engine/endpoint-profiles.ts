/**
 * What the app knows per LLM endpoint (base URL + model): the features it was found to support
 * (learnt by Auto mode and the capability probe) and its own max tokens and timeout. Kept as one
 * JSON value in the `settings` table (through the Store's SettingsTable), never synced.
 */
import { EndpointCapabilities, type FeatureVerdict, type LlmFeature } from '../../src-shared/domain/settings';
import type { SettingsTable } from './store/settings-table';

/** the row of the `settings` table that holds every endpoint's profile */
const ENDPOINTS_KEY = 'llm.endpoints';
/** Profiles kept; the least recently saved go first. */
const ENDPOINTS_KEEP = 50;

export interface EndpointProfile {
  capabilities: EndpointCapabilities;
  maxTokens?: number;
  timeoutMs?: number;
}

export class EndpointProfiles {
  private profiles: Record<string, EndpointProfile> | null = null;

  constructor(private readonly table: SettingsTable) {}

  get(key: string): EndpointProfile {
    return this.all()[key] ?? { capabilities: {} };
  }

  /** Remembers whether a feature works with an endpoint; returns true when that changed. */
  learn(key: string, feature: LlmFeature, verdict: FeatureVerdict): boolean {
    const profile = this.get(key);
    const before = profile.capabilities[feature];
    if (before?.ok === verdict.ok && before.note === verdict.note) return false;
    this.save(key, { ...profile, capabilities: { ...profile.capabilities, [feature]: verdict } });
    return true;
  }

  save(key: string, profile: EndpointProfile): void {
    const { [key]: _old, ...others } = this.all();
    const kept = Object.entries(others).slice(-(ENDPOINTS_KEEP - 1));
    this.profiles = { ...Object.fromEntries(kept), [key]: profile };
    this.table.put(ENDPOINTS_KEY, JSON.stringify(this.profiles));
  }

  private all(): Record<string, EndpointProfile> {
    if (this.profiles) return this.profiles;
    const text = this.table.get(ENDPOINTS_KEY);
    const profiles: Record<string, EndpointProfile> = {};
    try {
      for (const [key, raw] of Object.entries((text ? JSON.parse(text) : {}) as Record<string, Partial<EndpointProfile>>)) {
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
    this.profiles = profiles;
    return profiles;
  }
}
