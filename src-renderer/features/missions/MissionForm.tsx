/**
 * The mission editor: title, objective, concept (Markdown, with a preview), inputs, cadence and
 * agent. Creating and editing share it; the caller decides what saving writes.
 */
import { useId, useState } from 'react';
import type { Cadence, InputRef } from '../../../src-shared/domain/ai';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { Markdown } from '../../ui/Markdown';
import { AGENT_STATE_TEXT, useAgents } from '../agents/data';
import { CadenceEditor } from './CadenceEditor';
import { cadenceFromDraft, type CadenceDraft } from './cadence';
import { InputsPicker } from './InputsPicker';

export interface MissionDraft {
  title: string;
  objective: string;
  conceptMarkdown: string;
  inputs: InputRef[];
  cadence: CadenceDraft;
  agentId: string;
  /** plan on the cadence even while earlier proposals wait for review */
  planWhileWaiting: boolean;
}

export interface MissionValues extends Omit<MissionDraft, 'cadence'> {
  cadence: Cadence;
}

interface Props {
  initial: MissionDraft;
  submitLabel: string;
  onSubmit: (values: MissionValues) => Promise<void>;
  onCancel: () => void;
}

function ConceptField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [preview, setPreview] = useState(false);
  const id = useId();
  return (
    <div className="field concept-field">
      <div className="field-head">
        <label htmlFor={id}>Concept (Markdown)</label>
        <div className="segmented" role="group" aria-label="Concept view">
          <button type="button" aria-pressed={!preview} onClick={() => setPreview(false)}>
            Write
          </button>
          <button type="button" aria-pressed={preview} onClick={() => setPreview(true)}>
            Preview
          </button>
        </div>
      </div>
      {preview ? (
        <div className="concept-preview">{value.trim() ? <Markdown text={value} /> : <p className="muted">Nothing written yet.</p>}</div>
      ) : (
        <textarea id={id} value={value} onChange={(e) => onChange(e.target.value)} rows={7} maxLength={100_000} placeholder="How you like things done: rules, tone, what to leave alone." />
      )}
    </div>
  );
}

/** Why the form cannot be saved yet, said next to the disabled button; null when it can. */
function blockedReason(draft: MissionDraft): string | null {
  if (!draft.title.trim()) return 'Give the mission a title first.';
  if (typeof cadenceFromDraft(draft.cadence) === 'string') return 'Fix the cadence first (see the message under it).';
  return null;
}

export function MissionForm({ initial, submitLabel, onSubmit, onCancel }: Props) {
  const [draft, setDraft] = useState(initial);
  const agents = useAgents();
  const blocked = blockedReason(draft);
  const blockedId = useId();
  const waitingHintId = useId();
  const set = (patch: Partial<MissionDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const save = useAction(async () => {
    const cadence = cadenceFromDraft(draft.cadence);
    if (typeof cadence === 'string') throw new Error(cadence);
    await onSubmit({ ...draft, title: draft.title.trim(), objective: draft.objective.trim(), cadence });
  });
  return (
    <form className="mission-form" onSubmit={submitTo(save)} aria-label="Mission">
      <div className="form-main stack">
        <label>
          Title
          <input value={draft.title} onChange={(e) => set({ title: e.target.value })} required maxLength={500} placeholder="e.g. Weekly planning" />
        </label>
        <label>
          Objective
          <textarea value={draft.objective} onChange={(e) => set({ objective: e.target.value })} rows={3} maxLength={10_000} placeholder="What the agent should achieve on every run." />
        </label>
        <ConceptField value={draft.conceptMarkdown} onChange={(conceptMarkdown) => set({ conceptMarkdown })} />
        <InputsPicker value={draft.inputs} onChange={(inputs) => set({ inputs })} />
      </div>
      <div className="form-side stack">
        <CadenceEditor value={draft.cadence} onChange={(cadence) => set({ cadence })} />
        <div className="field">
          <label className="checkbox">
            <input type="checkbox" checked={draft.planWhileWaiting} onChange={(e) => set({ planWhileWaiting: e.target.checked })} aria-describedby={waitingHintId} />
            Keep planning while proposals wait for review
          </label>
          <p id={waitingHintId} className="hint">
            {draft.planWhileWaiting
              ? 'It plans on its cadence even when you have not decided its proposals yet; a change that is already waiting is never proposed again.'
              : 'While its proposals wait, it does not plan again; once you have decided them, it runs once.'}
          </p>
        </div>
        <label>
          Agent
          <select value={draft.agentId} onChange={(e) => set({ agentId: e.target.value })}>
            {agents?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
                {a.state !== 'active' ? ` (${AGENT_STATE_TEXT[a.state].toLowerCase()})` : ''}
              </option>
            ))}
          </select>
        </label>
        <ErrorText error={save.error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={save.busy || !!blocked} aria-describedby={blocked ? blockedId : undefined}>
            {submitLabel}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
        {blocked && (
          <p id={blockedId} className="muted small disabled-reason">
            {blocked}
          </p>
        )}
      </div>
    </form>
  );
}
