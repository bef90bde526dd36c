/**
 * The sync server's Postgres schema: the upstream's `sync_changes` (reference §1.1) plus `seq`, a
 * lossless cursor column, and row-level security per user (§1.2): ENABLE + FORCE (FORCE subjects
 * the table's owner, which this server connects as, to the policies too), one policy comparing
 * `user_id` with the transaction-local `app.current_user_id`. Differences from upstream: `id` is any
 * event id (not only a UUID) and unique per user, not globally, so one account can never block or
 * probe another's event ids; `field_meta` is kept for inserts too.
 */

/** Versions, applied in order, each in a transaction; the number of applied ones is kept in sync_meta. */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE sync_changes (
    id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    data JSONB,
    field_meta JSONB DEFAULT '{}',
    client_id TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    schema_version INT NOT NULL DEFAULT 1,
    actor JSONB,
    origin TEXT,
    space_id TEXT,
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    CONSTRAINT sync_changes_user_event UNIQUE (user_id, id)
  );
  CREATE INDEX sync_changes_user_app_seq ON sync_changes (user_id, app_id, seq);
  CREATE INDEX sync_changes_user_app_table_seq ON sync_changes (user_id, app_id, table_name, seq);
  CREATE INDEX sync_changes_user_space_app_seq ON sync_changes (user_id, space_id, app_id, seq) WHERE space_id IS NOT NULL;

  ALTER TABLE sync_changes ENABLE ROW LEVEL SECURITY;
  ALTER TABLE sync_changes FORCE ROW LEVEL SECURITY;
  CREATE POLICY sync_changes_user_isolation ON sync_changes
    USING (user_id = current_setting('app.current_user_id', true))
    WITH CHECK (user_id = current_setting('app.current_user_id', true));

  CREATE TABLE sync_claims (
    user_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    mission_id TEXT NOT NULL,
    due_at TEXT NOT NULL,
    device_id TEXT NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, app_id, mission_id, due_at)
  );
  ALTER TABLE sync_claims ENABLE ROW LEVEL SECURITY;
  ALTER TABLE sync_claims FORCE ROW LEVEL SECURITY;
  CREATE POLICY sync_claims_user_isolation ON sync_claims
    USING (user_id = current_setting('app.current_user_id', true))
    WITH CHECK (user_id = current_setting('app.current_user_id', true));

  -- Accounts are read before a user is known (a token names its user), so they carry no policy;
  -- they hold names and token hashes, never synced data.
  CREATE TABLE sync_users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL);
  CREATE TABLE sync_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES sync_users (id),
    label TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
  );
  `,
  // Every read of the log goes through (user_id, app_id[, table_name], seq); nothing reads by seq
  // alone. The primary key becomes the index those reads use, instead of an index on seq that
  // every insert kept up for no query (one btree fewer per pushed row). Rebuilds that index once.
  `
  ALTER TABLE sync_changes DROP CONSTRAINT sync_changes_pkey;
  DROP INDEX sync_changes_user_app_seq;
  ALTER TABLE sync_changes ADD CONSTRAINT sync_changes_pkey PRIMARY KEY (user_id, app_id, seq);
  `,
];
