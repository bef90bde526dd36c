/**
 * Test helper: timers that fire only when the test moves time (`advance`), so code that debounces,
 * delays or polls is tested without sleeping and without reading the wall clock. It implements
 * `Timers` (src-main/timers.ts) and offers `now()` for code that also takes a clock.
 *
 *   const timers = new ManualTimers();
 *   const host = await startHttpHost({ …, timers });
 *   await timers.waitForTimers(1);   // the code under test set a timer (maybe after an await)
 *   expect(timers.pending()).toEqual([250]);
 *   timers.advance(250);             // fires it
 */
import type { TimerHandle, Timers } from '../timers';

interface Entry {
  id: number;
  due: number;
  every: number | null;
  callback: () => void;
}

class ManualHandle implements TimerHandle {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
  unref(): this {
    return this;
  }
}

export class ManualTimers implements Timers {
  private time: number;
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  /** the manual clock, in ms (starts at the constructor's `start`) */
  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, null);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    if (handle instanceof ManualHandle) this.entries.delete(handle.id);
  }

  clearInterval(handle: TimerHandle | null | undefined): void {
    this.clearTimeout(handle);
  }

  /** resolves when the timers have been advanced past `ms` */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, ms));
  }

  /** how long each waiting timer has left, soonest first */
  pending(): number[] {
    return [...this.entries.values()].map((e) => e.due - this.time).sort((a, b) => a - b);
  }

  /** Moves the clock forward by `ms`, firing every timer that comes due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = this.soonest();
      if (!next || next.due > end) break;
      this.time = next.due;
      if (next.every === null) this.entries.delete(next.id);
      else next.due += next.every;
      next.callback();
    }
    this.time = end;
  }

  /** Moves the clock to the soonest timer and fires it; false when none waits. */
  runNext(): boolean {
    const next = this.soonest();
    if (!next) return false;
    this.advance(next.due - this.time);
    return true;
  }

  /** Resolves once at least `count` timers wait: for code that sets its timer after an await. */
  waitForTimers(count = 1): Promise<void> {
    if (this.entries.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private add(callback: () => void, ms: number, every: number | null): TimerHandle {
    const id = this.nextId++;
    this.entries.set(id, { id, due: this.time + Math.max(0, ms), every, callback });
    const ready = this.waiters.filter((w) => this.entries.size >= w.count);
    this.waiters = this.waiters.filter((w) => this.entries.size < w.count);
    for (const w of ready) w.resolve();
    return new ManualHandle(id);
  }

  private soonest(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.entries.values()) if (!best || e.due < best.due || (e.due === best.due && e.id < best.id)) best = e;
    return best;
  }
}
