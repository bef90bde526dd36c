/**
 * The edit form of a proposal, derived from its tool's zod schema (through JSON Schema, the same
 * description the LLM gets): one field per parameter with a fitting input, and validation by the
 * schema itself, so the form can never accept what the engine would refuse. What the form says
 * (labels, hints, problems) is written for people: see paramText.ts and lib/plainIssues.ts.
 */
import { z } from 'zod';
import { wallClock } from '../../../src-shared/cadence';
import { CALENDAR_DATE_PATTERN, DATE_TIME_PATTERN } from '../../../src-shared/dates';
import type { ToolDef } from '../../../src-shared/tools/catalog';
import { fieldLabel } from '../../lib/fieldLabels';
import { plainIssue } from '../../lib/plainIssues';
import { recordParam } from './describe';
import { paramHint } from './paramText';

export type FieldKind = 'text' | 'textarea' | 'date' | 'datetime' | 'number' | 'select' | 'record';

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  /** a hint for people (never the catalog's description for the model) */
  hint: string;
  options?: string[];
  /** for kind 'record': where the records to pick from live */
  record?: { app: string; table: string };
}

/** What the inputs hold: always strings (an empty string is "not set"). */
export type FormValues = Record<string, string>;

interface JsonProperty {
  type?: string;
  enum?: string[];
  description?: string;
  pattern?: string;
  maxLength?: number;
}

function kindOf(name: string, p: JsonProperty, tool: ToolDef): FieldKind {
  if (name === recordParam(tool)) return 'record';
  if (p.enum) return 'select';
  if (p.type === 'number' || p.type === 'integer') return 'number';
  if (p.pattern === CALENDAR_DATE_PATTERN.source) return 'date';
  if (p.pattern === DATE_TIME_PATTERN.source) return 'datetime';
  // One-line texts carry a pattern (tools/params.ts); free text (descriptions, note content) does not.
  if (p.type === 'string' && !p.pattern) return 'textarea';
  return 'text';
}

export function formFields(tool: ToolDef): FormField[] {
  const schema = z.toJSONSchema(tool.params, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const kind = kindOf(name, p, tool);
    return {
      name,
      label: fieldLabel(name),
      kind,
      required: required.has(name),
      hint: paramHint(tool.name, name),
      ...(p.enum ? { options: p.enum } : {}),
      ...(kind === 'record' ? { record: { app: tool.app, table: tool.table } } : {}),
    };
  });
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A date-time parameter as the value of <input type="datetime-local">: a wall time as written, an
 * instant with a zone as the wall time it is in the user's time zone (the zone tools read
 * zone-less times in).
 */
export function toDateTimeInput(value: string, timeZone: string): string {
  const wall = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(value);
  if (wall) return `${wall[1]}T${wall[2]}`;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return value;
  const w = wallClock(new Date(ms), timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

export function toFormValues(fields: FormField[], params: Record<string, unknown>, timeZone: string): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const v = params[f.name];
    const text = v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
    values[f.name] = f.kind === 'datetime' && text ? toDateTimeInput(text, timeZone) : text;
  }
  return values;
}

/**
 * The params the form stands for: empty optional fields are left out, numbers are numbers. A field
 * the user did not touch keeps the model's value exactly as it was (e.g. an instant with its zone).
 */
export function fromFormValues(fields: FormField[], values: FormValues, original?: { values: FormValues; params: Record<string, unknown> }): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name] ?? '';
    if (original && raw === original.values[f.name] && original.params[f.name] !== undefined && original.params[f.name] !== null) {
      params[f.name] = original.params[f.name];
      continue;
    }
    if (raw.trim() === '' && !f.required) continue;
    params[f.name] = f.kind === 'number' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  }
  return params;
}

export interface Validation {
  ok: boolean;
  /** first problem per field */
  fieldErrors: Record<string, string>;
  /** problems of the whole form (e.g. "Change at least one field") */
  formErrors: string[];
}

export function validateParams(tool: ToolDef, params: Record<string, unknown>): Validation {
  const result = tool.params.safeParse(params);
  if (result.success) return { ok: true, fieldErrors: {}, formErrors: [] };
  const fieldErrors: Record<string, string> = {};
  const formErrors: string[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in tool.params.shape) fieldErrors[field] ??= plainIssue(issue, fieldLabel(field));
    else formErrors.push(plainIssue(issue));
  }
  return { ok: false, fieldErrors, formErrors };
}
