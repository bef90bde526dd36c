/**
 * The language model: provider preset, base URL, model (picked from the endpoint's /models, free
 * text allowed), API key (write-only: the renderer never sees a stored key), temperature, max
 * tokens and timeout (remembered per endpoint), planner mode; what the endpoint was found to
 * support; then a connection test with its latency or the error in plain words.
 */
import { useEffect, useId, useState } from 'react';
import type { PlannerMode, PublicSettings, SettingsPatch } from '../../../src-shared/domain/settings';
import { DEFAULT_ANSWER_CHARS, MAX_ANSWER_CHARS, MIN_ANSWER_CHARS, PROVIDER_PRESETS, RUN_TIME_FACTOR } from '../../../src-shared/domain/settings';
import { KEY_IN_URL_TEXT, hasUrlCredentials, urlOrigin } from '../../../src-shared/url-credentials';
import { api } from '../../api/client';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { Field } from '../../ui/Field';
import { EndpointCapabilities } from './EndpointCapabilities';
import { TestConnection } from './TestConnection';

interface Draft {
  baseUrl: string;
  model: string;
  /** a new key; empty means "leave the stored key alone" */
  apiKey: string;
  temperature: string;
  maxTokens: string;
  maxAnswerChars: string;
  timeoutSeconds: string;
  plannerMode: PlannerMode;
}

function draftOf(s: PublicSettings): Draft {
  return {
    baseUrl: s.llm.baseUrl,
    model: s.llm.model,
    apiKey: '',
    temperature: String(s.llm.temperature),
    maxTokens: String(s.llm.maxTokens),
    maxAnswerChars: String(s.llm.maxAnswerChars),
    timeoutSeconds: String(Math.round(s.llm.timeoutMs / 1000)),
    plannerMode: s.llm.plannerMode,
  };
}

/** The changes a draft makes to saved settings, or a message when a number is out of range. */
export function llmPatchOf(draft: Draft, saved: PublicSettings): SettingsPatch | null | string {
  const llm: NonNullable<SettingsPatch['llm']> = {};
  // never sent: the engine would refuse it too, and the password would travel for nothing
  if (hasUrlCredentials(draft.baseUrl)) return KEY_IN_URL_TEXT;
  if (draft.baseUrl.trim() !== saved.llm.baseUrl) llm.baseUrl = draft.baseUrl.trim();
  if (draft.model.trim() !== saved.llm.model) llm.model = draft.model.trim();
  const temperature = Number(draft.temperature);
  if (!(temperature >= 0 && temperature <= 2)) return 'Temperature must be between 0 and 2.';
  if (temperature !== saved.llm.temperature) llm.temperature = temperature;
  const maxTokens = Number(draft.maxTokens);
  if (!(Number.isInteger(maxTokens) && maxTokens >= 64 && maxTokens <= 200_000)) return 'Max tokens must be a whole number between 64 and 200,000.';
  if (maxTokens !== saved.llm.maxTokens) llm.maxTokens = maxTokens;
  const maxAnswerChars = Number(draft.maxAnswerChars);
  if (!(Number.isInteger(maxAnswerChars) && maxAnswerChars >= MIN_ANSWER_CHARS && maxAnswerChars <= MAX_ANSWER_CHARS)) {
    return `The longest answer must be a whole number of characters between ${MIN_ANSWER_CHARS.toLocaleString('en-US')} and ${MAX_ANSWER_CHARS.toLocaleString('en-US')}.`;
  }
  if (maxAnswerChars !== saved.llm.maxAnswerChars) llm.maxAnswerChars = maxAnswerChars;
  const timeoutMs = Math.round(Number(draft.timeoutSeconds) * 1000);
  if (!(timeoutMs >= 1000 && timeoutMs <= 30 * 60_000)) return 'The timeout must be between 1 second and 30 minutes.';
  if (timeoutMs !== saved.llm.timeoutMs) llm.timeoutMs = timeoutMs;
  if (draft.plannerMode !== saved.llm.plannerMode) llm.plannerMode = draft.plannerMode;
  const patch: SettingsPatch = {};
  if (Object.keys(llm).length) patch.llm = llm;
  if (draft.apiKey) patch.apiKey = draft.apiKey;
  return Object.keys(patch).length ? patch : null;
}


/**
 * What the API key field says about the stored key: set (and that it stays with its server), about
 * to be removed because the draft names another server, or removed for that reason earlier.
 */
export function apiKeyHint(draft: Draft, saved: PublicSettings): string {
  const { secrets } = saved;
  if (secrets.apiKeySet && secrets.apiKeySource === 'env') return 'A key is set (from the environment); it is never shown again.';
  if (secrets.apiKeySet) {
    const savedFor = urlOrigin(saved.llm.baseUrl);
    const draftFor = urlOrigin(draft.baseUrl);
    if (!draft.apiKey && savedFor && draftFor && savedFor !== draftFor) {
      return `The saved key is for ${savedFor}. Saving another server's address removes it; enter a key here to use one with the new server.`;
    }
    return 'A key is set; it is never shown again, and it is only sent to this server.';
  }
  if (secrets.apiKeyEnvFor) return `The key from the environment is for ${secrets.apiKeyEnvFor}; it is not sent to this server. Enter a key here to use one with it.`;
  if (secrets.apiKeyDroppedFor) return `The saved key was for another server (${secrets.apiKeyDroppedFor}); enter it again to use it here.`;
  return 'No key is set.';
}

const PLANNER_MODES: { value: PlannerMode; label: string }[] = [
  { value: 'auto', label: 'Automatic — native tool calls, JSON plan if the model has none' },
  { value: 'tools', label: 'Native tool calls only' },
  { value: 'json', label: 'JSON plan only (for models without tool calls)' },
];

/** The endpoint's models, refetched when `endpointKey` (base URL and whether a key is set) changes. */
function useModels(endpointKey: string) {
  const [models, setModels] = useState<{ list: string[]; error: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    api()
      .call('llm.models')
      .then((r) => live && setModels({ list: r.models, error: r.error }))
      .catch(() => live && setModels(null));
    return () => {
      live = false;
    };
  }, [endpointKey]);
  return models;
}

export function LlmSettingsForm({ initial, onSaved }: { initial: PublicSettings; onSaved: (s: PublicSettings) => void }) {
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const models = useModels(`${saved.llm.baseUrl} ${saved.secrets.apiKeySet}`);
  const modelsId = useId();
  const preset = PROVIDER_PRESETS.find((p) => p.baseUrl === draft.baseUrl.trim().replace(/\/+$/, ''));

  async function apply(patch: SettingsPatch): Promise<PublicSettings> {
    const next = await api().call('settings.update', patch);
    setSaved(next);
    // Another endpoint brings back its own max tokens and timeout.
    setDraft((d) => ({ ...d, baseUrl: next.llm.baseUrl, model: next.llm.model, apiKey: '', maxTokens: String(next.llm.maxTokens), timeoutSeconds: String(Math.round(next.llm.timeoutMs / 1000)) }));
    onSaved(next);
    return next;
  }
  async function saveDraft(): Promise<void> {
    const patch = llmPatchOf(draft, saved);
    if (typeof patch === 'string') throw new Error(patch);
    if (patch) await apply(patch);
  }

  const save = useAction(async () => {
    await saveDraft();
    return true;
  });
  const removeKey = useAction(() => apply({ apiKey: null }));
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };
  const { secrets } = saved;
  return (
    <form className="stack settings" onSubmit={submitTo(save)} aria-label="Language model">
      <label>
        Provider
        <select
          value={preset?.id ?? 'custom'}
          onChange={(e) => {
            const p = PROVIDER_PRESETS.find((x) => x.id === e.target.value);
            if (p) set({ baseUrl: p.baseUrl });
          }}
        >
          {PROVIDER_PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom (any OpenAI-compatible endpoint)</option>
        </select>
      </label>
      <label>
        Base URL
        <input type="url" value={draft.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} required spellCheck={false} />
      </label>
      <Field
        label="Model"
        hint={
          models?.list.length
            ? `${models.list.length} model${models.list.length === 1 ? '' : 's'} offered by the endpoint — pick one or type any name.`
            : models?.error
              ? `Could not list models: ${models.error}`
              : 'Type the model name.'
        }
      >
        {(control) => (
          <input {...control} value={draft.model} onChange={(e) => set({ model: e.target.value })} list={modelsId} spellCheck={false} placeholder="e.g. llama3.1, gpt-4o-mini" />
        )}
      </Field>
      <datalist id={modelsId}>
        {models?.list.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      {models && models.list.length > 0 && (
        <div className="model-chips" role="group" aria-label="Models offered">
          {models.list.slice(0, 12).map((m) => (
            <button key={m} type="button" className="chip-button" aria-pressed={draft.model === m} onClick={() => set({ model: m })}>
              {m}
            </button>
          ))}
        </div>
      )}
      <Field
        label="API key"
        hint={
          <span aria-live="polite">
            {apiKeyHint(draft, saved)}
            {secrets.storageWarning && ` ${secrets.storageWarning}`}
          </span>
        }
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="off"
            value={draft.apiKey}
            onChange={(e) => set({ apiKey: e.target.value })}
            placeholder={secrets.apiKeySet ? 'Leave empty to keep the current key' : preset?.needsKey ? 'Required by this provider' : 'Not needed for most local servers'}
          />
        )}
      </Field>
      <div className="row">
        <label>
          Temperature
          <input type="number" min={0} max={2} step={0.1} value={draft.temperature} onChange={(e) => set({ temperature: e.target.value })} />
        </label>
        <Field label="Max tokens" hint="The longest answer the model may give. Too low and plans are cut off.">
          {(control) => <input {...control} type="number" min={64} max={200000} step={1} value={draft.maxTokens} onChange={(e) => set({ maxTokens: e.target.value })} />}
        </Field>
        <Field label="Timeout (seconds)" hint={`Per request; a run waits at most ${RUN_TIME_FACTOR} times this for the model in all.`}>
          {(control) => <input {...control} type="number" min={1} max={1800} step={1} value={draft.timeoutSeconds} onChange={(e) => set({ timeoutSeconds: e.target.value })} />}
        </Field>
      </div>
      <Field label="Longest answer (characters)" hint={`An answer longer than this is not used: its run fails and says so. The default, ${DEFAULT_ANSWER_CHARS.toLocaleString('en-US')}, is far more than any plan needs.`}>
        {(control) => (
          <input {...control} type="number" min={MIN_ANSWER_CHARS} max={MAX_ANSWER_CHARS} step={1000} value={draft.maxAnswerChars} onChange={(e) => set({ maxAnswerChars: e.target.value })} />
        )}
      </Field>
      <p className="muted small">Max tokens and the timeout are remembered for each endpoint and model.</p>
      <label>
        Planner mode
        <select value={draft.plannerMode} onChange={(e) => set({ plannerMode: e.target.value as PlannerMode })}>
          {PLANNER_MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          Save
        </button>
        {secrets.apiKeySet && secrets.apiKeySource === 'stored' && (
          <button type="button" onClick={() => void removeKey.run()} disabled={removeKey.busy}>
            Remove API key
          </button>
        )}
        {save.result && !save.busy && !save.error && (
          <span className="ok" role="status">
            Saved.
          </span>
        )}
      </div>
      <ErrorText error={save.error ?? removeKey.error} />
      {/* Testing means testing what the form shows, so unsaved edits are saved first. */}
      <TestConnection beforeTest={saveDraft} />
      <EndpointCapabilities capabilities={saved.capabilities} beforeProbe={saveDraft} onChange={(capabilities) => setSaved((s) => ({ ...s, capabilities }))} />
    </form>
  );
}
