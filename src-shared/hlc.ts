/**
 * Hybrid logical clock stamps.
 *
 * Our stamps look like `2026-11-21T19:50:10.123Z-0001-9f2c41d07a3b5e86`: an ISO instant with
 * milliseconds and `Z`, a 4-hex-digit counter and a 16-hex-digit node id. Canonical stamps sort
 * correctly as plain strings, their prefix is a readable instant, and two nodes never produce the
 * same stamp. Clients of the upstream format send plain ISO instants (`…00.000Z`, `…00Z`,
 * RFC3339Nano `…00.123456789Z`, or with an offset); those are accepted, stored as given, and
 * compared through `stampSortKey`, which maps every accepted form onto one sortable string.
 */

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HLC = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4})-([0-9a-f]{16})$/;
const LOOSE_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Remote clocks further ahead than this are not followed (a broken device clock must not drag
 * ours), and a pushed stamp further ahead is refused. Five minutes, as Actual Budget's HLC allows.
 */
export const MAX_DRIFT_MS = 5 * 60_000;

/**
 * No stamp is older than this: a device whose clock fell back to 1970 or year 0 wrote it, and its
 * writes would lose to everything, silently. Refused at the edge like a stamp from the future.
 */
export const MIN_STAMP = '2000-01-01T00:00:00.000Z';
const MIN_STAMP_MS = Date.parse(MIN_STAMP);

/**
 * Why a stamp cannot be taken from another writer whose receiver's clock reads `nowMs`, or null.
 * A stamp far ahead would win every later write of its field (the record looks frozen) and a
 * stamp before MIN_STAMP would lose to all of them; both come from a device with a wrong clock.
 */
export function stampRangeProblem(at: string, nowMs: number): string | null {
  return stampRangeCheck(nowMs)(at);
}

/**
 * stampRangeProblem for many stamps against one clock reading: canonical and HLC stamps (nearly
 * all) are decided by two string comparisons, as their first 24 characters are the instant.
 */
export function stampRangeCheck(nowMs: number): (at: string) => string | null {
  const horizonMs = nowMs + MAX_DRIFT_MS;
  const horizon = new Date(horizonMs).toISOString();
  return (at) => {
    if ((at.length === 24 || at.length === 46) && stampSortKey(at) === at) {
      const instant = at.slice(0, 24);
      if (instant >= MIN_STAMP && instant <= horizon) return null;
    }
    const ms = stampMillis(at);
    if (Number.isNaN(ms)) return 'not a stamp';
    if (ms < MIN_STAMP_MS) return `the time ${at.slice(0, 24)} is before ${MIN_STAMP.slice(0, 10)}: the device that wrote it has a wrong clock; set its date and time, then write again`;
    if (ms > horizonMs) {
      return `the time ${at.slice(0, 24)} is ${aheadBy(ms - nowMs)} ahead of this computer's clock (at most ${MAX_DRIFT_MS / 60_000} minutes are accepted): check the date and time of the device that wrote it`;
    }
    return null;
  };
}

function aheadBy(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  if (hours < 72) return `${hours} hours`;
  const days = Math.round(hours / 24);
  return days < 730 ? `${days} days` : `${Math.round(days / 365)} years`;
}

/**
 * True when `at` is a stamp we accept: our HLC form or an ISO-8601 instant with a zone, naming a
 * real calendar date (V8 would otherwise roll `02-30` over into March). Used at the edges; the hot
 * comparison path (`stampSortKey`) only checks the shape.
 */
export function isStamp(at: string): boolean {
  return stampSortKey(at) !== null && isCalendarTime(at);
}

/**
 * Whether `YYYY-MM-DDTHH:MM:SS` at the start of `at` (present in every accepted form, digits already
 * checked) names a real date and time of the proleptic Gregorian calendar, as Date does. Counted
 * from the digits: a push checks every field's stamp, and a Date round trip per stamp was a third
 * of the server's validation time.
 */
function isCalendarTime(at: string): boolean {
  const n = (i: number) => (at.charCodeAt(i) - 48) * 10 + (at.charCodeAt(i + 1) - 48);
  const year = n(0) * 100 + n(2);
  const month = n(5);
  const day = n(8);
  if (month < 1 || month > 12 || day < 1 || n(11) > 23 || n(14) > 59 || n(17) > 59) return false;
  if (day <= 28) return true;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31);
}

/**
 * A string that sorts like the instant (then counter, then node) of `at`; null when `at` is not a stamp.
 * Plain instants sort before HLC stamps of the same millisecond; sub-millisecond digits sort after both.
 */
export function stampSortKey(at: string): string | null {
  if (at.length === 24 && CANONICAL_ISO.test(at)) return at;
  if (at.length === 46 && HLC.test(at)) return at;
  const m = LOOSE_ISO.exec(at);
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(9, '0');
  const ms = Date.parse(`${m[1]}.${frac.slice(0, 3)}${m[3]}`);
  if (Number.isNaN(ms) || ms < 0 || ms > 253402300799999) return null;
  const base = new Date(ms).toISOString();
  const subMs = frac.slice(3);
  return subMs === '000000' ? base : `${base}~${subMs}`;
}

/** -1, 0 or 1. Both arguments must be stamps (validated at the edge). */
export function compareStamps(a: string, b: string): number {
  if (a === b) return 0;
  // A valid stamp of 24 or 46 characters is its own sort key (canonical ISO, HLC): most comparisons.
  if ((a.length === 46 || a.length === 24) && (b.length === 46 || b.length === 24)) return a < b ? -1 : 1;
  const ka = stampSortKey(a) ?? '';
  const kb = stampSortKey(b) ?? '';
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The instant a stamp denotes, in ms since the epoch (NaN for a non-stamp). */
export function stampMillis(at: string): number {
  const key = stampSortKey(at);
  return key === null ? Number.NaN : Date.parse(key.slice(0, 24));
}

export function randomNodeId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface HybridClock {
  readonly nodeId: string;
  /** A stamp strictly greater than every stamp this clock issued or observed. */
  now(): string;
  /** Moves the clock past a stamp seen from elsewhere (ignored when implausibly far ahead). */
  observe(at: string): void;
  /**
   * The same as observing each stamp, in one step: only the latest plausible one can move the
   * clock, and finding it takes one string comparison per stamp instead of a parse (hydration
   * observes every stamp of 100k records).
   */
  observeAll(stamps: Iterable<string>): void;
}

export function createHybridClock(nodeId: string = randomNodeId(), wallClock: () => number = Date.now): HybridClock {
  if (!/^[0-9a-f]{16}$/.test(nodeId)) throw new Error(`HLC node id must be 16 hex digits, got "${nodeId}"`);
  let lastMs = 0;
  let counter = 0;
  // The fields of one change usually share a stamp: seeing it again needs no parsing.
  let lastObserved = '';
  // Instant and counter of the clock as a stamp prefix: an HLC stamp that sorts at or below it
  // cannot move the clock, and most observed stamps (anything older) are decided by one comparison.
  let position = '';
  const track = () => {
    position = `${new Date(lastMs).toISOString()}-${counter.toString(16).padStart(4, '0')}`;
    return position;
  };
  return {
    nodeId,
    now() {
      const wall = wallClock();
      if (wall > lastMs) {
        lastMs = wall;
        counter = 0;
      } else {
        counter += 1;
        if (counter > 0xffff) {
          // Counter exhausted within one millisecond: borrow the next millisecond.
          lastMs += 1;
          counter = 0;
        }
      }
      return `${track()}-${nodeId}`;
    },
    observe(at) {
      if (at === lastObserved) return;
      // An HLC stamp's instant and counter are fixed-width fields: read them without a regex.
      const hlc = at.length === 46;
      if (hlc && at.slice(0, 29) <= position) return;
      const ms = hlc ? Date.parse(at.slice(0, 24)) : stampMillis(at);
      if (Number.isNaN(ms) || ms > wallClock() + MAX_DRIFT_MS) return;
      lastObserved = at;
      // The counter matters within one millisecond: our next stamp must sort after the one seen.
      const seenCounter = hlc ? parseInt(at.slice(25, 29), 16) : 0;
      if (ms > lastMs) {
        lastMs = ms;
        counter = seenCounter;
      } else if (ms === lastMs) {
        counter = Math.max(counter, seenCounter);
      }
      // An HLC stamp that got here sorts above `position`, so its own prefix is the new position.
      if (hlc) position = at.slice(0, 29);
      else track();
    },
    observeAll(stamps) {
      // Sort keys start with the canonical ISO instant, so "not implausibly far" is a string comparison too.
      const horizon = new Date(wallClock() + MAX_DRIFT_MS).toISOString();
      let latest: string | undefined;
      let latestPosition = '';
      for (const at of stamps) {
        if (at === latest) continue;
        // An HLC stamp (its own sort key, when valid) that sorts at or below the latest cannot win:
        // most of a page's stamps, decided before they are parsed.
        if (at.length === 46 && at.slice(0, 29) <= latestPosition) continue;
        const key = stampSortKey(at);
        if (key === null || key.slice(0, 24) > horizon) continue;
        // What the clock keeps of a stamp: its millisecond and counter (a plain instant's is 0;
        // sub-millisecond digits do not count), in the form of `position`.
        const position = key.length === 46 ? key.slice(0, 29) : `${key.slice(0, 24)}-0000`;
        if (position <= latestPosition) continue;
        latest = at;
        latestPosition = position;
      }
      if (latest !== undefined) this.observe(latest);
    },
  };
}
