/** The runner: how often it ticks, how many LLM calls at once, its time zone, and pause. */
import { useMemo, useState } from 'react';
import { isValidTimeZone } from '../../../src-shared/cadence';
import type { PublicSettings, SettingsPatch } from '../../../src-shared/domain/settings';
import { api } from '../../api/client';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { Field } from '../../ui/Field';

interface Draft {
  tickSeconds: string;
  concurrency: string;
  timeZone: string;
  paused: boolean;
}

function draftOf(s: PublicSettings): Draft {
  return { tickSeconds: String(Math.round(s.runner.tickIntervalMs / 1000)), concurrency: String(s.runner.concurrency), timeZone: s.runner.timeZone, paused: s.runner.paused };
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}

export function RunnerSettingsForm({ initial, onSaved }: { initial: PublicSettings; onSaved: (s: PublicSettings) => void }) {
  const [draft, setDraft] = useState(() => draftOf(initial));
  const zones = useMemo(timeZones, []);
  const set = (patch: Partial<Draft>) => {
    save.reset();
    setDraft((d) => ({ ...d, ...patch }));
  };
  const save = useAction(async () => {
    const tickIntervalMs = Math.round(Number(draft.tickSeconds) * 1000);
    if (!(tickIntervalMs >= 1000 && tickIntervalMs <= 24 * 3600_000)) throw new Error('The tick interval must be between 1 second and 24 hours.');
    const concurrency = Number(draft.concurrency);
    if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 16)) throw new Error('Concurrency must be a whole number from 1 to 16.');
    const timeZone = draft.timeZone.trim();
    if (!isValidTimeZone(timeZone)) throw new Error(`“${timeZone}” is not a time zone this system knows (e.g. Europe/Berlin).`);
    const patch: SettingsPatch = { runner: { tickIntervalMs, concurrency, timeZone, paused: draft.paused } };
    const next = await api().call('settings.update', patch);
    onSaved(next);
    setDraft(draftOf(next));
    return true;
  });
  return (
    <form className="stack settings" onSubmit={submitTo(save)} aria-label="Runner">
      <div className="row">
        <Field label="Tick interval (seconds)" hint="A safety net: due missions also wake the runner exactly on time.">
          {(control) => <input {...control} type="number" min={1} step={1} value={draft.tickSeconds} onChange={(e) => set({ tickSeconds: e.target.value })} />}
        </Field>
        <label>
          Concurrent LLM calls
          <input type="number" min={1} max={16} step={1} value={draft.concurrency} onChange={(e) => set({ concurrency: e.target.value })} />
        </label>
      </div>
      <Field label="Time zone" hint="Daily and weekly cadences run at wall-clock times in this zone.">
        {(control) => <input {...control} value={draft.timeZone} onChange={(e) => set({ timeZone: e.target.value })} list="time-zones" spellCheck={false} />}
      </Field>
      <datalist id="time-zones">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <label className="checkbox">
        <input type="checkbox" checked={draft.paused} onChange={(e) => set({ paused: e.target.checked })} />
        Pause the runner (no mission runs by itself; Run now still works)
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy}>
          Save runner settings
        </button>
        {save.result && !save.busy && (
          <span className="ok" role="status">
            Saved.
          </span>
        )}
      </div>
      <ErrorText error={save.error} />
    </form>
  );
}
