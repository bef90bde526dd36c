import { useState, type FormEvent } from 'react';
import { nextRunAfter } from '../../../src-shared/cadence';
import { AI_APP, TABLES } from '../../../src-shared/domain/ai';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { useAction } from '../../lib/useAction';
import { runnerTimeZone } from '../settings/timeZone';
import { CadenceFields } from './CadenceFields';
import { cadenceFromDraft, EMPTY_CADENCE, type CadenceDraft } from './cadence';

export function NewMissionForm() {
  const [title, setTitle] = useState('');
  const [objective, setObjective] = useState('');
  const [concept, setConcept] = useState('');
  const [cadence, setCadence] = useState<CadenceDraft>(EMPTY_CADENCE);
  const create = useAction(async () => {
    const parsed = cadenceFromDraft(cadence);
    if (typeof parsed === 'string') throw new Error(parsed);
    const now = new Date();
    const next = nextRunAfter(parsed, now, await runnerTimeZone());
    await writeRecord(
      AI_APP,
      TABLES.missions,
      newId(),
      {
        title: title.trim(),
        objective: objective.trim(),
        conceptMarkdown: concept,
        inputs: [],
        cadence: parsed,
        state: 'active',
        nextRunAt: next?.toISOString() ?? null,
        failureStreak: 0,
        createdAt: now.toISOString(),
      },
      'insert',
    );
    setTitle('');
    setObjective('');
    setConcept('');
    setCadence(EMPTY_CADENCE);
    return title.trim();
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    void create.run();
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="New mission">
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} />
      </label>
      <label>
        Objective
        <textarea value={objective} onChange={(e) => setObjective(e.target.value)} rows={3} maxLength={10_000} />
      </label>
      <label>
        Concept (optional)
        <textarea value={concept} onChange={(e) => setConcept(e.target.value)} rows={4} maxLength={100_000} />
      </label>
      <CadenceFields value={cadence} onChange={setCadence} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.busy || !title.trim()}>
          Create mission
        </button>
      </div>
      {create.error && (
        <p className="error" role="alert">
          {create.error}
        </p>
      )}
      {create.result && !create.busy && (
        <p className="muted" role="status">
          Created “{create.result}”.
        </p>
      )}
    </form>
  );
}
