import type { CadenceDraft, CadenceKind } from './cadence';
import { WEEKDAY_NAMES } from './cadence';

interface Props {
  value: CadenceDraft;
  onChange: (next: CadenceDraft) => void;
}

export function CadenceFields({ value, onChange }: Props) {
  const set = (patch: Partial<CadenceDraft>) => onChange({ ...value, ...patch });
  return (
    <div className="cadence">
      <label>
        Cadence
        <select value={value.kind} onChange={(e) => set({ kind: e.target.value as CadenceKind })}>
          <option value="manual">Manually (Run now only)</option>
          <option value="interval">Every few minutes</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
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
    </div>
  );
}
