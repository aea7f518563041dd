// Stores a batch of checked events (record-events.mjs) in one transaction.
// Every row is keyed by the caller's id, so a batch written twice (a retry
// after a lost commit answer) stores each row once. Two rows change:
// feedback (the latest thumb or rating for its key wins) and voice_time (a
// call's total, reported again as it grows: the larger total wins, so a
// late retry of an older total never shrinks it).
// A row about a conversation or visitor erased after the row's time is
// refused (erased_subjects): a late write cannot bring erased data back.
import { subjectHash } from './subject-hash.mjs';
import { eventOfRow, queueEvent, startedEvent } from './events-out.mjs';

const INSERT = {
  turn: ['turns', ['id', 'conversation_id', 'at', 'role', 'channel', 'author', 'text', 'cards', 'actions', 'context', 'attachments'],
    (r) => [r.id, r.conversationId, r.at, r.role, r.channel, r.author, r.text, r.cards, r.actions, r.context, r.attachments]],
  handoff: ['handoffs', ['id', 'conversation_id', 'at', 'event', 'by_name', 'reason'],
    (r) => [r.id, r.conversationId, r.at, r.event, r.by, r.reason]],
  note: ['notes', ['id', 'conversation_id', 'at', 'author', 'text'], (r) => [r.id, r.conversationId, r.at, r.author, r.text]],
  email: ['emails', ['id', 'conversation_id', 'at', 'email', 'text'], (r) => [r.id, r.conversationId, r.at, r.email, r.text]],
  lead: ['leads', ['id', 'conversation_id', 'at', 'kind', 'source', 'data'],
    (r) => [r.id, r.conversationId, r.at, r.kind, r.source, r.data]],
};
const insertSql = (table, columns) =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT (id) DO NOTHING`;

// A conversation row exists for every row that names one; later events
// move last_at forward and fill what an earlier event did not know.
const UPSERT_CONVERSATION = `INSERT INTO conversations (id, visitor_id, started_at, last_at, locale, page, visitor)
  VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET
    started_at = CASE WHEN excluded.started_at < conversations.started_at THEN excluded.started_at ELSE conversations.started_at END,
    last_at = CASE WHEN excluded.last_at > conversations.last_at THEN excluded.last_at ELSE conversations.last_at END,
    visitor_id = COALESCE(excluded.visitor_id, conversations.visitor_id),
    locale = COALESCE(excluded.locale, conversations.locale),
    page = COALESCE(excluded.page, conversations.page),
    visitor = COALESCE(excluded.visitor, conversations.visitor)`;

const UPSERT_VOICE_TIME = `INSERT INTO voice_time (id, conversation_id, call_id, at, ms) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET ms = excluded.ms WHERE excluded.ms > voice_time.ms`;

const UPSERT_FEEDBACK = `INSERT INTO feedback (id, conversation_id, answer_id, at, kind, rating, reason)
  VALUES (?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET at = excluded.at, rating = excluded.rating, reason = excluded.reason
  WHERE excluded.at >= feedback.at`;

async function erasedAfter(tx, rows) {
  const subjects = new Set();
  for (const r of rows) {
    subjects.add(subjectHash(r.type === 'conversation' ? r.id : r.conversationId));
    if (r.visitorId) subjects.add(subjectHash(r.visitorId));
  }
  const list = [...subjects];
  const erased = new Map();
  for (let i = 0; i < list.length; i += 500) {
    const part = list.slice(i, i + 500);
    const found = await tx.all(`SELECT subject_hash, erased_at FROM erased_subjects WHERE subject_hash IN (${part.map(() => '?').join(', ')})`, part);
    for (const { subject_hash: h, erased_at: at } of found) erased.set(h, at);
  }
  return erased;
}

// Resolves { stored, refused }: refused = rows about erased subjects.
// `events`: also queue the events out these rows make (events-out.mjs), in
// the same transaction: a conversation's start the first time a row names
// it, and a feedback only when it changed what was kept.
export async function writeBatch(driver, rows, { events = false } = {}) {
  if (rows.length === 0) return { stored: 0, refused: 0 };
  return driver.transaction(async (tx) => {
    const known = new Set(); // conversations this batch saw exist
    const started = async (id, at, visitorId) => {
      if (!events || known.has(id)) return;
      known.add(id);
      const [found] = await tx.all('SELECT 1 AS one FROM conversations WHERE id = ?', [id]);
      if (!found) await queueEvent(tx, startedEvent(id, at, visitorId));
    };
    const erased = await erasedAfter(tx, rows);
    const isErased = (subject, at) => subject && erased.has(subjectHash(subject)) && at <= erased.get(subjectHash(subject));
    let stored = 0;
    let refused = 0;
    for (const r of rows) {
      const conversationId = r.type === 'conversation' ? r.id : r.conversationId;
      if (isErased(conversationId, r.at) || isErased(r.visitorId, r.at)) { refused += 1; continue; }
      await started(conversationId, r.at, r.type === 'conversation' ? r.visitorId : null);
      if (r.type === 'conversation') {
        await tx.run(UPSERT_CONVERSATION, [r.id, r.visitorId, r.at, r.at, r.locale, r.page, r.visitor]);
      } else {
        await tx.run(UPSERT_CONVERSATION, [conversationId, null, r.at, r.at, null, null, null]);
        let changed;
        if (r.type === 'feedback') {
          changed = await tx.run(UPSERT_FEEDBACK, [r.id, r.conversationId, r.answerId, r.at, r.kind, r.rating, r.reason]);
        } else if (r.type === 'voice_time') {
          changed = await tx.run(UPSERT_VOICE_TIME, [r.id, r.conversationId, r.callId, r.at, r.ms]);
        } else {
          const [table, columns, values] = INSERT[r.type];
          changed = await tx.run(insertSql(table, columns), values(r));
        }
        const event = events && changed.changes > 0 ? eventOfRow(r) : null;
        if (event) await queueEvent(tx, event);
      }
      stored += 1;
    }
    return { stored, refused };
  });
}
