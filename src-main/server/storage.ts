/**
 * What the sync server keeps, behind one interface with two implementations: SQLite (one
 * household, sqlite-storage.ts) and Postgres with row-level security (many users, postgres-storage.ts).
 * The same test suite runs against both (protocol.test.ts).
 *
 * The log is append-only, as upstream. Every change gets a position in one sequence (`seq`), the
 * cursor's substance. It is lossless: a reader that has seen position N never later finds a new row
 * of the same user at or below N. SQLite has one writer at a time, so positions are taken in commit
 * order. Postgres hands out sequence values at INSERT, not at COMMIT, so a push that commits late
 * could land behind a cursor already handed out; each push therefore holds a per-user transaction
 * lock from before its first INSERT until its COMMIT, which makes one user's positions commit in order.
 */

/** A validated change, ready to append (wire → row in changes.ts). */
export interface NewChange {
  eventId: string;
  table: string;
  recordId: string;
  op: 'insert' | 'update' | 'delete';
  /** every field the change wrote, with its value */
  data: Record<string, unknown>;
  /** every field the change wrote, with its stamp (inserts too) */
  fieldMeta: Record<string, string>;
  spaceId: string | null;
  actor: unknown;
  origin: string | null;
  schemaVersion: number;
}

/** A change as stored, with its position and who sent it when. */
export interface StoredChange extends NewChange {
  seq: number;
  appId: string;
  clientId: string;
  createdAt: string;
}

/**
 * A pushed changeset on its way into storage: its changes in chunks, each validated and turned into
 * rows when the storage asks for it, in order. A chunk that fails validation throws (an ApiError
 * naming the change), and then the push writes nothing. Postgres sends each chunk's rows as soon as
 * they are ready, so validating the next chunk overlaps the database's work on this one.
 */
export type ChangeChunks = Iterable<readonly NewChange[]>;

export interface PushResult {
  /** changes appended by this push */
  accepted: number;
  /** changes whose eventId this user had already pushed: not appended again */
  duplicates: number;
  /** collections that received new changes (what live subscribers are told) */
  tables: string[];
}

export interface ChangesQuery {
  appId: string;
  /** one collection, or null for every collection of the app (a push's delta) */
  table: string | null;
  afterSeq: number;
  /** leave out this client's own changes (it has them) */
  excludeClientId: string | null;
  limit: number;
}

export interface ChangesPage {
  /** The page as the JSON text of an array of `SyncChangeOut` (wire form, changes.ts `toWire`), in order. */
  wire: string;
  /** changes in the page */
  count: number;
  hasMore: boolean;
  /**
   * The position the page reaches: the last change's when there is more; otherwise the newest
   * position of this user's matching rows the read saw (own changes included), so the next read
   * starts after them.
   */
  throughSeq: number;
}

export interface ClaimAttempt {
  appId: string;
  missionId: string;
  /** the due time as one canonical key (every spelling of one instant maps to it) */
  dueKey: string;
  deviceId: string;
  /** server time, ISO */
  at: string;
  /** another device's claim made before this (server time, ISO) has lapsed: this attempt takes it over */
  lapsedBefore: string;
}

export interface ClaimOutcome {
  won: boolean;
  /** the device holding the claim */
  by: string;
  /** when it was claimed */
  at: string;
}

export interface Account {
  userId: string;
  name: string;
  createdAt: string;
  /** device tokens not revoked */
  activeTokens: number;
}

/** Accounts and device tokens. Tokens are stored as SHA-256 hashes only (auth.ts). */
export interface AccountStore {
  /** Creates an account; null when the name is taken. */
  addUser(name: string, userId: string, at: string): Promise<Account | null>;
  findUser(name: string): Promise<Account | null>;
  addToken(userId: string, tokenHash: string, label: string | null, at: string): Promise<void>;
  /** The user a live token belongs to, or null. */
  userForToken(tokenHash: string): Promise<string | null>;
  listUsers(): Promise<Account[]>;
  /** Revokes every token of the account; how many were live. */
  revokeTokens(userId: string, at: string): Promise<number>;
}

export interface SyncStorage {
  readonly kind: 'sqlite' | 'postgres';
  /** this database's identity, part of every cursor (cursor.ts) */
  readonly storageId: string;
  readonly accounts: AccountStore;
  /**
   * Appends a changeset atomically: all of it or nothing; events already stored are skipped. When
   * `delta` is given, also reads that page in the same transaction (the push's answer: one round of
   * transaction overhead instead of two).
   */
  push(userId: string, appId: string, clientId: string, changes: ChangeChunks, createdAt: string, delta?: ChangesQuery): Promise<PushResult & { delta?: ChangesPage }>;
  changesSince(userId: string, query: ChangesQuery): Promise<ChangesPage>;
  /** First claim of (user, app, mission, due time) wins, enforced by a unique key, until it lapses. */
  claim(userId: string, attempt: ClaimAttempt): Promise<ClaimOutcome>;
  /** Throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
