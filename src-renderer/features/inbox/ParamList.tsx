import { formatParam } from '../../lib/format';
import { labelOf } from './schemaFields';

/** The parameters of a proposal, one compact "name: value" run that wraps. */
export function ParamList({ params }: { params: Record<string, unknown> }) {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return null;
  return (
    <dl className="params">
      {entries.map(([key, value]) => (
        <div key={key} className="param">
          <dt>{labelOf(key)}</dt>
          <dd>{formatParam(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
