import { describe, expect, it } from 'vitest';
import { TOOLS_BY_NAME } from '../tools/catalog';
import { decodeArguments, parsePlan, parseTextToolCalls, planResponseFormat } from './parser';

const allowed = new Map([...TOOLS_BY_NAME].filter(([name]) => ['create_task', 'list_tasks'].includes(name)));
const step = { summary: 'add', toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'asked for it' };
const fenced = (v: unknown) => '```json\n' + JSON.stringify(v) + '\n```';

describe('parsePlan (JSON-plan mode)', () => {
  it('accepts a fenced plan and keeps tool, params and rationale', () => {
    const r = parsePlan(`Here you go:\n${fenced({ summary: 's', steps: [step] })}`, allowed);
    expect(r).toMatchObject({ ok: true, plan: { summary: 's', steps: [{ toolName: 'create_task', params: { title: 'Call Anna' }, rationale: 'asked for it' }] } });
  });

  it('accepts bare JSON (what a schema-constrained endpoint returns); a step summary is not needed', () => {
    expect(parsePlan(JSON.stringify({ summary: 's', steps: [{ ...step, summary: undefined }] }), allowed)).toMatchObject({ ok: true, plan: { summary: 's', steps: [{ summary: '' }] } });
  });

  it('an empty plan is valid only when it says "Nothing to do" (any case, a full stop allowed)', () => {
    expect(parsePlan('{"summary": "Nothing to do", "steps": []}', allowed)).toMatchObject({ ok: true, plan: { steps: [] } });
    expect(parsePlan('{"summary": "nothing to do.", "steps": []}', allowed).ok).toBe(true);
    expect(parsePlan('{"summary": "Tensor果断 wool", "steps": []}', allowed)).toMatchObject({ ok: false, kind: 'invalid', reason: expect.stringMatching(/without steps must have the summary "Nothing to do"/) });
    expect(parsePlan('{"steps": []}', allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/summary/) });
  });

  it('tells prose, broken JSON and a plan that breaks the schema apart', () => {
    expect(parsePlan('I would call Anna.', allowed)).toMatchObject({ ok: false, kind: 'no-json', reason: 'the answer is not a JSON plan' });
    expect(parsePlan('```json\n{"steps": [\n```', allowed)).toMatchObject({ ok: false, kind: 'bad-json', reason: expect.stringMatching(/JSON of the answer is broken/) });
    expect(parsePlan('{"summary": "x"}', allowed)).toMatchObject({ ok: false, kind: 'invalid', reason: expect.stringMatching(/steps/) });
  });

  it('rejects an unknown or not allowed tool, naming it', () => {
    const r = parsePlan(fenced({ summary: 's', steps: [{ ...step, toolName: 'delete_everything' }] }), allowed);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('delete_everything') });
    expect(parsePlan(fenced({ summary: 's', steps: [{ ...step, toolName: 'create_note' }] }), allowed).ok).toBe(false);
  });

  it('rejects a step without rationale and params that fail the tool schema, listing every problem', () => {
    const r = parsePlan(fenced({ summary: 's', steps: [{ ...step, rationale: '' }, { ...step, params: { title: '', priority: 'urgent' } }] }), allowed);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).toMatch(/rationale/);
    expect(r.problems.join('\n')).toMatch(/create_task.title/);
    expect(r.problems.join('\n')).toMatch(/create_task.priority/);
  });

  it('checks real dates: month 1-12, day 1-31', () => {
    const due = (dueDate: string) => parsePlan(JSON.stringify({ summary: 's', steps: [{ ...step, params: { title: 'x', dueDate } }] }), allowed).ok;
    expect(due('2026-11-30')).toBe(true);
    expect(due('2026-13-01')).toBe(false);
    expect(due('2026-11-32')).toBe(false);
  });

  it('rejects more than 25 steps and a summary longer than 1000 characters', () => {
    expect(parsePlan(fenced({ summary: 's', steps: Array.from({ length: 26 }, () => step) }), allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/steps.*25/) });
    expect(parsePlan(fenced({ summary: 'x'.repeat(1001), steps: [step] }), allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/summary/) });
  });
});

describe('tool-call quirks', () => {
  it('decodes arguments given as an object, a JSON string, a double-encoded string, empty or null', () => {
    expect(decodeArguments({ a: 1 })).toEqual({ a: 1 });
    expect(decodeArguments('{"a":1}')).toEqual({ a: 1 });
    expect(decodeArguments(JSON.stringify('{"a":1}'))).toEqual({ a: 1 });
    expect(decodeArguments('')).toEqual({});
    expect(decodeArguments(null)).toEqual({});
    expect(decodeArguments('{broken')).toBe('{broken');
  });

  it('finds tool calls printed as text: fenced, bare arrays, OpenAI function shape, <tool_call> tags', () => {
    expect(parseTextToolCalls('```json\n{"name":"list_tasks","arguments":{"filter":"today"}}\n```')).toEqual([{ name: 'list_tasks', arguments: { filter: 'today' } }]);
    expect(parseTextToolCalls('[{"function":{"name":"list_tasks","arguments":"{\\"limit\\":3}"}}]')).toEqual([{ name: 'list_tasks', arguments: { limit: 3 } }]);
    expect(parseTextToolCalls('<tool_call>\n{"name": "list_tasks", "arguments": {}}\n</tool_call>\n<tool_call>{"name":"create_task","arguments":{"title":"x"}}</tool_call>')).toEqual([
      { name: 'list_tasks', arguments: {} },
      { name: 'create_task', arguments: { title: 'x' } },
    ]);
    expect(parseTextToolCalls('All done, nothing else to do.')).toEqual([]);
  });

  it('builds a json_schema response_format from the plan schema of the allowed tools', () => {
    const rf = planResponseFormat([TOOLS_BY_NAME.get('create_task')!]) as any;
    expect(rf).toMatchObject({ type: 'json_schema', json_schema: { name: 'mission_plan', strict: false } });
    const [withSteps, nothing] = rf.json_schema.schema.anyOf;
    expect(withSteps.properties.steps).toMatchObject({ minItems: 1, maxItems: 25 });
    expect(withSteps.properties.steps.items.oneOf.map((s: any) => s.properties.toolName.const)).toEqual(['create_task']);
    expect(nothing).toMatchObject({ properties: { summary: { const: 'Nothing to do' }, steps: { maxItems: 0 } } });
    expect((planResponseFormat([]) as any).json_schema.schema).toMatchObject({ properties: { summary: { const: 'Nothing to do' } } });
  });
});
