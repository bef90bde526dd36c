import { type FormEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { errorText } from './format';

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: string | null;
  result: R | undefined;
  reset: () => void;
}

/** Wraps an async action with busy / error / result state for a button or form. */
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<R | undefined>(undefined);
  const mounted = useRef(true);
  const fnRef = useRef(fn);
  useLayoutEffect(() => {
    fnRef.current = fn;
  });
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      const r = await fnRef.current(...args);
      if (mounted.current) setResult(r);
      return r;
    } catch (e) {
      if (mounted.current) setError(errorText(e));
      return undefined;
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);
  const reset = useCallback(() => {
    setError(null);
    setResult(undefined);
  }, []);
  return { run, busy, error, result, reset };
}

/** A form's onSubmit that runs `action` (errors land in `action.error`) instead of navigating. */
export function submitTo(action: Pick<Action<[], unknown>, 'run'>): (e: FormEvent) => void {
  return (e) => {
    e.preventDefault();
    void action.run();
  };
}
