/**
 * Onboarding step 1: point the app at a language model and prove it answers. On arrival it asks
 * the configured endpoint for its models, quietly: a first start whose endpoint does not answer yet
 * is expected, not an error, so nothing red shows before the person did anything. After that, the
 * message shown is the outcome of the person's last action: a later success clears an earlier error.
 */
import { useEffect, useId, useState } from 'react';
import type { PublicSettings, SettingsPatch } from '../../../src-shared/domain/settings';
import { KEY_IN_URL_TEXT, hasUrlCredentials } from '../../../src-shared/url-credentials';
import { api } from '../../api/client';
import { formatDuration } from '../../lib/format';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { refreshRunnerStatus } from '../status/runnerStatus';
import { forgetRunnerTimeZone } from '../settings/timeZone';
import { presetFor, ProviderSelect } from '../settings/ProviderSelect';

type Last = 'test' | 'models' | null;

export function LlmStep({ settings, onConnected }: { settings: PublicSettings; onConnected: () => void }) {
  const [baseUrl, setBaseUrl] = useState(settings.llm.baseUrl);
  const [model, setModel] = useState(settings.llm.model);
  const [apiKey, setApiKey] = useState('');
  // What the host holds after the last save: the key field's placeholder says whether a key is set.
  const [saved, setSaved] = useState(settings);
  const [models, setModels] = useState<string[]>([]);
  const [last, setLast] = useState<Last>(null);
  const [probe, setProbe] = useState<'waiting' | 'answered' | 'silent'>('waiting');
  const modelsId = useId();
  const preset = presetFor(baseUrl);

  const listModels = useAction(async () => {
    setLast('models');
    await save();
    const r = await api().call('llm.models');
    setModels(r.models);
    if (r.error) throw new Error(`Could not list models: ${r.error}`);
    if (!model && r.models[0]) setModel(r.models[0]);
    return r.models.length;
  });
  const test = useAction(async () => {
    setLast('test');
    await save();
    const r = await api().call('llm.test');
    refreshRunnerStatus();
    if (!r.ok) throw new Error(`Connection failed: ${r.error ?? 'unknown error'}`);
    onConnected();
    return r;
  });

  useEffect(() => {
    // The endpoint the host was started with often answers already: offer its models at once.
    let live = true;
    api()
      .call('llm.models')
      .then((r) => {
        if (!live) return;
        setModels(r.models);
        setModel((m) => m || r.models[0] || '');
        setProbe(r.models.length > 0 ? 'answered' : 'silent');
      })
      .catch(() => live && setProbe('silent'));
    return () => {
      live = false;
    };
  }, []);

  async function save(): Promise<void> {
    if (hasUrlCredentials(baseUrl)) throw new Error(KEY_IN_URL_TEXT);
    const patch: SettingsPatch = { llm: { baseUrl: baseUrl.trim(), model: model.trim() } };
    if (apiKey) patch.apiKey = apiKey;
    setSaved(await api().call('settings.update', patch));
    // The key is with the host now (never shown again): the field empties and its placeholder says "A key is set".
    setApiKey('');
    forgetRunnerTimeZone();
  }
  const error = last === 'test' ? test.error : last === 'models' ? listModels.error : null;
  return (
    <form className="stack" onSubmit={submitTo(test)} aria-label="Connect a language model">
      <div className="row">
        <ProviderSelect baseUrl={baseUrl} onBaseUrl={setBaseUrl} customLabel="Custom" />
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
          <input type="password" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} placeholder={saved.secrets.apiKeySet ? 'A key is set' : saved.secrets.apiKeyDroppedFor ? 'The saved key was for another server; enter it again' : preset?.needsKey ? 'Required by this provider' : 'Usually not needed locally'} />
        </label>
      </div>
      {probe === 'silent' && last === null && (
        <p className="muted small">Nothing answers at this address yet. Pick your provider or type its address, then press “Save and test”.</p>
      )}
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
      {last === 'test' && test.result && !test.busy && !test.error && (
        <p className="ok" role="status">
          Connection OK — {formatDuration(test.result.latencyMs)}
          {test.result.model ? `, model ${test.result.model}` : ''}
        </p>
      )}
      <ErrorText error={error} />
    </form>
  );
}
