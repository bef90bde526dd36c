import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PublicSettings } from '../../src-shared/domain/settings';
import { getTool } from '../../src-shared/tools/catalog';
import { plainIssue, plainIssues } from './plainIssues';

/** The sentences for what a schema says about an input: real zod messages, not hand-written ones. */
function sentences(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  return result.error.issues.map((i) => plainIssue(i));
}

describe('validation problems in people words', () => {
  it('translates zod messages, naming the field', () => {
    const schema = z.object({
      title: z.string().trim().min(1).max(5),
      concurrency: z.number().int().min(1).max(16),
      priority: z.enum(['low', 'medium', 'high']),
      targetValue: z.coerce.number().positive(),
      tickIntervalMs: z.number().int(),
      model: z.string(),
    });
    expect(sentences(schema, { title: '', concurrency: 100, priority: 'urgent', targetValue: 'lots', tickIntervalMs: 1.5 })).toEqual([
      "Title can't be empty",
      'Concurrent LLM calls must be at most 16',
      'Priority must be one of: low, medium, high',
      'Target must be a number',
      'Tick interval must be a whole number',
      'Model is required',
    ]);
    expect(sentences(schema.pick({ title: true, concurrency: true, targetValue: true }), { title: 'far too long', concurrency: 0, targetValue: -1 })).toEqual([
      'Title is too long (at most 5 characters)',
      'Concurrent LLM calls must be at least 1',
      'Target must be more than 0',
    ]);
  });

  it('translates the catalog messages written for the model', () => {
    expect(sentences(getTool('create_task')!.params, { title: 'x', dueDate: 'friday' })).toEqual(['Due date must be a real date']);
    expect(sentences(getTool('add_tag_to_note')!.params, { noteId: 'n', tag: 'two words' })).toEqual(['Tag must be one word, without spaces or commas']);
    expect(sentences(getTool('update_task')!.params, { taskId: 't' })).toEqual(['Change at least one field']);
    expect(sentences(getTool('create_event')!.params, { title: 'x', startTime: '2026-11-21T10:00', endTime: '2026-11-21T09:00' })).toEqual([
      'The end must be after the start',
    ]);
    expect(sentences(getTool('create_event')!.params, { title: 'x', startTime: 'tomorrow', endTime: '2026-11-21T09:00' })).toEqual([
      'Start must be a real date and a time',
      'The end must be after the start',
    ]);
  });

  it('reads settings problems as the engine returns them (path and message only)', () => {
    const issues = (() => {
      const r = PublicSettings.shape.llm.safeParse({ baseUrl: 'ftp://x', model: 'm', temperature: 3, timeoutMs: 5000, plannerMode: 'auto', maxTokens: 1000, maxAnswerChars: 200_000 });
      return r.success ? [] : r.error.issues.map((i) => ({ path: ['llm', ...i.path], message: i.message }));
    })();
    expect(plainIssues(issues)).toBe('Base URL must be an http(s) URL such as http://127.0.0.1:11434/v1. Temperature must be at most 2');
  });

  it('never shows zod wording for anything it knows', () => {
    const zodWords = /Too small|Too big|Invalid input|Invalid option|expected|received|>=|<=/;
    const schema = z.object({ a: z.string().min(3), b: z.array(z.string()).min(1), c: z.boolean(), d: z.url(), e: z.string().regex(/^x$/) });
    for (const s of sentences(schema, { a: 'x', b: [], c: 'yes', d: 'nope', e: 'y' })) expect(s).not.toMatch(zodWords);
  });

  it('keeps an unknown message, prefixed with its field', () => {
    expect(plainIssue({ path: ['expression'], message: 'This expression never matches a future time.' })).toBe('Cron expression: This expression never matches a future time.');
    expect(plainIssue({ path: [], message: 'Something odd.' })).toBe('Something odd.');
  });
});
