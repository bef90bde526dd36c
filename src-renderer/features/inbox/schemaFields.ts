/**
 * The edit form of a proposal, derived from its tool's zod schema (through JSON Schema, the same
 * description the LLM gets): one field per parameter with a fitting input, and validation by the
 * schema itself, so the form can never accept what the engine would refuse.
 */
import { z } from 'zod';
import type { ToolDef } from '../../../src-shared/tools/catalog';
import { DATE_PATTERN } from '../../../src-shared/tools/params';
import { targetParam } from './describe';

export type FieldKind = 'text' | 'textarea' | 'date' | 'datetime' | 'number' | 'select' | 'record';

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description: string;
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

/** dueDate -> "Due date", taskId -> "Task". */
export function labelOf(name: string): string {
  const words = name.replace(/Id$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function kindOf(name: string, p: JsonProperty, tool: ToolDef): FieldKind {
  if (name === targetParam(tool)) return 'record';
  if (p.enum) return 'select';
  if (p.type === 'number' || p.type === 'integer') return 'number';
  if (p.pattern === DATE_PATTERN.source) return 'date';
  if (p.pattern?.includes('[T ]')) return 'datetime';
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
      label: labelOf(name),
      kind,
      required: required.has(name),
      description: p.description ?? '',
      ...(p.enum ? { options: p.enum } : {}),
      ...(kind === 'record' ? { record: { app: tool.app, table: tool.table } } : {}),
    };
  });
}

export function toFormValues(fields: FormField[], params: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const v = params[f.name];
    values[f.name] = v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
  }
  return values;
}

/** The params the form stands for: empty optional fields are left out, numbers are numbers. */
export function fromFormValues(fields: FormField[], values: FormValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = values[f.name] ?? '';
    if (raw.trim() === '' && !f.required) continue;
    params[f.name] = f.kind === 'number' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
  }
  return params;
}

export interface Validation {
  ok: boolean;
  /** first problem per field */
  fieldErrors: Record<string, string>;
  /** problems of the whole form (e.g. "pass at least one of …") */
  formErrors: string[];
}

export function validateParams(tool: ToolDef, params: Record<string, unknown>): Validation {
  const result = tool.params.safeParse(params);
  if (result.success) return { ok: true, fieldErrors: {}, formErrors: [] };
  const fieldErrors: Record<string, string> = {};
  const formErrors: string[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string' && field in tool.params.shape) fieldErrors[field] ??= issue.message;
    else formErrors.push(issue.message);
  }
  return { ok: false, fieldErrors, formErrors };
}
