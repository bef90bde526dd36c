/**
 * Test helper: the engine's clock and timers, moved only by the test. `advance`/`set` move the
 * time; `runDue` then fires the timers whose time has come, so a test says exactly when a
 * wake-up or a throttled emission happens and never waits for one.
 */
import type { Timers } from '../timers';

interface Armed {
  at: number;
  order: number;
  fn: () => void;
}

export class ManualClock implements Timers {
  /** the current time, ms since the epoch */
  now: number;
  private armedTimers: Armed[] = [];
  private armedCount = 0;

  constructor(start: string | number) {
    this.now = typeof start === 'number' ? start : Date.parse(start);
  }

  date(): Date {
    return new Date(this.now);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  set(iso: string): void {
    this.now = Date.parse(iso);
  }

  setTimer(fn: () => void, ms: number): () => void {
    const timer: Armed = { at: this.now + Math.max(0, ms), order: this.armedCount++, fn };
    this.armedTimers.push(timer);
    return () => {
      this.armedTimers = this.armedTimers.filter((t) => t !== timer);
    };
  }

  /** When the armed timers are due (ms since the epoch), earliest first. */
  armed(): number[] {
    return this.sorted().map((t) => t.at);
  }

  /**
   * Fires every timer due by now, earliest first (ties in the order they were armed), including
   * timers those callbacks arm that are due too. Returns how many fired.
   */
  runDue(): number {
    let fired = 0;
    for (let next = this.sorted()[0]; next && next.at <= this.now; next = this.sorted()[0]) {
      this.armedTimers = this.armedTimers.filter((t) => t !== next);
      next.fn();
      fired++;
    }
    return fired;
  }

  private sorted(): Armed[] {
    return [...this.armedTimers].sort((a, b) => a.at - b.at || a.order - b.order);
  }
}
