import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src-shared/api';
import { errorText, formatDuration, formatElapsed, formatSince, formatUntil } from './format';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

describe('relative times with an injected clock', () => {
  it('a past event reads "ago", and never "in" even when its clock runs ahead of ours', () => {
    expect(formatSince(at(-10_000), NOW)).toBe('just now');
    expect(formatSince(at(-5 * 60_000), NOW)).toBe('5 min ago');
    expect(formatSince(at(-3 * 3_600_000), NOW)).toBe('3 h ago');
    expect(formatSince(at(+30_000), NOW)).toBe('just now');
    expect(formatSince(at(+10 * 60_000), NOW)).toBe('just now');
    for (const ms of [-7_200_000, -60_000, 0, 5_000, 600_000]) expect(formatSince(at(ms), NOW)).not.toMatch(/^in /);
  });

  it('a coming event reads "in", and never "ago": once passed it is due now', () => {
    expect(formatUntil(at(+10_000), NOW)).toBe('in a moment');
    expect(formatUntil(at(+60 * 60_000 - 1), NOW)).toBe('in 60 min');
    expect(formatUntil(at(+2 * 3_600_000), NOW)).toBe('in 2 h');
    expect(formatUntil(at(0), NOW)).toBe('due now');
    expect(formatUntil(at(-60_000), NOW)).toBe('due now');
    expect(formatUntil(at(-60_000), NOW, 'running')).toBe('running');
    for (const ms of [-7_200_000, -60_000, 0, 5_000, 600_000]) expect(formatUntil(at(ms), NOW)).not.toMatch(/ago$/);
  });

  it('far times read as dates, missing or broken ones as a dash', () => {
    expect(formatSince(at(-3 * 86_400_000), NOW)).toMatch(/2026/);
    expect(formatUntil(at(+3 * 86_400_000), NOW)).toMatch(/2026/);
    expect(formatSince(null, NOW)).toBe('—');
    expect(formatUntil('not a date', NOW)).toBe('—');
  });

  it('durations are never negative', () => {
    expect(formatDuration(-500)).toBe('0 ms');
    expect(formatDuration(1_250)).toBe('1.3 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatElapsed(at(+3_000), NOW)).toBe('0 ms');
    expect(formatElapsed(at(-2_500), NOW)).toBe('2.5 s');
    expect(formatElapsed('not a date', NOW)).toBe('—');
  });
});

describe('error messages for people', () => {
  it('says what was wrong with which field, without the method name or zod wording', () => {
    const e = new ApiError('BAD_INPUT', 'Invalid input for settings.update', [{ path: ['runner', 'concurrency'], message: 'Too big: expected number to be <=16' }]);
    expect(errorText(e)).toBe('Concurrent LLM calls must be at most 16');
    const other = new ApiError('CONFLICT', 'The mission changed meanwhile', [{ path: ['title'], message: 'Too small: expected string to have >=1 characters' }]);
    expect(errorText(other)).toBe("The mission changed meanwhile: Title can't be empty");
    expect(errorText(new Error('plain'))).toBe('plain');
  });
});
