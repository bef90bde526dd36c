/**
 * Test helper: the engine's clock and timers in one object, moved only by the test. It is the
 * shared ManualTimers (src-main/testing/manual-timers.ts: `advance` fires every timer due on the
 * way) started at an ISO instant, with the current time as a Date for the engine's `now()`.
 */
import { ManualTimers } from '../../testing/manual-timers';

export class TestClock extends ManualTimers {
  constructor(start: string) {
    super(Date.parse(start));
  }

  date(): Date {
    return new Date(this.now());
  }

  /** Moves the clock to `iso`, firing every timer due on the way. */
  set(iso: string): void {
    this.advance(Date.parse(iso) - this.now());
  }
}
