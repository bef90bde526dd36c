import { z } from 'zod';

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

export const LlmSettings = z.object({
  baseUrl: HttpUrl,
  model: z.string().trim().max(200),
  temperature: z.number().min(0).max(2),
  timeoutMs: z.number().int().min(1000).max(30 * 60_000),
  plannerMode: PlannerMode,
  maxTokens: z.number().int().min(64).max(200_000),
});
export type LlmSettings = z.infer<typeof LlmSettings>;

export const RunnerSettings = z.object({
  tickIntervalMs: z.number().int().min(1000).max(24 * 3600_000),
  concurrency: z.number().int().min(1).max(16),
  timeZone: z.string().min(1).max(100),
  paused: z.boolean(),
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

export const StoredSettings = z.object({ llm: LlmSettings, runner: RunnerSettings, history: HistorySettings });
export type StoredSettings = z.infer<typeof StoredSettings>;

/** What the renderer may see: never the key itself, only whether one is set and where it lives. */
export const PublicSettings = StoredSettings.extend({
  secrets: z.object({
    apiKeySet: z.boolean(),
    apiKeySource: z.enum(['none', 'stored', 'env']),
    storageBackend: z.string(),
    storageWarning: z.string().nullable(),
  }),
});
export type PublicSettings = z.infer<typeof PublicSettings>;

export const SettingsPatch = z
  .object({
    llm: LlmSettings.partial().optional(),
    runner: RunnerSettings.partial().optional(),
    history: HistorySettings.partial().optional(),
    /** a new API key; null removes the stored key */
    apiKey: z.string().max(4000).nullable().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
