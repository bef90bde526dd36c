/** Schema versions, applied in order; the index + 1 is the `user_version` after each. Never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sync_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    space_id TEXT,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    data TEXT NOT NULL,
    field_meta TEXT NOT NULL,
    client_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    schema_version INTEGER NOT NULL DEFAULT 1,
    actor TEXT,
    origin TEXT
  );
  CREATE INDEX sync_changes_record ON sync_changes (app_id, table_name, record_id, seq);

  CREATE TABLE records (
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    data TEXT NOT NULL,
    field_meta TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (app_id, table_name, record_id)
  ) WITHOUT ROWID;
  -- The runner's "due" query reads only this partial index.
  CREATE INDEX records_due_missions ON records (json_extract(data, '$.nextRunAt'))
    WHERE app_id = 'ai' AND table_name = 'aiMissions' AND deleted = 0 AND json_extract(data, '$.state') = 'active';
  CREATE INDEX records_proposals_status ON records (json_extract(data, '$.status'))
    WHERE app_id = 'ai' AND table_name = 'aiProposals';
  CREATE INDEX records_iterations_mission ON records (json_extract(data, '$.missionId'), json_extract(data, '$.startedAt'))
    WHERE app_id = 'ai' AND table_name = 'aiIterations';

  -- Rows of sync_changes that could not be parsed (hand-edited file, disk fault): kept aside, reported.
  CREATE TABLE quarantine (
    seq INTEGER PRIMARY KEY,
    reason TEXT NOT NULL,
    quarantined_at TEXT NOT NULL
  );

  -- Local-only, never synced.
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE ticks (id INTEGER PRIMARY KEY AUTOINCREMENT, scanned_at TEXT NOT NULL, result TEXT NOT NULL);
  CREATE TABLE token_usage (day TEXT NOT NULL, agent_id TEXT NOT NULL, tokens INTEGER NOT NULL, PRIMARY KEY (day, agent_id));
  CREATE TABLE iteration_debug (iteration_id TEXT PRIMARY KEY, captured_at TEXT NOT NULL, capture TEXT NOT NULL);
  `,
  // 2: the append path, measured (bench/). Nothing reads the log by record (pull and rebuild go by
  // seq, idempotency by id), and that index cost every append a random B-tree insert. `records`
  // becomes a rowid table with a unique key index: its rows (~1 KB of JSON) are too large for a
  // WITHOUT ROWID b-tree, where every update rewrote wide key pages (a third slower). Derived data:
  // copied as is, same columns and the same index names the runner's INDEXED BY relies on.
  `
  DROP INDEX sync_changes_record;

  CREATE TABLE records_next (
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    data TEXT NOT NULL,
    field_meta TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL
  );
  INSERT INTO records_next (app_id, table_name, record_id, data, field_meta, deleted, last_seq)
    SELECT app_id, table_name, record_id, data, field_meta, deleted, last_seq FROM records ORDER BY app_id, table_name, record_id;
  DROP TABLE records;
  ALTER TABLE records_next RENAME TO records;
  CREATE UNIQUE INDEX records_key ON records (app_id, table_name, record_id);
  CREATE INDEX records_due_missions ON records (json_extract(data, '$.nextRunAt'))
    WHERE app_id = 'ai' AND table_name = 'aiMissions' AND deleted = 0 AND json_extract(data, '$.state') = 'active';
  CREATE INDEX records_proposals_status ON records (json_extract(data, '$.status'))
    WHERE app_id = 'ai' AND table_name = 'aiProposals';
  CREATE INDEX records_iterations_mission ON records (json_extract(data, '$.missionId'), json_extract(data, '$.startedAt'))
    WHERE app_id = 'ai' AND table_name = 'aiIterations';
  `,
  // 3: `records` may trail the log (store/pending.ts): the seq it reflects is kept here, written in
  // the same transaction as the rows, so a process that ends before writing its pending records
  // catches up from the log at the next open. Up to version 2 every append was projected at once.
  `
  CREATE TABLE projection_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL
  );
  INSERT INTO projection_state (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM sync_changes;
  `,
  // 4: the sync client (engine/sync/, store/sync-state.ts). Rows pulled from a sync server are
  // marked so they are never pushed back (`from_server`: adding a column with a constant default
  // rewrites nothing). What the server acknowledged is a watermark over this device's own rows;
  // changes the server refused are parked, never dropped. Cursors are opaque server strings.
  `
  ALTER TABLE sync_changes ADD COLUMN from_server INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE sync_cursors (
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    cursor TEXT NOT NULL,
    PRIMARY KEY (app_id, table_name)
  );
  CREATE TABLE sync_parked (
    seq INTEGER PRIMARY KEY,
    reason TEXT NOT NULL,
    parked_at TEXT NOT NULL
  );
  `,
  // 5: open-time checks that cost what changed, and history compaction (issue 15).
  // - store_state: small values the store keeps about itself: whether the last session closed
  //   cleanly (db.ts), how far the quarantine scan got, how far the log is compacted (compaction.ts).
  // - record_base: the compacted history of the records that changed after the compaction point
  //   (for the others, their `records` row is that history); rebuilding the projection starts here.
  // - audit_trail (+ audit_actors and audit_shapes: each actor and each list of field names once):
  //   the compacted log rows as the timeline shows them (who, when, which fields, short values),
  //   without their full values and stamps.
  // - compacted_events: a 64-bit hash of every compacted event id, so a re-pushed old event stays
  //   a duplicate after its row is gone.
  // - sync_changes.created_at had no index and needs none: compaction walks the log by seq.
  `
  CREATE TABLE store_state (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
  INSERT INTO store_state (key, value) SELECT 'quarantine_checked_seq', 0;
  INSERT INTO store_state (key, value) SELECT 'compacted_through_seq', 0;

  CREATE TABLE record_base (
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    data TEXT NOT NULL,
    field_meta TEXT NOT NULL,
    deleted INTEGER NOT NULL,
    PRIMARY KEY (app_id, table_name, record_id)
  );

  CREATE TABLE audit_actors (id INTEGER PRIMARY KEY, actor TEXT NOT NULL UNIQUE);
  CREATE TABLE audit_shapes (id INTEGER PRIMARY KEY, names TEXT NOT NULL UNIQUE);
  CREATE TABLE audit_trail (
    seq INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    app_id TEXT NOT NULL,
    table_name TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op TEXT NOT NULL,
    shape_id INTEGER NOT NULL REFERENCES audit_shapes (id),
    vals TEXT NOT NULL,
    created_at TEXT NOT NULL,
    actor_id INTEGER REFERENCES audit_actors (id),
    origin TEXT
  );

  CREATE TABLE compacted_events (hash INTEGER PRIMARY KEY);

  -- What the history keeper may archive, by age: only runs and decided proposals not archived yet
  -- are in these (a few months' worth, whatever the history), so its daily look reads no more.
  CREATE INDEX records_runs_to_archive ON records (json_extract(data, '$.startedAt'))
    WHERE app_id = 'ai' AND table_name = 'aiIterations' AND deleted = 0 AND json_extract(data, '$.archivedAt') IS NULL;
  CREATE INDEX records_proposals_to_archive ON records (COALESCE(json_extract(data, '$.decidedAt'), json_extract(data, '$.createdAt')))
    WHERE app_id = 'ai' AND table_name = 'aiProposals' AND deleted = 0 AND json_extract(data, '$.archivedAt') IS NULL
      AND json_extract(data, '$.status') <> 'pending';
  `,
];
