-- How long a conversation's voice calls streamed (docs/record.md,
-- "Analytics": voice minutes): one row per stretch of a call on one
-- connection, from voice.start (or a resumed call's new connection) to its
-- end there, keyed by the call and when the stretch began, so a batch
-- written twice keeps it once.
CREATE TABLE voice_time (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  call_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  ms BIGINT NOT NULL
);
CREATE INDEX voice_time_conversation ON voice_time (conversation_id);
