/**
 * The LLM client's time: an attempt's timeout and the back-off wait between attempts, on a
 * Timers. The engine passes its own, so that the LLM's time is the engine's (the test clock in
 * tests) and nothing in the client reads the wall clock or sleeps for real in a test.
 */
import type { Timers } from '../../timers';
import { LlmError } from './errors';

/** A per-attempt timer: its signal aborts when the time is up. */
export interface AttemptTimer {
  signal: AbortSignal;
  clear(): void;
}

export interface LlmTiming {
  /** starts the timeout of one attempt */
  timer(ms: number): AttemptTimer;
  /** waits between attempts; rejects with an 'aborted' LlmError when the signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export function llmTimers(timers: Timers): LlmTiming {
  return {
    timer(ms) {
      const controller = new AbortController();
      const handle = timers.setTimeout(() => controller.abort(), ms);
      return { signal: controller.signal, clear: () => timers.clearTimeout(handle) };
    },
    sleep(ms, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new LlmError('aborted', 'The LLM call was cancelled.'));
        const onAbort = () => {
          timers.clearTimeout(handle);
          reject(new LlmError('aborted', 'The LLM call was cancelled.'));
        };
        const handle = timers.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
