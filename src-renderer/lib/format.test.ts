import { describe, expect, it } from 'vitest';
import { formatElapsed } from './format';

describe('formatElapsed', () => {
  it('never shows a negative running time (a window clock a little behind the engine)', () => {
    const started = '2026-11-20T09:00:00.360Z';
    expect(formatElapsed(started, Date.parse('2026-11-20T09:00:00.000Z'))).toBe('0 ms');
    expect(formatElapsed(started, Date.parse('2026-11-20T09:00:02.360Z'))).toBe('2.0 s');
    expect(formatElapsed('not a date', 0)).toBe('—');
  });
});
