import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStamps, createHybridClock, isStamp, MAX_DRIFT_MS, MIN_STAMP, stampMillis, stampRangeCheck, stampSortKey } from './hlc';

const NODE_A = '00000000000000aa';
const NODE_B = '00000000000000bb';
const T0 = Date.parse('2026-11-21T10:00:00.000Z');

/** A clock whose wall time the test moves by hand. */
function manualClock(nodeId = NODE_A, start = T0) {
  let wall = start;
  const clock = createHybridClock(nodeId, () => wall);
  return { clock, set: (ms: number) => (wall = ms) };
}

describe('stamps', () => {
  it('accepts HLC strings and ISO instants of any precision or zone', () => {
    for (const at of [
      '2026-11-21T10:00:00.000Z',
      '2026-11-21T10:00:00Z',
      '2026-11-21T10:00:00.1Z',
      '2026-11-21T10:00:00.123456789Z',
      '2026-11-21T11:00:00.000+01:00',
      '2026-11-21T10:00:00.000Z-0000-00000000000000aa',
    ]) {
      expect(isStamp(at), at).toBe(true);
    }
  });

  it('rejects what is not an instant', () => {
    for (const at of [
      '',
      'yesterday',
      '2026-11-21',
      '2026-11-21T10:00:00', // no zone: ambiguous
      '2026-11-21T10:00:00.000Z-1-aa',
      '2026-11-21T10:00:00.000Z-0000-00000000000000AA', // node ids are lower-case hex
      '2026-02-30T10:00:00.000Z', // Date.parse would roll it into March
      '2026-13-01T10:00:00.000Z',
      '2026-11-21T24:00:00Z',
      '2026-02-30T10:00:00.000Z-0000-00000000000000aa',
    ]) {
      expect(isStamp(at), at).toBe(false);
    }
  });

  it('accepts exactly the dates and times the calendar has (as a Date round trip decides)', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const viaDate = (wall: string) => {
      const ms = Date.parse(`${wall}.000Z`);
      return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 19) === wall;
    };
    const field = (max: number) => fc.integer({ min: 0, max });
    fc.assert(
      fc.property(field(9999), field(13), field(32), field(25), field(61), field(61), fc.constantFrom('.000Z', 'Z', '.5+01:00', '.000Z-0001-00000000000000aa'), (y, mo, d, h, mi, s, zone) => {
        const wall = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}`;
        const at = `${wall}${zone}`;
        expect(isStamp(at), at).toBe(stampSortKey(at) !== null && viaDate(wall));
      }),
      { numRuns: 20_000 },
    );
    // leap days: every 4th year, but not every 100th, yet every 400th
    expect(['2024-02-29', '2000-02-29', '1900-02-29', '2023-02-29', '2024-04-31'].map((day) => isStamp(`${day}T00:00:00.000Z`))).toEqual([true, true, false, false, false]);
  });

  it('compares different spellings of one instant as equal, and keeps each as given', () => {
    expect(compareStamps('2026-11-21T10:00:00Z', '2026-11-21T10:00:00.000Z')).toBe(0);
    expect(compareStamps('2026-11-21T11:00:00+01:00', '2026-11-21T10:00:00.000Z')).toBe(0);
    // Raw strings would say the opposite: 'Z' sorts after '.'.
    expect('2026-11-21T10:00:00Z' > '2026-11-21T10:00:00.500Z').toBe(true);
    expect(compareStamps('2026-11-21T10:00:00Z', '2026-11-21T10:00:00.500Z')).toBe(-1);
  });

  it('orders a plain instant, then HLC stamps of that millisecond, then sub-millisecond instants', () => {
    const plain = '2026-11-21T10:00:00.000Z';
    const hlc0 = '2026-11-21T10:00:00.000Z-0000-00000000000000aa';
    const hlc1 = '2026-11-21T10:00:00.000Z-0001-00000000000000aa';
    const nano = '2026-11-21T10:00:00.000001Z';
    const next = '2026-11-21T10:00:00.001Z';
    const sorted = [next, nano, hlc1, plain, hlc0].sort((a, b) => compareStamps(a, b));
    expect(sorted).toEqual([plain, hlc0, hlc1, nano, next]);
  });

  it('reads the instant of every form', () => {
    expect(stampMillis('2026-11-21T10:00:00.000Z-0003-00000000000000aa')).toBe(T0);
    expect(stampMillis('2026-11-21T11:00:00+01:00')).toBe(T0);
    expect(stampMillis('nope')).toBeNaN();
    expect(stampSortKey('nope')).toBeNull();
  });

  // Every accepted spelling of an instant, for the property below.
  const spellings = (ms: number, counter: number): string[] => {
    const iso = new Date(ms).toISOString();
    const out = [iso, `${iso.slice(0, 23)}000000Z`, isoWithOffset(ms, 90)];
    if (ms % 1000 === 0) out.push(`${iso.slice(0, 19)}Z`);
    out.push(`${iso}-${counter.toString(16).padStart(4, '0')}-${NODE_B}`);
    return out;
  };

  it('orders stamps by instant whatever their spelling (property)', () => {
    const instant = fc.integer({ min: Date.parse('1999-01-01T00:00:00Z'), max: Date.parse('2099-01-01T00:00:00Z') });
    fc.assert(
      fc.property(instant, instant, fc.nat(10), fc.nat(10), fc.nat(5), fc.nat(5), (a, b, ia, ib, ca, cb) => {
        const sa = spellings(a, ca);
        const sb = spellings(b, cb);
        const x = sa[ia % sa.length]!;
        const y = sb[ib % sb.length]!;
        expect(isStamp(x) && isStamp(y)).toBe(true);
        if (a !== b) expect(compareStamps(x, y)).toBe(Math.sign(a - b));
        expect(compareStamps(x, y) + compareStamps(y, x)).toBe(0); // antisymmetric (avoiding 0 vs -0)
        // The shortcut for 24- and 46-character stamps orders exactly as the sort keys do.
        const [kx, ky] = [stampSortKey(x)!, stampSortKey(y)!];
        expect(compareStamps(x, y)).toBe(kx < ky ? -1 : kx > ky ? 1 : 0);
      }),
    );
  });
});

function isoWithOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const h = String(Math.floor(offsetMinutes / 60)).padStart(2, '0');
  const m = String(offsetMinutes % 60).padStart(2, '0');
  return `${local}+${h}:${m}`;
}

describe('hybrid clock', () => {
  it('issues canonical stamps carrying its node id', () => {
    const { clock } = manualClock();
    const at = clock.now();
    expect(at).toBe(`2026-11-21T10:00:00.000Z-0000-${NODE_A}`);
    expect(isStamp(at)).toBe(true);
  });

  it('counts within one millisecond and never goes back when the wall clock does', () => {
    const { clock, set } = manualClock();
    const a = clock.now();
    const b = clock.now();
    set(T0 - 60_000);
    const c = clock.now();
    expect(compareStamps(a, b)).toBe(-1);
    expect(compareStamps(b, c)).toBe(-1);
    expect(c).toBe(`2026-11-21T10:00:00.000Z-0002-${NODE_A}`);
  });

  it('borrows the next millisecond when the counter is exhausted', () => {
    const { clock } = manualClock();
    let last = '';
    for (let i = 0; i <= 0x10000; i++) last = clock.now();
    expect(last).toBe(`2026-11-21T10:00:00.001Z-0000-${NODE_A}`);
  });

  it('moves past stamps it observes, but not past implausibly far ones', () => {
    const { clock } = manualClock();
    clock.observe('2026-11-21T10:01:00.000Z');
    expect(clock.now()).toBe(`2026-11-21T10:01:00.000Z-0001-${NODE_A}`);
    clock.observe(new Date(T0 + MAX_DRIFT_MS + 1).toISOString());
    expect(stampMillis(clock.now())).toBe(Date.parse('2026-11-21T10:01:00.000Z'));
    clock.observe('garbage');
  });

  it('rejects a malformed node id', () => {
    expect(() => createHybridClock('xyz')).toThrow(/16 hex digits/);
  });

  it('is strictly increasing under any wall clock and observations (property)', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('wall' as const), delta: fc.integer({ min: -5_000, max: 5_000 }) }),
      fc.record({ kind: fc.constant('observe' as const), delta: fc.integer({ min: -5_000, max: 2 * MAX_DRIFT_MS }) }),
      fc.record({ kind: fc.constant('now' as const), delta: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const { clock, set } = manualClock();
        let wall = T0;
        let last = clock.now();
        for (const s of steps) {
          if (s.kind === 'wall') set((wall += s.delta));
          if (s.kind === 'observe') clock.observe(new Date(wall + s.delta).toISOString());
          const next = clock.now();
          expect(compareStamps(last, next)).toBe(-1);
          last = next;
        }
      }),
    );
  });

  it('issues stamps after every HLC stamp it observed from another node (property)', () => {
    const seen = fc.record({ delta: fc.integer({ min: -50, max: 50 }), counter: fc.integer({ min: 0, max: 0xffff }) });
    fc.assert(
      fc.property(fc.array(seen, { maxLength: 100 }), (observed) => {
        const { clock } = manualClock();
        for (const o of observed) {
          const at = `${new Date(T0 + o.delta).toISOString()}-${o.counter.toString(16).padStart(4, '0')}-${NODE_B}`;
          clock.observe(at);
          expect(compareStamps(clock.now(), at)).toBe(1);
        }
      }),
    );
  });

  it('observing stamps all at once leaves it where observing them one by one does (property)', () => {
    // HLC stamps of another node, plain instants (with sub-millisecond digits too), some implausibly far ahead.
    const stamp = fc.oneof(
      fc
        // few milliseconds, so that several stamps of one page share the latest one
        .record({ delta: fc.integer({ min: -3, max: 3 }), counter: fc.integer({ min: 0, max: 0xffff }) })
        .map((o) => `${new Date(T0 + o.delta).toISOString()}-${o.counter.toString(16).padStart(4, '0')}-${NODE_B}`),
      fc.integer({ min: -3, max: 3 }).map((delta) => new Date(T0 + delta).toISOString()),
      fc.integer({ min: -3, max: 3 }).map((delta) => new Date(T0 + delta).toISOString().replace('Z', '123Z')),
      fc.integer({ min: MAX_DRIFT_MS - 2, max: MAX_DRIFT_MS + 2 }).map((delta) => new Date(T0 + delta).toISOString()),
      fc.constant('garbage'),
    );
    fc.assert(
      fc.property(fc.array(stamp, { maxLength: 30 }), fc.array(stamp, { maxLength: 30 }), (before, page) => {
        const one = manualClock().clock;
        const all = manualClock().clock;
        for (const at of before) {
          one.observe(at);
          all.observe(at);
        }
        for (const at of page) one.observe(at);
        all.observeAll(page);
        expect(all.now()).toBe(one.now());
      }),
      { numRuns: 1_000 },
    );
  });

  it('two clocks never issue the same stamp', () => {
    const a = manualClock(NODE_A).clock;
    const b = manualClock(NODE_B).clock;
    const stamps = new Set<string>();
    for (let i = 0; i < 100; i++) {
      stamps.add(a.now());
      stamps.add(b.now());
    }
    expect(stamps.size).toBe(200);
  });
});

describe('stamps within the receiver clock', () => {
  const NOW = Date.parse('2026-11-20T09:00:00.000Z');
  const check = stampRangeCheck(NOW);
  it('takes exactly the stamps from 2000-01-01 to five minutes ahead, in every accepted spelling', () => {
    const instants = fc.oneof(
      fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }),
      fc.constantFrom(Date.parse(MIN_STAMP) - 1, Date.parse(MIN_STAMP), NOW + MAX_DRIFT_MS, NOW + MAX_DRIFT_MS + 1),
    );
    const spellings = (ms: number) => {
      const iso = new Date(ms).toISOString();
      return [iso, `${iso}-00ff-00000000000000aa`, `${iso.slice(0, 19)}Z`, `${iso.slice(0, 23)}999Z`, `${iso.slice(0, 19)}+00:00`];
    };
    fc.assert(
      fc.property(instants, (ms) => {
        for (const at of spellings(ms)) {
          const inRange = stampMillis(at) >= Date.parse(MIN_STAMP) && stampMillis(at) <= NOW + MAX_DRIFT_MS;
          expect(check(at) === null, at).toBe(inRange);
        }
      }),
    );
    expect(check('9999-12-31T23:59:59Z')).toMatch(/ahead of this computer's clock/);
    expect(check('2026-11-20T09:06:00.000Z')).toMatch(/6 minutes ahead/);
    expect(check('0000-01-01T00:00:00.000Z')).toMatch(/before 2000-01-01/);
    // an offset counts: 09:00 at UTC-1 is 10:00Z, an hour ahead
    expect(check('2026-11-20T09:00:00-01:00')).toMatch(/60 minutes ahead/);
  });
});
