/** Onboarding step 1: point the app at a language model and prove it answers. */
import { useEffect, useId, useState } from 'react';
import type { PublicSettings, SettingsPatch } from '../../../src-shared/domain/settings';
import { PROVIDER_PRESETS } from '../../../src-shared/domain/settings';
import { api } from '../../api/client';
import { formatDuration } from '../../lib/format';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { refreshRunnerStatus } from '../status/runnerStatus';
import { forgetRunnerTimeZone } from '../settings/timeZone';

export function LlmStep({ settings, onConnected }: { settings: PublicSettings; onConnected: () => void }) {
  const [baseUrl, setBaseUrl] = useState(settings.llm.baseUrl);
  const [model, setModel] = useState(settings.llm.model);
  const [apiKey, setApiKey] = useState('');
  const [models, setModels] = useState<string[]>([]);
  const modelsId = useId();
  const preset = PROVIDER_PRESETS.find((p) => p.baseUrl === baseUrl.trim().replace(/\/+$/, ''));

  const listModels = useAction(async () => {
    await save();
    const r = await api().call('llm.models');
    setModels(r.models);
    if (r.error) throw new Error(`Could not list models: ${r.error}`);
    if (!model && r.models[0]) setModel(r.models[0]);
    return r.models.length;
  });
  const test = useAction(async () => {
    await save();
    const r = await api().call('llm.test');
    refreshRunnerStatus();
    if (!r.ok) throw new Error(`Connection failed: ${r.error ?? 'unknown error'}`);
    onConnected();
    return r;
  });
  const { run: loadModels } = listModels;
  useEffect(() => {
    // The endpoint the host was started with often answers already: offer its models at once.
    void loadModels();
  }, [loadModels]);

  async function save(): Promise<void> {
    const patch: SettingsPatch = { llm: { baseUrl: baseUrl.trim(), model: model.trim() } };
    if (apiKey) patch.apiKey = apiKey;
    await api().call('settings.update', patch);
    forgetRunnerTimeZone();
  }
  return (
    <form className="stack" onSubmit={submitTo(test)} aria-label="Connect a language model">
      <div className="row">
        <label>
          Provider
          <select value={preset?.id ?? 'custom'} onChange={(e) => setBaseUrl(PROVIDER_PRESETS.find((p) => p.id === e.target.value)?.baseUrl ?? baseUrl)}>
            {PROVIDER_PRESETS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
            <option value="custom">Custom</option>
          </select>
        </label>
        <label className="grow">
          Base URL
          <input type="url" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} required spellCheck={false} />
        </label>
      </div>
      <div className="row">
        <label className="grow">
          Model
          <input value={model} onChange={(e) => setModel(e.target.value)} list={modelsId} spellCheck={false} />
        </label>
        <datalist id={modelsId}>
          {models.map((m) => (
            <option key={m} value={m} />
          ))}
        </datalist>
        <label className="grow">
          API key
          <input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} placeholder={settings.secrets.apiKeySet ? 'A key is set' : preset?.needsKey ? 'Required by this provider' : 'Usually not needed locally'} />
        </label>
      </div>
      {models.length > 0 && (
        <div className="model-chips" role="group" aria-label="Models offered">
          {models.slice(0, 12).map((m) => (
            <button key={m} type="button" className="chip-button" aria-pressed={model === m} onClick={() => setModel(m)}>
              {m}
            </button>
          ))}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={test.busy}>
          Save and test
        </button>
        <button type="button" onClick={() => void listModels.run()} disabled={listModels.busy}>
          List models
        </button>
        {test.busy && <span className="muted">Testing…</span>}
      </div>
      {test.result && !test.busy && (
        <p className="ok" role="status">
          Connection OK — {formatDuration(test.result.latencyMs)}
          {test.result.model ? `, model ${test.result.model}` : ''}
        </p>
      )}
      <ErrorText error={test.error ?? (listModels.error && !listModels.busy ? listModels.error : null)} />
    </form>
  );
}
