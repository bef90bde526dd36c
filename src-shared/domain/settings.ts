import { z } from 'zod';
import { LLM_URL_CREDENTIALS, SYNC_URL_CREDENTIALS, hasUrlCredentials } from '../url-credentials';

export const PlannerMode = z.enum(['auto', 'tools', 'json']);
export type PlannerMode = z.infer<typeof PlannerMode>;

export const PROVIDER_PRESETS = [
  { id: 'openai', label: 'OpenAI', baseUrl: 'https://api.openai.com/v1', needsKey: true },
  { id: 'openrouter', label: 'OpenRouter', baseUrl: 'https://openrouter.ai/api/v1', needsKey: true },
  { id: 'ollama', label: 'Ollama', baseUrl: 'http://127.0.0.1:11434/v1', needsKey: false },
  { id: 'lmstudio', label: 'LM Studio', baseUrl: 'http://127.0.0.1:1234/v1', needsKey: false },
  { id: 'llamacpp', label: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080/v1', needsKey: false },
  { id: 'vllm', label: 'vLLM', baseUrl: 'http://127.0.0.1:8000/v1', needsKey: false },
] as const;

const HttpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL such as http://127.0.0.1:11434/v1');
/** The LLM's base URL: the key goes in the API key field, never in the address. */
const LlmBaseUrl = HttpUrl.refine((v) => !hasUrlCredentials(v), LLM_URL_CREDENTIALS);
/** The sync server's address: the account token goes in its own field, never in the address. */
const SyncServerUrl = HttpUrl.refine((v) => !hasUrlCredentials(v), SYNC_URL_CREDENTIALS);

/** The default limit of one model answer, in characters (about 50,000 tokens: far beyond any plan). */
export const DEFAULT_ANSWER_CHARS = 200_000;
export const MIN_ANSWER_CHARS = 1_000;
export const MAX_ANSWER_CHARS = 1_000_000;

/** A run waits at most this many times the timeout for the LLM, over all its calls and retries. */
export const RUN_TIME_FACTOR = 3;

export const LlmSettings = z.object({
  baseUrl: LlmBaseUrl,
  model: z.string().trim().max(200),
  temperature: z.number().min(0).max(2),
  /** per attempt; a run waits at most RUN_TIME_FACTOR times this for the LLM over all its calls */
  timeoutMs: z.number().int().min(1000).max(30 * 60_000),
  plannerMode: PlannerMode,
  /** the most tokens one answer may have (max_tokens) */
  maxTokens: z.number().int().min(64).max(200_000),
  /**
   * the most characters one answer may have, its text and tool-call arguments together: a longer
   * answer is not used (its run fails saying so), whatever the server does with max_tokens
   */
  maxAnswerChars: z.number().int().min(MIN_ANSWER_CHARS).max(MAX_ANSWER_CHARS),
});
export type LlmSettings = z.infer<typeof LlmSettings>;

/** Base URL (without trailing slashes) and model: what capabilities and limits are remembered for. */
export function endpointKey(cfg: { baseUrl: string; model: string }): string {
  return `${cfg.baseUrl.trim().replace(/\/+$/, '')}|${cfg.model.trim()}`;
}

/**
 * The ways of asking an endpoint for a plan, each found to work or not: native tool calling,
 * OpenAI's `response_format` json_schema (also vLLM, LM Studio, Ollama's structured outputs,
 * llama.cpp), llama.cpp's top-level `json_schema` and its GBNF `grammar`.
 */
export const LlmFeature = z.enum(['tools', 'responseFormat', 'jsonSchema', 'grammar']);
export type LlmFeature = z.infer<typeof LlmFeature>;
export const FEATURE_ORDER: readonly LlmFeature[] = ['tools', 'responseFormat', 'jsonSchema', 'grammar'];
/** Each feature in plain words, for notes and Settings (no request-field names on screen). */
export const FEATURE_WORDS: Record<LlmFeature, string> = {
  tools: 'tool calling',
  responseFormat: 'structured output with a JSON schema',
  jsonSchema: "llama.cpp's JSON schema option",
  grammar: 'a llama.cpp grammar',
};

/** What was learnt about one feature: whether it works, why we think so (plain words), and when. */
export const FeatureVerdict = z.object({ ok: z.boolean(), note: z.string().max(500), at: z.string() });
export type FeatureVerdict = z.infer<typeof FeatureVerdict>;
/** Per feature: learnt from the endpoint's answers (runs or an explicit probe); absent = not known yet. */
export const EndpointCapabilities = z.object({
  tools: FeatureVerdict.optional(),
  responseFormat: FeatureVerdict.optional(),
  jsonSchema: FeatureVerdict.optional(),
  grammar: FeatureVerdict.optional(),
});
export type EndpointCapabilities = z.infer<typeof EndpointCapabilities>;

/**
 * Whether this device's runner plans missions by their cadence: always (claiming each due time at
 * the sync server first, when there is one), only while the sync server cannot be reached (a
 * stand-by for the device that usually runs them), or never. Run now works whatever the role.
 */
export const RunnerRole = z.enum(['always', 'when-offline', 'never']);
export type RunnerRole = z.infer<typeof RunnerRole>;

export const RunnerSettings = z.object({
  tickIntervalMs: z.number().int().min(1000).max(24 * 3600_000),
  concurrency: z.number().int().min(1).max(16),
  timeZone: z.string().min(1).max(100),
  paused: z.boolean(),
  role: RunnerRole,
});
export type RunnerSettings = z.infer<typeof RunnerSettings>;

/**
 * How much history the engine keeps (README "Data and history"): changes older than `horizonDays`
 * are compacted into one snapshot per record and old finished runs and decided proposals are
 * archived (details dropped); the compact audit trail of compacted changes is kept `activityDays`.
 */
export const HistorySettings = z.object({
  horizonDays: z.number().int().min(14).max(3650),
  activityDays: z.number().int().min(30).max(36500),
});
export type HistorySettings = z.infer<typeof HistorySettings>;

/** A sync server to mirror the log with (docs/sync-protocol.md); the account token is a secret, kept apart. */
export const SyncSettings = z.object({
  /** the base URL under which /sync/{appId} lives, e.g. http://homeserver:5177; null = no sync */
  serverUrl: SyncServerUrl.nullable(),
  /** how this device is named to people (on plans it made, on claims it won) */
  deviceName: z.string().trim().min(1).max(100),
});
export type SyncSettings = z.infer<typeof SyncSettings>;

export const StoredSettings = z.object({ llm: LlmSettings, runner: RunnerSettings, history: HistorySettings, sync: SyncSettings });
export type StoredSettings = z.infer<typeof StoredSettings>;

/** What the renderer may see: never the key itself, only whether one is set and where it lives. */
export const PublicSettings = StoredSettings.extend({
  /** what the configured endpoint (base URL + model) was found to support */
  capabilities: EndpointCapabilities,
  secrets: z.object({
    apiKeySet: z.boolean(),
    apiKeySource: z.enum(['none', 'stored', 'env']),
    storageBackend: z.string(),
    storageWarning: z.string().nullable(),
    /** whether a sync account token is stored (the token itself never leaves the engine) */
    syncTokenSet: z.boolean(),
    /**
     * the origin (e.g. https://api.openai.com) of a stored key that was dropped when the base URL
     * moved to another server; null when a key is set or none was dropped
     */
    apiKeyDroppedFor: z.string().nullable(),
    /**
     * the origin of the server a key from the environment (`--llm-api-key-env`) was given for, when
     * the base URL is now on another server, so that key is not sent; null otherwise
     */
    apiKeyEnvFor: z.string().nullable(),
    /** the same for a sync token dropped when the sync server address moved to another server */
    syncTokenDroppedFor: z.string().nullable(),
  }),
});
export type PublicSettings = z.infer<typeof PublicSettings>;

export const SettingsPatch = z
  .object({
    llm: LlmSettings.partial().optional(),
    runner: RunnerSettings.partial().optional(),
    history: HistorySettings.partial().optional(),
    /** `serverUrl: ''` turns sync off like null */
    sync: SyncSettings.extend({ serverUrl: z.union([z.literal(''), SyncServerUrl]).nullable() }).partial().optional(),
    /** a new API key; null removes the stored key */
    apiKey: z.string().max(4000).nullable().optional(),
    /** a new sync account token (a device token or a JWT); null removes it */
    syncToken: z.string().trim().min(1).max(8000).nullable().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
