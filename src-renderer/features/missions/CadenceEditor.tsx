/**
 * When a mission runs: the kind of cadence, its fields, and a preview of the next three runs in
 * the runner's time zone (which may differ from this browser's).
 */
import { useMemo } from 'react';
import { nextRuns } from '../../../src-shared/cadence';
import { formatDateTime } from '../../lib/format';
import { useRunnerTimeZone } from '../settings/timeZone';
import { cadenceFromDraft, WEEKDAY_NAMES, type CadenceDraft, type CadenceKind } from './cadence';

interface Props {
  value: CadenceDraft;
  onChange: (next: CadenceDraft) => void;
}

function Preview({ draft }: { draft: CadenceDraft }) {
  const zone = useRunnerTimeZone();
  const parsed = cadenceFromDraft(draft);
  const key = typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
  // Recomputed when the cadence (`key`) changes; "now" is the moment of that edit, which is what a preview needs.
  const runs = useMemo(() => (typeof parsed === 'string' ? [] : nextRuns(parsed, new Date(), 3, zone)), [key, zone]);
  if (typeof parsed === 'string')
    return (
      <p className="field-error" role="alert">
        {parsed}
      </p>
    );
  if (parsed.kind === 'manual') return <p className="hint">Runs only when you press “Run now”.</p>;
  return (
    <div className="cadence-preview" aria-label="Next runs">
      <span className="hint">Next runs ({zone}):</span>
      <ol>
        {runs.map((r) => (
          <li key={r.toISOString()}>{formatDateTime(r.toISOString())}</li>
        ))}
      </ol>
    </div>
  );
}

export function CadenceEditor({ value, onChange }: Props) {
  const set = (patch: Partial<CadenceDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="cadence">
      <legend>Cadence</legend>
      <div className="cadence-fields">
        <label>
          Frequency
          <select value={value.kind} onChange={(e) => set({ kind: e.target.value as CadenceKind })}>
            <option value="manual">Manually (Run now only)</option>
            <option value="interval">Every few minutes</option>
            <option value="daily">Daily</option>
            <option value="weekly">Weekly</option>
            <option value="cron">Custom (cron)</option>
          </select>
        </label>
        {value.kind === 'interval' && (
          <label>
            Every (minutes)
            <input type="number" min={1} step={1} value={value.everyMinutes} onChange={(e) => set({ everyMinutes: e.target.value })} required />
          </label>
        )}
        {value.kind === 'weekly' && (
          <label>
            Day
            <select value={value.dayOfWeek} onChange={(e) => set({ dayOfWeek: e.target.value })}>
              {WEEKDAY_NAMES.map((name, i) => (
                <option key={name} value={String(i)}>
                  {name}
                </option>
              ))}
            </select>
          </label>
        )}
        {(value.kind === 'daily' || value.kind === 'weekly') && (
          <label>
            Time
            <input type="time" value={value.time} onChange={(e) => set({ time: e.target.value })} required />
          </label>
        )}
        {value.kind === 'cron' && (
          <label className="grow">
            Cron expression
            <input value={value.expression} onChange={(e) => set({ expression: e.target.value })} placeholder="minute hour day month weekday" spellCheck={false} required />
          </label>
        )}
      </div>
      <Preview draft={value} />
    </fieldset>
  );
}
