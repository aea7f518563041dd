// Erasure on request (docs/record.md, "The shopper's rights"): everything
// about one conversation, or about one visitor (all their conversations),
// in one transaction. What stays is an erasures row that says what kind of
// erasure happened, when, on whose request and how many rows went, and
// the hash of each erased id (erased_subjects), which keeps a write still
// queued from storing the data again.
import { randomUUID } from 'node:crypto';
import { subjectHash } from './subject-hash.mjs';
import { PART_TABLES } from './read-record.mjs';

async function eraseConversations(tx, ids, at) {
  let rows = 0;
  for (const id of ids) {
    for (const table of PART_TABLES) rows += (await tx.run(`DELETE FROM ${table} WHERE conversation_id = ?`, [id])).changes;
    await tx.run('DELETE FROM events_out WHERE conversation_id = ?', [id]); // an email in an unsent event is theirs too
    rows += (await tx.run('DELETE FROM conversations WHERE id = ?', [id])).changes;
    await markErased(tx, id, at);
  }
  return rows;
}

async function markErased(tx, subject, at) {
  await tx.run(`INSERT INTO erased_subjects (subject_hash, erased_at) VALUES (?, ?)
    ON CONFLICT (subject_hash) DO UPDATE SET erased_at = excluded.erased_at`, [subjectHash(subject), at]);
}

async function logErasure(tx, { scope, at, by, rows }) {
  const id = randomUUID();
  await tx.run('INSERT INTO erasures (id, at, scope, requested_by, rows_removed) VALUES (?, ?, ?, ?, ?)', [id, at, scope, by ?? null, rows]);
  return { id, at, scope, requestedBy: by ?? null, rowsRemoved: rows };
}

// Resolves the erasures row: { id, at, scope, requestedBy, rowsRemoved }.
export function eraseConversation(driver, conversationId, { at = Date.now(), by } = {}) {
  return driver.transaction(async (tx) => {
    const rows = await eraseConversations(tx, [conversationId], at);
    return logErasure(tx, { scope: 'conversation', at, by, rows });
  });
}

export function eraseVisitor(driver, visitorId, { at = Date.now(), by } = {}) {
  return driver.transaction(async (tx) => {
    const ids = (await tx.all('SELECT id FROM conversations WHERE visitor_id = ?', [visitorId])).map((r) => r.id);
    const rows = await eraseConversations(tx, ids, at);
    await markErased(tx, visitorId, at);
    return logErasure(tx, { scope: 'visitor', at, by, rows });
  });
}

export async function listErasures(driver, { limit = 100 } = {}) {
  const rows = await driver.all('SELECT * FROM erasures ORDER BY at DESC, id LIMIT ?', [limit]);
  return rows.map((r) => ({ id: r.id, at: r.at, scope: r.scope, requestedBy: r.requested_by, rowsRemoved: r.rows_removed }));
}
