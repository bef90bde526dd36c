/** Edits of the user's that a pulled change overwrote (sync conflicts), kept on this device. */
import { useLiveQuery } from 'dexie-react-hooks';
import { db } from '../../db/schema';
import { formatDateTime, previewText } from '../../lib/format';
import { moduleByLocation } from '../modules/catalog';
import { fieldLabel } from '../../lib/fieldLabels';

export function ConflictList() {
  const conflicts = useLiveQuery(() => db.conflicts.orderBy('detectedAt').reverse().limit(50).toArray(), []);
  if (!conflicts || conflicts.length === 0) return null;
  return (
    <section aria-labelledby="conflicts-heading" className="panel conflicts">
      <div className="title-row">
        <h2 id="conflicts-heading">Overwritten edits</h2>
        <button type="button" className="small" onClick={() => void db.conflicts.clear()}>
          Clear
        </button>
      </div>
      <p className="muted small">A change from elsewhere replaced something you had written here. The newer value won; yours is shown so you can restore it.</p>
      <ul className="plain-list">
        {conflicts.map((c) => (
          <li key={c.seqId}>
            <span className="muted small">{formatDateTime(c.detectedAt)} · </span>
            {fieldLabel(c.field)} of the {moduleByLocation(c.app, c.table)?.noun ?? c.table}: you wrote “{previewText(c.localValue, 80)}”, now “{previewText(c.remoteValue, 80)}”
            {c.actor?.kind === 'ai' ? ` (by ${c.actor.displayName ?? 'an agent'})` : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
