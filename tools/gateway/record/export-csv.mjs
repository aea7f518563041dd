// A conversation list (read-record.mjs shape) as CSV (RFC 4180, CRLF
// lines): one row per thing that happened, in time order within each
// conversation. Text that a spreadsheet would read as a formula (starting
// with = + - @, a tab or a carriage return) gets a leading apostrophe:
// shoppers' words are untrusted, and a shop opens this file in Excel.
export const CSV_COLUMNS = ['conversation_id', 'visitor_id', 'at', 'kind', 'role', 'channel', 'by', 'text', 'details'];

function cell(value) {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const iso = (ms) => new Date(ms).toISOString();
const details = (object) => {
  const kept = Object.fromEntries(Object.entries(object).filter(([, v]) => v !== null && v !== undefined));
  return Object.keys(kept).length ? JSON.stringify(kept) : null;
};

function rowsOf(c) {
  const rows = [];
  const add = (at, kind, fields) => rows.push({ at, kind, ...fields });
  for (const t of c.turns) add(t.at, 'turn', { role: t.role, channel: t.channel, by: t.author, text: t.text, details: details({ cards: t.cards, actions: t.actions }) });
  for (const h of c.handoffs) add(h.at, `handoff_${h.event}`, { by: h.by, text: h.reason });
  for (const n of c.notes) add(n.at, 'note', { by: n.author, text: n.text });
  for (const e of c.emails) add(e.at, 'email', { text: e.text, details: details({ email: e.email }) });
  for (const l of c.leads) add(l.at, `lead_${l.kind}`, { by: l.source, details: details({ data: l.data }) });
  for (const f of c.feedback) add(f.at, `feedback_${f.kind}`, { text: f.reason, details: details({ answer_id: f.answerId, rating: f.rating }) });
  rows.sort((a, b) => a.at - b.at);
  return rows.map((r) => [c.id, c.visitorId, iso(r.at), r.kind, r.role, r.channel, r.by, r.text, r.details]);
}

export function conversationsToCsv(conversations) {
  const lines = [CSV_COLUMNS.join(',')];
  for (const c of conversations) for (const row of rowsOf(c)) lines.push(row.map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
