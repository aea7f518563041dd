// How long each kind of data is kept (days; docs/record.md, "Retention").
// A sweep deletes what is older than its kind's period: a conversation
// with its turns and handoffs once its last activity is older; notes,
// emails, leads and feedback by their own time (a lead may outlive the
// transcript it came from); erasure records and the erased-id hashes by
// theirs. The gateway sweeps at start and every hour (sweep-timer.mjs).
export const RETENTION_DEFAULTS = {
  conversations: 180, notes: 180, emails: 365, leads: 365, feedback: 365, erasures: 1095,
};
export const RETENTION_KINDS = Object.keys(RETENTION_DEFAULTS);
const DAY_MS = 86_400_000;
// Events out (events-out.mjs) are kept this long for a replay, sent or not.
export const EVENTS_KEEP_DAYS = 30;

// Resolves { kind: rowsDeleted } for each kind.
export function sweep(driver, { now = Date.now(), days = RETENTION_DEFAULTS } = {}) {
  const cutoff = (kind) => now - (days[kind] ?? RETENTION_DEFAULTS[kind]) * DAY_MS;
  return driver.transaction(async (tx) => {
    const removed = {};
    const old = 'SELECT id FROM conversations WHERE last_at < ?';
    const c = cutoff('conversations');
    let rows = 0;
    for (const table of ['turns', 'handoffs', 'voice_time']) {
      rows += (await tx.run(`DELETE FROM ${table} WHERE conversation_id IN (${old})`, [c])).changes;
    }
    rows += (await tx.run('DELETE FROM conversations WHERE last_at < ?', [c])).changes;
    removed.conversations = rows;
    for (const kind of ['notes', 'emails', 'leads', 'feedback']) {
      removed[kind] = (await tx.run(`DELETE FROM ${kind} WHERE at < ?`, [cutoff(kind)])).changes;
    }
    removed.events = (await tx.run('DELETE FROM events_out WHERE at < ?', [now - EVENTS_KEEP_DAYS * DAY_MS])).changes;
    removed.erasures = (await tx.run('DELETE FROM erasures WHERE at < ?', [cutoff('erasures')])).changes
      + (await tx.run('DELETE FROM erased_subjects WHERE erased_at < ?', [cutoff('erasures')])).changes;
    return removed;
  });
}
