import type { Store } from './store';

export function rebuildProjection(store: Store): { changes: number; records: number; quarantined: number; ms: number } {
  const started = Date.now();
  const stats = store.rebuildProjection();
  return { ...stats, ms: Date.now() - started };
}
