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

  it('accepts bare JSON; missing summaries default to empty; an empty plan is valid', () => {
    expect(parsePlan(JSON.stringify({ steps: [{ ...step, summary: undefined }] }), allowed)).toMatchObject({ ok: true, plan: { summary: '', steps: [{ summary: '' }] } });
    expect(parsePlan('{"steps": []}', allowed)).toMatchObject({ ok: true, plan: { steps: [] } });
  });

  it('rejects prose, broken JSON, a missing steps array', () => {
    expect(parsePlan('I would call Anna.', allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/no JSON/) });
    expect(parsePlan('```json\n{"steps": [\n```', allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/JSON parse failed/) });
    expect(parsePlan('{"summary": "x"}', allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/steps/) });
  });

  it('rejects an unknown or not allowed tool, naming it', () => {
    const r = parsePlan(fenced({ steps: [{ ...step, toolName: 'delete_everything' }] }), allowed);
    expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('delete_everything') });
    expect(parsePlan(fenced({ steps: [{ ...step, toolName: 'create_note' }] }), allowed).ok).toBe(false);
  });

  it('rejects a step without rationale and params that fail the tool schema, listing every problem', () => {
    const r = parsePlan(fenced({ steps: [{ ...step, rationale: '' }, { ...step, params: { title: '', priority: 'urgent' } }] }), allowed);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.join('\n')).toMatch(/rationale/);
    expect(r.problems.join('\n')).toMatch(/create_task.title/);
    expect(r.problems.join('\n')).toMatch(/create_task.priority/);
  });

  it('rejects more than 25 steps', () => {
    expect(parsePlan(fenced({ steps: Array.from({ length: 26 }, () => step) }), allowed)).toMatchObject({ ok: false, reason: expect.stringMatching(/at most 25/) });
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

  it('builds a json_schema response_format limited to the allowed tools', () => {
    const rf = planResponseFormat(['create_task']) as any;
    expect(rf.type).toBe('json_schema');
    expect(rf.json_schema.schema.properties.steps.items.properties.toolName.enum).toEqual(['create_task']);
    expect((planResponseFormat([]) as any).json_schema.schema.properties.steps.maxItems).toBe(0);
  });
});
