/**
 * Edit before approve: a form generated from the tool's schema, validated on every keystroke by
 * that schema. "Approve with changes" stays disabled while anything is invalid.
 */
import { useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ToolDef } from '../../../src-shared/tools/catalog';
import { useRecords } from '../../db/hooks';
import { moduleByLocation, recordTitle } from '../modules/catalog';
import { optionLabel } from './paramText';
import { formFields, fromFormValues, toFormValues, validateParams, type FormField, type FormValues } from './schemaFields';

interface Props {
  tool: ToolDef;
  params: Record<string, unknown>;
  /** the zone zone-less date-times are read in (the runner's) */
  timeZone: string;
  busy: boolean;
  onApprove: (params: Record<string, unknown>) => void;
  onCancel: () => void;
}

function RecordOptions({ field, value }: { field: FormField; value: string }) {
  const records = useRecords(field.record!.app, field.record!.table);
  const known = records?.some((r) => r.id === value);
  const noun = moduleByLocation(field.record!.app, field.record!.table)?.noun ?? 'record';
  return (
    <>
      {!known && value && <option value={value}>{records ? `A ${noun} that no longer exists` : 'Loading…'}</option>}
      {records?.map((r) => (
        <option key={r.id} value={r.id}>
          {recordTitle(r.data, r.id)}
        </option>
      ))}
    </>
  );
}

function FieldInput({ field, value, error, onChange, autoFocus }: { field: FormField; value: string; error?: string; onChange: (v: string) => void; autoFocus: boolean }) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const common = {
    id,
    value,
    autoFocus,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? errorId : field.hint ? hintId : undefined,
    required: field.required,
  } as const;
  let input;
  switch (field.kind) {
    case 'textarea':
      input = <textarea {...common} rows={4} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'select':
      input = (
        <select {...common} onChange={(e) => onChange(e.target.value)}>
          {!field.required && <option value="">(not set)</option>}
          {field.options?.map((o) => (
            <option key={o} value={o}>
              {optionLabel(field.name, o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'record':
      input = (
        <select {...common} onChange={(e) => onChange(e.target.value)}>
          <RecordOptions field={field} value={value} />
        </select>
      );
      break;
    case 'number':
      input = <input {...common} type="number" step="any" onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'date':
      input = <input {...common} type="date" onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'datetime':
      input = <input {...common} type="datetime-local" onChange={(e) => onChange(e.target.value)} />;
      break;
    default:
      input = <input {...common} type="text" onChange={(e) => onChange(e.target.value)} />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        {!field.required && <span className="muted"> (optional)</span>}
      </label>
      {input}
      {error ? (
        <span id={errorId} className="field-error">
          {error}
        </span>
      ) : (
        field.hint && (
          <span id={hintId} className="hint">
            {field.hint}
          </span>
        )
      )}
    </div>
  );
}

export function ParamsForm({ tool, params, timeZone, busy, onApprove, onCancel }: Props) {
  const fields = useMemo(() => formFields(tool), [tool]);
  const [initial] = useState<FormValues>(() => toFormValues(fields, params, timeZone));
  const [values, setValues] = useState<FormValues>(initial);
  const next = useMemo(() => fromFormValues(fields, values, { values: initial, params }), [fields, values, initial, params]);
  const validation = useMemo(() => validateParams(tool, next), [tool, next]);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (validation.ok) onApprove(next);
  }
  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  }
  return (
    <form className="params-form" onSubmit={submit} onKeyDown={onKeyDown} aria-label="Edit proposal" noValidate>
      {fields.map((f, i) => (
        <FieldInput
          key={f.name}
          field={f}
          value={values[f.name] ?? ''}
          error={validation.fieldErrors[f.name]}
          onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          autoFocus={i === (fields[0]?.kind === 'record' && fields.length > 1 ? 1 : 0)}
        />
      ))}
      {validation.formErrors.map((m) => (
        <p key={m} className="field-error">
          {m}
        </p>
      ))}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || !validation.ok}>
          Approve with changes
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
