import { formatValue } from '../../lib/format';

export function ParamList({ params }: { params: Record<string, unknown> }) {
  const entries = Object.entries(params);
  if (entries.length === 0) return null;
  return (
    <dl className="params">
      {entries.map(([key, value]) => (
        <div key={key} className="param">
          <dt>{key}</dt>
          <dd>{formatValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
