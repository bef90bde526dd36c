import { liveQuery } from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useSyncExternalStore } from 'react';
import type { z } from 'zod';
import { getHydrationState, subscribeHydration } from './hydrator';
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
/** Per schema, what each record parsed to (null: it did not): records decoded from chunks come back as the same objects (chunkCache.ts). */
const parsedBySchema = new WeakMap<z.ZodType, WeakMap<StoredRecord, { value: unknown } | null>>();

/**
 * Records parsed with a domain schema (id folded into the data). A record that does not parse is
 * left out with a console warning rather than crashing the page. Each record object is parsed once
 * per schema, so a live query re-run after a change parses only what changed (the overlay's rows
 * are read anew each time; chunked records are the same objects).
 */
export function parseRecords<S extends z.ZodType>(records: readonly StoredRecord[] | undefined, schema: S): z.output<S>[] | undefined {
  if (!records) return undefined;
  let cache = parsedBySchema.get(schema);
  if (!cache) parsedBySchema.set(schema, (cache = new WeakMap()));
  const out: z.output<S>[] = [];
  for (const r of records) {
    let parsed = cache.get(r);
    if (parsed === undefined) {
      const result = schema.safeParse({ ...r.data, id: r.id });
      parsed = result.success ? { value: result.data } : null;
      cache.set(r, parsed);
      if (!result.success && !warned.has(r.key)) {
        warned.add(r.key);
        console.warn(`Skipping unreadable record ${r.key}`, result.error.issues);
      }
    }
    if (parsed) out.push(parsed.value as z.output<S>);
  }
  return out;
}

export function useSyncState(): SyncState {
  return useSyncExternalStore(subscribeSync, getSyncState);
}

/**
 * Whether this page's replica has caught up with the engine once (or could not, and shows what it
 * has): what is decided from "what the user already has" waits for it, so a template opened while a
 * new replica is still hydrating does not pick from half of the records.
 */
export function useReplicaCaughtUp(): boolean {
  return useSyncExternalStore(subscribeSync, () => {
    const s = getSyncState();
    return s.lastSyncedAt !== null || s.phase === 'error';
  });
}

/**
 * Whether a new replica is still fetching what the inbox shows (hydration's first phase). Only its
 * change re-renders (the hydration's progress changes with every page written).
 */
export function useInboxHydrating(): boolean {
  return useSyncExternalStore(subscribeHydration, () => getHydrationState().phase === 'inbox');
}

export interface SharedQuery<T> {
  subscribe(listener: () => void): () => void;
  /** the latest result; undefined until the first one */
  get(): T | undefined;
}

/**
 * A live query shared by every component that reads it (useSharedQuery): ONE IndexedDB read per
 * change however many readers, subscribed while someone listens. Its result is computed once per
 * change, so readers that derive the same thing from it (counts, say) do it in `query`.
 */
export function sharedLiveQuery<T>(query: () => Promise<T>): SharedQuery<T> {
  let value: T | undefined;
  const listeners = new Set<() => void>();
  let subscription: { unsubscribe(): void } | null = null;
  return {
    subscribe(listener) {
      listeners.add(listener);
      subscription ??= liveQuery(query).subscribe({
        next: (next) => {
          value = next;
          for (const l of listeners) l();
        },
        error: (e: unknown) => console.warn('A replica query failed', e),
      });
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          subscription?.unsubscribe();
          subscription = null;
        }
      };
    },
    get: () => value,
  };
}

export function useSharedQuery<T>(shared: SharedQuery<T>): T | undefined {
  return useSyncExternalStore(shared.subscribe, shared.get);
}
