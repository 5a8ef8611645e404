/**
 * The catalog's tables, as an ordered list of migrations. `PRAGMA user_version` records how many
 * have run; each runs in its own transaction, so a crash mid-migration leaves the previous schema.
 * Append new migrations; never edit one that has shipped.
 *
 * One object store for every kind (frames now; queries, notes and charts later): an object has a
 * kind, a namespace, a name, an owner and grants; each save adds an immutable version. A frame
 * version's data lives in the engine under `storage`; `reads` records which versions a version was
 * made from (lineage).
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
  // Storage a save is writing now: what a crash leaves behind is one of these, and only these are
  // dropped at start; unknown stored data is reported, never dropped (the catalog may be older).
  `
  CREATE TABLE pending_storage (
    storage    TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  );
  `,
];
