/**
 * Timer functions as a dependency. Code whose behaviour depends on time (debounces, heartbeats,
 * back-off, grace periods) takes a `Timers`, so that its tests move time by hand
 * (src-main/testing/manual-timers.ts) instead of sleeping or measuring the wall clock.
 *
 * Only erasable TypeScript syntax: the scripted LLM server imports this and runs under plain Node.
 */

/** What a timer function returns: opaque, except that a real one can be unref'd. */
export interface TimerHandle {
  unref?(): unknown;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
  setInterval(callback: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | null | undefined): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout((handle ?? undefined) as NodeJS.Timeout | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval((handle ?? undefined) as NodeJS.Timeout | undefined),
};

/** Resolves after `ms` on the given timers; a real timer does not keep the process alive. */
export function sleepOn(timers: Timers, ms: number): Promise<void> {
  return new Promise((resolve) => {
    timers.setTimeout(resolve, ms).unref?.();
  });
}
