import { useEffect, useState, type FormEvent } from 'react';
import type { PublicSettings, SettingsPatch } from '../../../src-shared/domain/settings';
import { PROVIDER_PRESETS } from '../../../src-shared/domain/settings';
import { api } from '../../api/client';
import { useAction } from '../../lib/useAction';
import { forgetRunnerTimeZone } from './timeZone';
import { refreshRunnerStatus } from '../status/runnerStatus';

interface Draft {
  baseUrl: string;
  model: string;
  /** a new key; empty means "leave the stored key alone" */
  apiKey: string;
}

function draftOf(s: PublicSettings): Draft {
  return { baseUrl: s.llm.baseUrl, model: s.llm.model, apiKey: '' };
}

function patchOf(draft: Draft, saved: PublicSettings): SettingsPatch | null {
  const patch: SettingsPatch = {};
  const llm: NonNullable<SettingsPatch['llm']> = {};
  if (draft.baseUrl.trim() !== saved.llm.baseUrl) llm.baseUrl = draft.baseUrl.trim();
  if (draft.model.trim() !== saved.llm.model) llm.model = draft.model.trim();
  if (Object.keys(llm).length) patch.llm = llm;
  if (draft.apiKey) patch.apiKey = draft.apiKey;
  return Object.keys(patch).length ? patch : null;
}

function TestConnection({ beforeTest }: { beforeTest: () => Promise<void> }) {
  const test = useAction(async () => {
    await beforeTest();
    return api().call('llm.test');
  });
  const r = test.result;
  return (
    <div className="test-connection">
      <button type="button" onClick={() => void test.run()} disabled={test.busy}>
        Test connection
      </button>
      {test.busy && <span className="muted"> Testing…</span>}
      {test.error && (
        <p className="error" role="alert">
          {test.error}
        </p>
      )}
      {r && !test.busy && (
        <p className={r.ok ? 'ok' : 'error'} role={r.ok ? 'status' : 'alert'}>
          {r.ok
            ? `Connection OK — ${Math.round(r.latencyMs)} ms${r.model ? `, model ${r.model}` : ''}`
            : `Connection failed: ${r.error ?? 'unknown error'}`}
        </p>
      )}
    </div>
  );
}

function SettingsForm({ initial }: { initial: PublicSettings }) {
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial));
  const [models, setModels] = useState<string[]>([]);

  useEffect(() => {
    let live = true;
    api()
      .call('llm.models')
      .then((r) => live && setModels(r.models))
      .catch(() => {
        // only suggestions for the model field
      });
    return () => {
      live = false;
    };
  }, [saved.llm.baseUrl, saved.secrets.apiKeySet]);

  async function apply(patch: SettingsPatch): Promise<PublicSettings> {
    const next = await api().call('settings.update', patch);
    setSaved(next);
    setDraft((d) => ({ ...d, baseUrl: next.llm.baseUrl, model: next.llm.model, apiKey: '' }));
    forgetRunnerTimeZone();
    refreshRunnerStatus();
    return next;
  }

  const save = useAction(async () => {
    const patch = patchOf(draft, saved);
    if (patch) await apply(patch);
    return true;
  });
  const removeKey = useAction(() => apply({ apiKey: null }));
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    void save.run();
  }

  // Testing means testing what the form shows, so unsaved edits are saved first.
  async function saveBeforeTest(): Promise<void> {
    const patch = patchOf(draft, saved);
    if (patch) await apply(patch);
  }

  const { secrets } = saved;
  return (
    <form className="stack settings" onSubmit={submit} aria-label="Language model">
      <label>
        Base URL
        <input type="url" value={draft.baseUrl} onChange={(e) => set({ baseUrl: e.target.value })} list="llm-presets" required />
      </label>
      <datalist id="llm-presets">
        {PROVIDER_PRESETS.map((p) => (
          <option key={p.id} value={p.baseUrl}>
            {p.label}
          </option>
        ))}
      </datalist>
      <label>
        Model
        <input value={draft.model} onChange={(e) => set({ model: e.target.value })} list="llm-models" />
      </label>
      <datalist id="llm-models">
        {models.map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <label>
        API key
        <input
          type="password"
          autoComplete="off"
          value={draft.apiKey}
          onChange={(e) => set({ apiKey: e.target.value })}
          placeholder={secrets.apiKeySet ? 'Leave empty to keep the current key' : 'Not needed for most local servers'}
        />
      </label>
      <p className="muted" aria-live="polite">
        {secrets.apiKeySet ? `A key is set${secrets.apiKeySource === 'env' ? ' (from the environment)' : ''}.` : 'No key is set.'}
        {secrets.storageWarning && ` ${secrets.storageWarning}`}
      </p>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          Save
        </button>
        {secrets.apiKeySet && secrets.apiKeySource === 'stored' && (
          <button type="button" onClick={() => void removeKey.run()} disabled={removeKey.busy}>
            Remove API key
          </button>
        )}
      </div>
      {(save.error ?? removeKey.error) && (
        <p className="error" role="alert">
          {save.error ?? removeKey.error}
        </p>
      )}
      {save.result && !save.busy && !save.error && (
        <p className="ok" role="status">
          Saved.
        </p>
      )}
      <TestConnection beforeTest={saveBeforeTest} />
    </form>
  );
}

export function SettingsPage() {
  const load = useAction(() => api().call('settings.get'));
  const { run } = load;
  useEffect(() => {
    void run();
  }, [run]);
  return (
    <>
      <h1>Settings</h1>
      <section aria-labelledby="llm-heading" className="panel">
        <h2 id="llm-heading">Language model</h2>
        <p className="lede">Any OpenAI-compatible endpoint: a hosted API, or a local server such as Ollama or llama.cpp.</p>
        {load.error && (
          <p className="error" role="alert">
            {load.error}
          </p>
        )}
        {load.result ? <SettingsForm initial={load.result} /> : !load.error && <p className="muted">Loading…</p>}
      </section>
    </>
  );
}
