import { useLiveQuery } from 'dexie-react-hooks';
import { useSyncExternalStore } from 'react';
import type { z } from 'zod';
import { getRecord, tableRecords } from './records';
import { recordKey, type StoredRecord } from './schema';
import { getSyncState, subscribeSync, type SyncState } from './sync';

/** Live, non-deleted records of one table; undefined while the first read is in flight. */
export function useRecords(app: string, table: string): StoredRecord[] | undefined {
  return useLiveQuery(async () => (await tableRecords(app, table)).filter((r) => r.deleted === 0), [app, table]);
}

/** One live record (null when missing or deleted, undefined while loading or without an id). */
export function useRecord(app: string, table: string, id: string | null | undefined): StoredRecord | null | undefined {
  return useLiveQuery(async () => {
    if (!id) return undefined;
    const r = await getRecord(recordKey(app, table, id));
    return r && r.deleted === 0 ? r : null;
  }, [app, table, id]);
}

const warned = new Set<string>();

/**
 * Records parsed with a domain schema (id folded into the data). A record that does not parse is
 * left out with a console warning rather than crashing the page.
 */
export function parseRecords<S extends z.ZodType>(records: readonly StoredRecord[] | undefined, schema: S): z.output<S>[] | undefined {
  if (!records) return undefined;
  const out: z.output<S>[] = [];
  for (const r of records) {
    const parsed = schema.safeParse({ ...r.data, id: r.id });
    if (parsed.success) out.push(parsed.data);
    else if (!warned.has(r.key)) {
      warned.add(r.key);
      console.warn(`Skipping unreadable record ${r.key}`, parsed.error.issues);
    }
  }
  return out;
}

export function useSyncState(): SyncState {
  return useSyncExternalStore(subscribeSync, getSyncState);
}
