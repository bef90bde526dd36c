/**
 * What the scripted server received, and promises that resolve once enough of it has arrived.
 * Only erasable TypeScript syntax (see ./index.ts).
 */
import type { Timers } from '../../timers.ts';
import type { RecordedRequest } from './types.ts';

export interface Recorder {
  /** the chat-completion requests */
  readonly requests: RecordedRequest[];
  /** every request but control calls */
  readonly allRequests: RecordedRequest[];
  /** to call after a record was added or changed: wakes the waiters whose condition now holds */
  changed(): void;
  waitForRequests(count: number, timeoutMs: number): Promise<RecordedRequest[]>;
  waitForAborted(count: number, timeoutMs: number): Promise<RecordedRequest[]>;
  clear(): void;
}

export function createRecorder(timers: Timers): Recorder {
  const requests: RecordedRequest[] = [];
  const allRequests: RecordedRequest[] = [];
  let waiters: { check: () => boolean }[] = [];

  /** Resolves with `value()` once it is not null; rejects after timeoutMs on the given timers. */
  function waitUntil<T>(value: () => T | null, timeoutMs: number, failure: () => string): Promise<T> {
    const ready = value();
    if (ready !== null) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        check: () => {
          const v = value();
          if (v === null) return false;
          timers.clearTimeout(timer);
          resolve(v);
          return true;
        },
      };
      const timer = timers.setTimeout(() => {
        waiters = waiters.filter((w) => w !== waiter);
        reject(new Error(`scripted LLM: ${failure()}`));
      }, timeoutMs);
      timer.unref?.();
      waiters.push(waiter);
    });
  }

  const aborted = () => requests.filter((r) => r.aborted);

  return {
    requests,
    allRequests,
    changed() {
      waiters = waiters.filter((w) => !w.check());
    },
    waitForRequests(count, timeoutMs) {
      return waitUntil(
        () => (requests.length >= count ? requests.slice() : null),
        timeoutMs,
        () => `expected ${count} chat request(s) within ${timeoutMs} ms, got ${requests.length}`,
      );
    },
    waitForAborted(count, timeoutMs) {
      return waitUntil(
        () => (aborted().length >= count ? aborted() : null),
        timeoutMs,
        () => `expected ${count} aborted chat request(s) within ${timeoutMs} ms, got ${aborted().length}`,
      );
    },
    clear() {
      requests.length = 0;
      allRequests.length = 0;
    },
  };
}
