import { describe, expect, it } from 'vitest';
import { getTool } from '../tools/catalog';
import { type PlannerContext, type PastIteration, systemPrompt, userPrompt } from './prompt';

function ctx(extra: Partial<PlannerContext> = {}): PlannerContext {
  return {
    mission: { title: 'Plan my week', conceptMarkdown: '', objective: 'Turn notes into tasks' },
    agent: { name: 'Companion', role: 'planner', systemPrompt: 'Be brief.' },
    inputs: [],
    recentIterations: [],
    tools: [getTool('create_task')!, getTool('list_tasks')!],
    now: new Date('2026-11-20T23:30:00Z'),
    timeZone: 'Europe/Berlin',
    mode: 'json',
    ...extra,
  };
}

const past = (n: number): PastIteration => ({
  startedAt: `2026-11-${String(n).padStart(2, '0')}T09:00:00Z`,
  status: 'awaiting-review',
  summary: `iteration ${n}`,
  steps: [{ toolName: 'create_task', summary: `task ${n}`, status: 'rejected', feedback: `feedback ${n}` }],
});

describe('planner prompt', () => {
  it('system: rules, JSON shape, rationale, agent instructions, local time and the tool block', () => {
    const s = systemPrompt(ctx());
    expect(s).toMatch(/Reply ONLY with the plan as one JSON object/);
    expect(s).toContain('If nothing needs doing, reply exactly: {"summary": "Nothing to do", "steps": []}');
    expect(s).toMatch(/rationale/);
    expect(s).toContain('Be brief.');
    expect(s).toContain('Saturday 2026-11-21 00:30'); // the user's wall clock, not UTC's date
    expect(s).toContain('create_task (todo, write)');
    expect(s).toMatch(/title: string \(required\)/);
    expect(s).toContain('[low|medium|high]');
  });

  it('user: mission, inputs fenced as data, the last 3 iterations with feedback and rejected steps', () => {
    const u = userPrompt(
      ctx({
        inputs: [{ module: 'notes', table: 'notes', id: 'n1', title: 'Meeting', content: 'Anna wants a call' }],
        recentIterations: [10, 9, 8, 7, 6, 5].map(past),
      }),
    );
    expect(u).toContain('# Mission: Plan my week');
    expect(u).toContain('Turn notes into tasks');
    expect(u).toMatch(/<input module="notes" table="notes" id="n1" title="Meeting">\nAnna wants a call\n<\/input>/);
    expect(u).toContain('[rejected]');
    expect(u).toContain('feedback 10');
    expect(u).toContain('feedback 8');
    expect(u).not.toContain('feedback 7');
  });

  it('tools mode does not list the tools again: they travel as function schemas', () => {
    const s = systemPrompt(ctx({ mode: 'tools' }));
    expect(s).toContain('They are given to you as functions.');
    expect(s).not.toContain('create_task (todo, write)');
    expect(s).toContain('If nothing needs doing, call no tool and answer exactly: Nothing to do');
  });

  it("never feeds a failed run's summary back; errors and summaries go in at most 200 characters", () => {
    const u = userPrompt(
      ctx({
        recentIterations: [
          { startedAt: '2026-11-20T08:00:00Z', status: 'failed', summary: 'GIBBERISH-SUMMARY', error: `E${'e'.repeat(400)}`, steps: [] },
          { startedAt: '2026-11-19T08:00:00Z', status: 'done', summary: `S${'s'.repeat(400)}`, steps: [] },
        ],
      }),
    );
    expect(u).not.toContain('GIBBERISH-SUMMARY');
    expect(u).toContain(`Error: E${'e'.repeat(198)}…\n`);
    expect(u).toContain(`Summary: S${'s'.repeat(198)}…\n`);
  });

  it('truncates linked inputs to the character budget with a visible marker', () => {
    const u = userPrompt(
      ctx({
        inputCharBudget: 50,
        inputs: [
          { module: 'notes', table: 'notes', id: 'a', title: 'A', content: 'x'.repeat(40) },
          { module: 'notes', table: 'notes', id: 'b', title: 'B', content: 'y'.repeat(40) },
        ],
      }),
    );
    expect(u).toContain('x'.repeat(40));
    expect(u).toContain('y'.repeat(10) + '\n[… truncated: 30 more characters not shown]');
    expect(u).not.toContain('y'.repeat(11));
  });
});
