import { useState } from 'react';
import { GOALS } from '../../../src-shared/tools/modules';
import { deleteRecord, writeRecord } from '../../db/write';
import { formatNumber } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { EmptyState } from '../../ui/EmptyState';
import { ErrorText } from '../../ui/ErrorText';
import { AgentBadge, RowActions } from '../../ui/RecordRow';
import { ModuleInbox } from '../inbox/ModuleInbox';
import { percentOf, useGoals, type Goal } from './data';
import { GoalForm } from './GoalForm';

function GoalCard({ goal }: { goal: Goal }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState('');
  const progress = useAction((next: number) => writeRecord(GOALS.app, GOALS.table, goal.id, { currentValue: next }));
  const remove = useAction(() => deleteRecord(GOALS.app, GOALS.table, goal.id));
  const percent = percentOf(goal);
  if (editing)
    return (
      <li className="goal-card">
        <GoalForm goal={goal} onDone={() => setEditing(false)} />
      </li>
    );
  return (
    <li className="goal-card" aria-label={`Goal: ${goal.title}`}>
      <div className="title-row">
        <h3>{goal.title}</h3>
        <AgentBadge createdBy={goal.createdBy} />
        <RowActions onEdit={() => setEditing(true)} onDelete={() => void remove.run()} deleting={remove.busy} />
      </div>
      <p className="goal-numbers">
        <strong>{formatNumber(goal.currentValue)}</strong>
        {goal.targetValue != null && <> / {formatNumber(goal.targetValue)}</>}
        {goal.period && <span className="muted"> per {goal.period}</span>}
        {percent !== null && <span className="muted"> · {percent}%</span>}
      </p>
      {percent !== null && (
        <div className="progress" role="progressbar" aria-label={`Progress of ${goal.title}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
          <div className={percent >= 100 ? 'progress-fill complete' : 'progress-fill'} style={{ width: `${percent}%` }} />
        </div>
      )}
      <form
        className="row-actions"
        aria-label={`Record progress on ${goal.title}`}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim() !== '' && !Number.isNaN(Number(value))) void progress.run(Number(value)).then(() => setValue(''));
        }}
      >
        <button type="button" className="small" onClick={() => void progress.run(goal.currentValue + 1)} disabled={progress.busy}>
          +1
        </button>
        <label className="visually-hidden" htmlFor={`set-${goal.id}`}>
          Set progress of {goal.title}
        </label>
        <input id={`set-${goal.id}`} className="small-input" type="number" step="any" value={value} onChange={(e) => setValue(e.target.value)} placeholder="Set to…" />
        <button type="submit" className="small" disabled={progress.busy || value.trim() === ''}>
          Set
        </button>
      </form>
      <ErrorText error={progress.error ?? remove.error} />
    </li>
  );
}

export function GoalsPage() {
  const goals = useGoals();
  return (
    <>
      <h1>Goals</h1>
      <ModuleInbox module="goals" noun="goal" />
      <section aria-labelledby="goals-heading">
        <h2 id="goals-heading">Your goals</h2>
        <GoalForm onDone={() => {}} />
        {!goals ? (
          <p className="muted">Loading…</p>
        ) : goals.length === 0 ? (
          <EmptyState title="No goals yet.">Add one above — e.g. “Work out”, 3 per week — and let the “Goal check-in” mission track it.</EmptyState>
        ) : (
          <ul className="goal-cards">
            {goals.map((g) => (
              <GoalCard key={g.id} goal={g} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
