/**
 * The records a mission reads every run (its inputs): search across tasks, notes, events, goals
 * and the "about me" document, add with one click, remove from the chips.
 */
import { useId, useMemo, useState } from 'react';
import type { InputRef } from '../../../src-shared/domain/ai';
import { usePickableRecords, type PickableRecord } from './useModuleRecords';

const SHOWN = 8;

interface Props {
  value: InputRef[];
  onChange: (next: InputRef[]) => void;
}

const same = (a: InputRef, b: InputRef) => a.module === b.module && a.table === b.table && a.id === b.id;

export function InputsPicker({ value, onChange }: Props) {
  const all = usePickableRecords();
  const [query, setQuery] = useState('');
  const searchId = useId();
  const selected = useMemo(() => value.map((ref) => ({ ref, record: all?.find((r) => same(r, ref)) })), [value, all]);
  const results = useMemo(() => {
    const needle = query.trim().toLowerCase();
    return (all ?? [])
      .filter((r) => !value.some((v) => same(v, r)))
      .filter((r) => !needle || `${r.title} ${r.detail} ${r.moduleLabel}`.toLowerCase().includes(needle))
      .slice(0, SHOWN);
  }, [all, query, value]);

  const add = (r: PickableRecord) => onChange([...value, { module: r.module, table: r.table, id: r.id }]);
  const remove = (ref: InputRef) => onChange(value.filter((v) => !same(v, ref)));

  return (
    <fieldset className="inputs-picker">
      <legend>Inputs</legend>
      <p className="hint">Records the agent reads on every run. It can also look things up with its read tools.</p>
      {selected.length > 0 ? (
        <ul className="chips" aria-label="Selected inputs">
          {selected.map(({ ref, record }) => (
            <li key={`${ref.module}/${ref.id}`} className="chip">
              <span className="chip-module">{record?.moduleLabel ?? ref.module}</span> {record?.title ?? `${ref.id} (missing)`}
              <button type="button" className="icon-button" aria-label={`Remove ${record?.title ?? ref.id}`} onClick={() => remove(ref)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No inputs yet.</p>
      )}
      <label htmlFor={searchId}>Search tasks, notes, events, goals</label>
      <input id={searchId} type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Type to filter…" />
      {all && all.length === 0 ? (
        <p className="muted small">Nothing to pick yet: add notes, tasks, events or goals in their modules first.</p>
      ) : (
        <ul className="pick-results" aria-label="Matching records">
          {results.map((r) => (
            <li key={r.key}>
              <button type="button" className="pick" onClick={() => add(r)} aria-label={`Add ${r.noun} input: ${r.title}`}>
                <span className="chip-module">{r.moduleLabel}</span>
                <span className="pick-title">{r.title}</span>
                {r.detail && <span className="muted small">{r.detail}</span>}
              </button>
            </li>
          ))}
          {results.length === 0 && query && <li className="muted small">No record matches “{query}”.</li>}
        </ul>
      )}
    </fieldset>
  );
}
