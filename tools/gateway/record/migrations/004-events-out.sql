-- Events out (docs/record.md, "Events out"): what the shop's systems are
-- told, written in the same transaction as the record rows they come from
-- (an outbox), so an event exists exactly when its row does, and sent from
-- here with retries. `next_at` is when it may next be tried (a sender's
-- claim moves it forward); `delivered_at` is set once the shop answered 2xx.
CREATE TABLE events_out (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  data TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at BIGINT NOT NULL,
  delivered_at BIGINT,
  last_error TEXT
);
CREATE INDEX events_out_due ON events_out (next_at) WHERE delivered_at IS NULL;
CREATE INDEX events_out_conversation ON events_out (conversation_id);
