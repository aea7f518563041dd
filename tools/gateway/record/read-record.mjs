// Reading the record back: one conversation in full, a page of the list
// (with a text search and a date range), every conversation of a range
// (for export). Rows come back in the JSON shape docs/record.md shows.
const parse = (s) => (s === null || s === undefined ? null : JSON.parse(s));

const conversationOf = (r) => ({
  id: r.id, visitorId: r.visitor_id, startedAt: r.started_at, lastAt: r.last_at, locale: r.locale,
  page: parse(r.page), visitor: parse(r.visitor),
});
const SHAPES = {
  turns: (r) => ({ id: r.id, at: r.at, role: r.role, channel: r.channel, author: r.author, text: r.text, cards: parse(r.cards), actions: parse(r.actions), context: parse(r.context), attachments: parse(r.attachments) }),
  handoffs: (r) => ({ id: r.id, at: r.at, event: r.event, by: r.by_name, reason: r.reason }),
  notes: (r) => ({ id: r.id, at: r.at, author: r.author, text: r.text }),
  emails: (r) => ({ id: r.id, at: r.at, email: r.email, text: r.text }),
  leads: (r) => ({ id: r.id, at: r.at, kind: r.kind, source: r.source, data: parse(r.data) }),
  feedback: (r) => ({ id: r.id, at: r.at, kind: r.kind, answerId: r.answer_id, rating: r.rating, reason: r.reason }),
  voice_time: (r) => ({ id: r.id, at: r.at, callId: r.call_id, ms: r.ms }),
};
export const PART_TABLES = Object.keys(SHAPES);

// Whether the record holds conversation `id`: one indexed lookup (its key).
export async function holdsConversation(driver, id) {
  return (await driver.all('SELECT 1 AS one FROM conversations WHERE id = ?', [id])).length > 0;
}

export async function getConversation(driver, id) {
  const [row] = await driver.all('SELECT * FROM conversations WHERE id = ?', [id]);
  if (!row) return null;
  const full = conversationOf(row);
  for (const [table, shape] of Object.entries(SHAPES)) {
    full[table] = (await driver.all(`SELECT * FROM ${table} WHERE conversation_id = ? ORDER BY at, id`, [id])).map(shape);
  }
  return full;
}

const likeEscape = (s) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// The WHERE clause for list and range: `text` (case-insensitive, in turns,
// notes and emails), `from` / `to` (ms; a conversation whose time span
// touches [from, to)), `visitorId`.
function filter({ text, from, to, visitorId } = {}) {
  const where = [];
  const params = [];
  if (from !== undefined && from !== null) { where.push('c.last_at >= ?'); params.push(from); }
  if (to !== undefined && to !== null) { where.push('c.started_at < ?'); params.push(to); }
  if (visitorId) { where.push('c.visitor_id = ?'); params.push(visitorId); }
  if (text) {
    const like = `%${likeEscape(text.toLowerCase())}%`;
    where.push(`(EXISTS (SELECT 1 FROM turns t WHERE t.conversation_id = c.id AND lower(t.text) LIKE ? ESCAPE '\\')
      OR EXISTS (SELECT 1 FROM notes n WHERE n.conversation_id = c.id AND lower(n.text) LIKE ? ESCAPE '\\')
      OR EXISTS (SELECT 1 FROM emails e WHERE e.conversation_id = c.id AND (lower(e.email) LIKE ? ESCAPE '\\' OR lower(e.text) LIKE ? ESCAPE '\\')))`);
    params.push(like, like, like, like);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

export const MAX_PAGE = 200;

// Resolves [{id, visitorId, startedAt, lastAt, turns, firstText, handledBy, rating, leads}],
// newest first.
export async function listConversations(driver, { limit = 50, offset = 0, ...query } = {}) {
  const { sql, params } = filter(query);
  const rows = await driver.all(`SELECT c.id, c.visitor_id, c.started_at, c.last_at,
      (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS turns,
      (SELECT t.text FROM turns t WHERE t.conversation_id = c.id AND t.role = 'shopper' ORDER BY t.at, t.id LIMIT 1) AS first_text,
      (SELECT h.by_name FROM handoffs h WHERE h.conversation_id = c.id AND h.event = 'taken' ORDER BY h.at DESC, h.id LIMIT 1) AS handled_by,
      (SELECT f.rating FROM feedback f WHERE f.conversation_id = c.id AND f.kind = 'rating' LIMIT 1) AS rating,
      (SELECT COUNT(*) FROM leads l WHERE l.conversation_id = c.id) AS leads
    FROM conversations c ${sql} ORDER BY c.last_at DESC, c.id LIMIT ? OFFSET ?`,
  [...params, Math.min(Math.max(1, limit), MAX_PAGE), Math.max(0, offset)]);
  return rows.map((r) => ({
    id: r.id, visitorId: r.visitor_id, startedAt: r.started_at, lastAt: r.last_at, turns: Number(r.turns),
    firstText: r.first_text, handledBy: r.handled_by, rating: r.rating, leads: Number(r.leads),
  }));
}

// Every conversation of the range in full, oldest first, at most `max`:
// more answers { tooMany: true } (export a shorter range).
export async function conversationsInRange(driver, { max = 5000, ...query } = {}) {
  const { sql, params } = filter(query);
  const ids = await driver.all(`SELECT c.id FROM conversations c ${sql} ORDER BY c.started_at, c.id LIMIT ?`, [...params, max + 1]);
  if (ids.length > max) return { tooMany: true, max };
  const conversations = [];
  for (const { id } of ids) {
    const full = await getConversation(driver, id);
    if (full) conversations.push(full);
  }
  return { conversations };
}
