import type { Migration } from './index.js';

/** Users, tokens, apps, access, config vars, builds, releases, formation, traffic. */
export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  email       TEXT NOT NULL UNIQUE,
  admin       INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT NOT NULL
);

CREATE TABLE tokens (
  id            TEXT PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  secret_hash   TEXT NOT NULL,
  description   TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  last_used_at  TEXT,
  expires_at    TEXT
);
CREATE INDEX tokens_user ON tokens(user_id);

CREATE TABLE apps (
  id                INTEGER PRIMARY KEY,
  name              TEXT NOT NULL UNIQUE,
  owner_id          INTEGER NOT NULL REFERENCES users(id),
  created_at        TEXT NOT NULL,
  healthcheck_path  TEXT,
  -- last release number handed out: numbers are never reused, even when
  -- a release row is gone
  release_seq       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE collaborators (
  app_id      INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  TEXT NOT NULL,
  PRIMARY KEY (app_id, user_id)
);

CREATE TABLE config_vars (
  app_id  INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  key     TEXT NOT NULL,
  value   BLOB NOT NULL,
  PRIMARY KEY (app_id, key)
);

CREATE TABLE builds (
  id             TEXT PRIMARY KEY,
  app_id         INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  commit_sha     TEXT NOT NULL,
  status         TEXT NOT NULL,
  image          TEXT,
  digest         TEXT,
  process_types  TEXT,
  stack          TEXT,
  error          TEXT,
  created_by     TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  finished_at    TEXT
);
CREATE INDEX builds_app ON builds(app_id, created_at);

CREATE TABLE build_logs (
  build_id  TEXT NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  line      TEXT NOT NULL,
  PRIMARY KEY (build_id, seq)
);

CREATE TABLE releases (
  app_id             INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  version            INTEGER NOT NULL,
  build_id           TEXT REFERENCES builds(id) ON DELETE SET NULL,
  image              TEXT,
  digest             TEXT,
  config             TEXT NOT NULL,
  process_types      TEXT NOT NULL,
  description        TEXT NOT NULL,
  created_by         TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  status             TEXT NOT NULL,
  error              TEXT,
  ran_release_phase  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (app_id, version)
);

CREATE TABLE formation (
  app_id    INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  process   TEXT NOT NULL,
  quantity  INTEGER NOT NULL,
  PRIMARY KEY (app_id, process)
);

CREATE TABLE traffic (
  app_id   INTEGER NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
  version  INTEGER NOT NULL,
  weight   INTEGER NOT NULL,
  PRIMARY KEY (app_id, version)
);
`,
};
