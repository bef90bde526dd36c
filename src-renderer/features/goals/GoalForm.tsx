import { useState } from 'react';
import { GOALS } from '../../../src-shared/tools/modules';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { PERIODS, type Goal } from './data';

export function GoalForm({ goal, onDone }: { goal?: Goal; onDone: () => void }) {
  const [title, setTitle] = useState(goal?.title ?? '');
  const [target, setTarget] = useState(goal?.targetValue != null ? String(goal.targetValue) : '');
  const [period, setPeriod] = useState<string>(goal?.period ?? '');
  const save = useAction(async () => {
    const targetValue = target.trim() === '' ? null : Number(target);
    if (targetValue !== null && !(targetValue > 0)) throw new Error('The target must be a number above 0.');
    const fields = { title: title.trim(), targetValue, period: period || null };
    if (goal) await writeRecord(GOALS.app, GOALS.table, goal.id, fields);
    else {
      await writeRecord(GOALS.app, GOALS.table, newId(), { ...fields, currentValue: 0, createdAt: new Date().toISOString() }, 'insert');
      setTitle('');
      setTarget('');
      setPeriod('');
    }
    onDone();
  });
  return (
    <form className="inline-form" onSubmit={submitTo(save)} aria-label={goal ? `Edit goal ${goal.title}` : 'New goal'} onKeyDown={(e) => e.key === 'Escape' && goal && onDone()}>
      <label className="grow">
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} placeholder="e.g. Work out" autoFocus={!!goal} />
      </label>
      <label>
        Target
        <input type="number" min={0} step="any" value={target} onChange={(e) => setTarget(e.target.value)} placeholder="optional" />
      </label>
      <label>
        Period
        <select value={period} onChange={(e) => setPeriod(e.target.value)}>
          <option value="">(none)</option>
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              per {p}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" disabled={save.busy || !title.trim()}>
        {goal ? 'Save goal' : 'Add goal'}
      </button>
      {goal && (
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      )}
      <ErrorText error={save.error} />
    </form>
  );
}
