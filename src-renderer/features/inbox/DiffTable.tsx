import { formatParam, previewText } from '../../lib/format';
import type { DiffRow } from './describe';
import { fieldLabel } from '../../lib/fieldLabels';

/** A value in a diff cell: booleans and lists in words, dates formatted, long text cut. */
function shown(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  return previewText(formatParam(value), 200);
}

/** For an append, the end of the current text (where the addition lands) and the addition. */
function cells(r: DiffRow): [string, string] {
  if (r.mode !== 'append') return [shown(r.before), shown(r.after)];
  const before = String(r.before ?? '');
  const tail = before.length > 120 ? `…${before.slice(-119)}` : before || '(empty)';
  return [tail, `…\n+ ${String(r.after ?? '')}`];
}

export function DiffTable({ rows }: { rows: DiffRow[] }) {
  return (
    <table className="diff" aria-label="Changes">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Now</th>
          <th scope="col">After approval</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const [before, after] = cells(r);
          // A field set to the value it already has is no change: shown once, quietly.
          if (r.unchanged)
            return (
              <tr key={r.field} className="no-change">
                <th scope="row">{fieldLabel(r.field)}</th>
                <td className="unchanged">{before}</td>
                <td className="unchanged">No change</td>
              </tr>
            );
          return (
            <tr key={r.field}>
              <th scope="row">{r.mode === 'append' ? `${fieldLabel(r.field)} (adds to the end)` : fieldLabel(r.field)}</th>
              <td className={r.mode === 'append' ? 'unchanged' : 'before'}>{before}</td>
              <td className="after">{after}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
