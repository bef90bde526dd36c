/**
 * The opaque cursor (`syncedUntil` / `since`): the storage's identity and a position in its change
 * sequence. The sequence is lossless (storage.ts says why), unlike the upstream's `created_at`. A
 * cursor made by another database (a client moved to a new server, a restored backup with a new
 * identity) or not made by us at all (an upstream ISO time, '') means "from the start": the client
 * then receives changes it may already have, which applying by eventId and LWW makes harmless,
 * instead of silently skipping changes it never had.
 */
const CURSOR = /^([0-9a-f]{16})\.([0-9a-z]{1,12})$/;

export function encodeCursor(storageId: string, seq: number): string {
  return `${storageId}.${seq.toString(36)}`;
}

/** The position a cursor names in this storage, or 0 (the start) when it names none. */
export function decodeCursor(storageId: string, cursor: string | null | undefined): number {
  const m = cursor ? CURSOR.exec(cursor) : null;
  if (!m || m[1] !== storageId) return 0;
  const seq = Number.parseInt(m[2]!, 36);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : 0;
}
