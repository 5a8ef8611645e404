/**
 * The catalog's tables, as an ordered list of migrations. `PRAGMA user_version` records how many
 * have run; each runs in its own transaction, so a crash mid-migration leaves the previous schema.
 * Append new migrations; never edit one that has shipped.
 *
 * One object store for every kind (frames, queries, notes; charts next): an object has a kind, a
 * namespace, a name (unique in its namespace across kinds), an owner and grants; each save adds an
 * immutable version. A frame version's data lives in the engine under `storage`, a query's or a
 * note's content in `body`; `reads` records which versions a version was made from (lineage).
 * `audit` is append-only: triggers refuse to change or delete a line.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    admin       INTEGER NOT NULL DEFAULT 0,
    team_writer INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    -- Removed users keep their row, so owners and authors in history stay readable.
    removed_at  TEXT
  );

  CREATE TABLE tokens (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    -- scrypt(secret, salt) with the parameters in kdf; the secret itself is never stored.
    salt       BLOB NOT NULL,
    hash       BLOB NOT NULL,
    kdf        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX tokens_by_user ON tokens(user_id);

  CREATE TABLE groups (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL
  );
  CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (group_id, user_id)
  );
  CREATE INDEX group_members_by_user ON group_members(user_id);

  -- A user's own namespace has them as owner; the team namespace has none.
  CREATE TABLE namespaces (
    name       TEXT PRIMARY KEY COLLATE NOCASE,
    owner_id   INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
  );

  CREATE TABLE objects (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    namespace  TEXT NOT NULL COLLATE NOCASE REFERENCES namespaces(name),
    name       TEXT NOT NULL COLLATE NOCASE,
    owner_id   INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    -- Deleted objects keep their row and versions (lineage of others may point at them).
    deleted_at TEXT
  );
  CREATE UNIQUE INDEX objects_live_name ON objects(kind, namespace, name) WHERE deleted_at IS NULL;
  CREATE INDEX objects_by_name ON objects(name, kind) WHERE deleted_at IS NULL;

  CREATE TABLE versions (
    object_id  INTEGER NOT NULL REFERENCES objects(id),
    version    INTEGER NOT NULL,
    author_id  INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    -- Engine storage id of a frame version's data; NULL once the data is gone.
    storage    TEXT UNIQUE,
    columns    TEXT,
    row_count  INTEGER,
    bytes      INTEGER NOT NULL DEFAULT 0,
    -- How it was made, for people: the SQL, "load /path", "upload".
    source     TEXT NOT NULL,
    -- How it was made, for programs: JSON (kind sql/select/file/upload/legacy and its detail).
    origin     TEXT NOT NULL,
    PRIMARY KEY (object_id, version)
  );

  -- Lineage: version (object_id, version) was made from (read_object_id, read_version).
  CREATE TABLE reads (
    object_id      INTEGER NOT NULL,
    version        INTEGER NOT NULL,
    read_object_id INTEGER NOT NULL,
    read_version   INTEGER NOT NULL,
    PRIMARY KEY (object_id, version, read_object_id, read_version),
    FOREIGN KEY (object_id, version) REFERENCES versions(object_id, version),
    FOREIGN KEY (read_object_id, read_version) REFERENCES versions(object_id, version)
  );
  CREATE INDEX reads_by_source ON reads(read_object_id, read_version);

  -- grantee_id is a user or group id; 0 for the whole team.
  CREATE TABLE grants (
    object_id    INTEGER NOT NULL REFERENCES objects(id),
    grantee_kind TEXT NOT NULL CHECK (grantee_kind IN ('user', 'group', 'team')),
    grantee_id   INTEGER NOT NULL,
    write        INTEGER NOT NULL DEFAULT 0,
    granted_by   INTEGER NOT NULL REFERENCES users(id),
    granted_at   TEXT NOT NULL,
    PRIMARY KEY (object_id, grantee_kind, grantee_id)
  );
  CREATE INDEX grants_by_grantee ON grants(grantee_kind, grantee_id);

  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  `
  -- 2: queries and notes beside frames, retention, storage limits, the audit log.

  -- One name, one object, whatever its kind: "framegate share daily" means one thing.
  DROP INDEX objects_live_name;
  CREATE UNIQUE INDEX objects_live_name ON objects(namespace, name) WHERE deleted_at IS NULL;
  -- A note's frame (NULL for everything else, and for notes standing alone).
  ALTER TABLE objects ADD COLUMN attached_to INTEGER REFERENCES objects(id);
  CREATE INDEX objects_attached ON objects(attached_to) WHERE attached_to IS NOT NULL;
  -- Versions of this frame that keep their data; NULL: the gateway's --keep-versions.
  ALTER TABLE objects ADD COLUMN keep_versions INTEGER;

  -- A query's or a note's content, JSON: {"sql","description","columns"} or {"text"}; NULL once removed.
  ALTER TABLE versions ADD COLUMN body TEXT;
  -- Set when a version's data (or content) was dropped: why ('removed', 'retention', 'deleted'), when, by whom.
  ALTER TABLE versions ADD COLUMN removed_reason TEXT;
  ALTER TABLE versions ADD COLUMN removed_at TEXT;
  ALTER TABLE versions ADD COLUMN removed_by INTEGER REFERENCES users(id);
  CREATE INDEX versions_stored_by_author ON versions(author_id) WHERE storage IS NOT NULL;

  -- The SQL named this version itself ("sales@3"): a saved query keeps it from retention.
  ALTER TABLE reads ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;

  -- A user's own storage limit in bytes; NULL: the gateway's --storage-limit.
  ALTER TABLE users ADD COLUMN storage_limit INTEGER;

  CREATE TABLE audit (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    -- NULL for a connection refused at the door (no valid token).
    user_id        INTEGER REFERENCES users(id),
    action         TEXT NOT NULL,
    object_id      INTEGER,
    kind           TEXT,
    object_name    TEXT,
    version        INTEGER,
    -- JSON: the method, the grantee, what was read through, why it was refused.
    detail         TEXT,
    remote_address TEXT
  );
  CREATE INDEX audit_by_at ON audit(at);
  CREATE INDEX audit_by_user ON audit(user_id, at);
  CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  `,
  // 3: storage a save is writing now: what a crash leaves behind is one of these, and only these are
  // dropped at start; unknown stored data is reported, never dropped (the catalog may be older).
  `
  CREATE TABLE pending_storage (
    storage    TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );
  `,
];
