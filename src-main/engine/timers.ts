/**
 * One-shot timers, injected wherever the engine waits (the runner's wake-up, its status throttle)
 * so that tests drive time with a manual clock (testing/manual-clock.ts) instead of sleeping.
 */
export interface Timers {
  /** Calls `fn` once, `ms` from now; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** setTimeout's ceiling (~24.8 days): a longer wait fires early, and its owner re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Node's timers. They never keep the process alive: the host decides when it ends. */
export const systemTimers: Timers = {
  setTimer(fn, ms) {
    const timer = setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    timer.unref?.();
    return () => clearTimeout(timer);
  },
};
