-- The record's first schema. Portable SQL: the same text runs on SQLite
-- (better-sqlite3) and PostgreSQL. Times are milliseconds since the epoch
-- (BIGINT); JSON is stored as TEXT; every row has a TEXT key chosen by the
-- gateway (a message id, an event id), so a write sent twice is stored once.
-- No semicolon may appear inside a statement (the runner sends the file whole).

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  visitor_id TEXT,
  started_at BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  locale TEXT,
  page TEXT,
  visitor TEXT
);
CREATE INDEX conversations_last_at ON conversations (last_at);
CREATE INDEX conversations_visitor ON conversations (visitor_id);

CREATE TABLE turns (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  role TEXT NOT NULL,
  channel TEXT NOT NULL,
  author TEXT,
  text TEXT NOT NULL,
  cards TEXT,
  actions TEXT
);
CREATE INDEX turns_conversation ON turns (conversation_id, at);
CREATE INDEX turns_at ON turns (at);

CREATE TABLE handoffs (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  event TEXT NOT NULL,
  by_name TEXT,
  reason TEXT
);
CREATE INDEX handoffs_conversation ON handoffs (conversation_id, at);
CREATE INDEX handoffs_at ON handoffs (at);

CREATE TABLE notes (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  author TEXT,
  text TEXT NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, at);
CREATE INDEX notes_at ON notes (at);

CREATE TABLE emails (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  email TEXT NOT NULL,
  text TEXT
);
CREATE INDEX emails_conversation ON emails (conversation_id, at);
CREATE INDEX emails_at ON emails (at);

CREATE TABLE leads (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  data TEXT
);
CREATE INDEX leads_conversation ON leads (conversation_id, at);
CREATE INDEX leads_at ON leads (at);

CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  answer_id TEXT,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  rating INTEGER NOT NULL,
  reason TEXT
);
CREATE INDEX feedback_conversation ON feedback (conversation_id, at);
CREATE INDEX feedback_at ON feedback (at);

-- What was erased, never whom: scope, time, who asked, how many rows went.
CREATE TABLE erasures (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  scope TEXT NOT NULL,
  requested_by TEXT,
  rows_removed INTEGER NOT NULL
);
CREATE INDEX erasures_at ON erasures (at);

-- SHA-256 of each erased conversation id and visitor id, so a write still
-- queued (or retried) after the erasure cannot bring the data back. The ids
-- are random tokens the gateway minted: their hash names no person.
CREATE TABLE erased_subjects (
  subject_hash TEXT PRIMARY KEY,
  erased_at BIGINT NOT NULL
);
