import { fieldLabel } from '../../lib/fieldLabels';
import { formatParam } from '../../lib/format';
import { optionLabel } from './paramText';

/** A parameter value for people: dates formatted, enum words as the edit form names them. */
function shownValue(key: string, value: unknown): string {
  if (key === 'mode' || key === 'period') return typeof value === 'string' ? optionLabel(key, value) : formatParam(value);
  return formatParam(value);
}

/** The parameters of a proposal, one compact "name: value" run that wraps. */
export function ParamList({ params }: { params: Record<string, unknown> }) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return null;
  return (
    <dl className="params">
      {entries.map(([key, value]) => (
        <div key={key} className="param">
          <dt>{fieldLabel(key)}</dt>
          <dd>{shownValue(key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}
