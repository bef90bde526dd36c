import { useEffect, useState } from 'react';
import { systemTimeZone } from '../../../src-shared/cadence';
import { api } from '../../api/client';

let cached: Promise<string> | null = null;

/** Fixed-time cadences are read in the runner's time zone, which may differ from this browser's. */
export function runnerTimeZone(): Promise<string> {
  cached ??= api()
    .call('settings.get')
    .then((s) => s.runner.timeZone)
    .catch(() => {
      cached = null;
      return systemTimeZone();
    });
  return cached;
}

export function forgetRunnerTimeZone(): void {
  cached = null;
}

export function useRunnerTimeZone(): string {
  const [zone, setZone] = useState(systemTimeZone);
  useEffect(() => {
    let live = true;
    void runnerTimeZone().then((z) => live && setZone(z));
    return () => {
      live = false;
    };
  }, []);
  return zone;
}
