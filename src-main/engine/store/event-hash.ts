/**
 * The key of a compacted event id in `compacted_events`: the first 64 bits of its SHA-256, as a
 * signed integer (SQLite's INTEGER PRIMARY KEY, ~9-14 bytes a row instead of the id's 20-40).
 * Two different ids share a key with probability ~n·m / 2^64 for n compacted ids and m new ones
 * (about 5·10^-8 for a million of each); the cost of such a collision is one new event taken for a
 * duplicate.
 */
import { createHash, hash } from 'node:crypto';

const digest: (text: string) => Buffer =
  typeof hash === 'function' ? (text) => hash('sha256', text, 'buffer') : (text) => createHash('sha256').update(text).digest();

export function eventIdHash(eventId: string): bigint {
  return digest(eventId).readBigInt64BE(0);
}
