import { useEffect } from 'react';
import type { PublicSettings } from '../../../src-shared/domain/settings';
import { api } from '../../api/client';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { refreshRunnerStatus } from '../status/runnerStatus';
import { DesktopSettings } from './DesktopSettings';
import { LlmSettingsForm } from './LlmSettingsForm';
import { RunnerSettingsForm } from './RunnerSettingsForm';
import { SyncSettings } from '../sync/SyncSettings';
import { forgetRunnerTimeZone } from './timeZone';

/** After any save: the runner's zone and status shown elsewhere may have changed. */
function afterSave(_: PublicSettings): void {
  forgetRunnerTimeZone();
  refreshRunnerStatus();
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
      <ErrorText error={load.error} />
      {!load.result ? (
        !load.error && <p className="muted">Loading…</p>
      ) : (
        <div className="settings-grid">
          <section aria-labelledby="llm-heading" className="panel">
            <h2 id="llm-heading">Language model</h2>
            <p className="lede">Any OpenAI-compatible endpoint: a hosted API, or a local server such as Ollama, LM Studio or llama.cpp.</p>
            <LlmSettingsForm initial={load.result} onSaved={afterSave} />
          </section>
          <div className="stack">
            <section aria-labelledby="runner-heading" className="panel">
              <h2 id="runner-heading">Runner</h2>
              <RunnerSettingsForm initial={load.result} onSaved={afterSave} />
            </section>
            <section aria-labelledby="sync-heading" className="panel">
              <h2 id="sync-heading">Sync</h2>
              <p className="lede">Keep this device in step with your other devices through a sync server, e.g. your home server.</p>
              <SyncSettings initial={load.result} onSaved={afterSave} />
            </section>
            <DesktopSettings />
          </div>
        </div>
      )}
    </>
  );
}
