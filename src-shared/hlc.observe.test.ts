import { describe, expect, it } from 'vitest';
import { compareStamps, createHybridClock } from './hlc';

describe('HybridClock.observe', () => {
  it('issues a stamp after an observed stamp of the same millisecond with a higher counter', () => {
    const clock = createHybridClock('00000000000000aa', () => Date.parse('2026-01-01T00:00:00.000Z'));
    const first = clock.now();
    const remote = '2026-01-01T00:00:00.000Z-0005-00000000000000bb';
    clock.observe(remote);
    const next = clock.now();
    expect(compareStamps(next, remote)).toBe(1);
    expect(compareStamps(next, first)).toBe(1);
  });

  it('follows a remote clock slightly ahead, counter included', () => {
    const clock = createHybridClock('00000000000000aa', () => Date.parse('2026-01-01T00:00:00.000Z'));
    const remote = '2026-01-01T00:00:01.000Z-0003-00000000000000bb';
    clock.observe(remote);
    expect(compareStamps(clock.now(), remote)).toBe(1);
  });
});
