// The console's calls to the staff API (docs/protocol.md, "Staff API"), on
// the page's own origin. The token is only ever the Authorization header;
// `session` keeps {token, name} in the tab's sessionStorage at most (gone
// when the tab closes), never in the page, the URL or localStorage.
//
// Every call resolves {ok, status, body}; status 0 = the network failed.
// photo() resolves {ok, status, blob} instead: the bytes, for a blob: URL.

const KEY = 'natter.staff';

export const session = {
  load(storage = sessionStorage) {
    try {
      const saved = JSON.parse(storage.getItem(KEY) ?? 'null');
      return saved && typeof saved.token === 'string' && typeof saved.name === 'string' ? saved : null;
    } catch { return null; }
  },
  save({ token, name }, storage = sessionStorage) { storage.setItem(KEY, JSON.stringify({ token, name })); },
  clear(storage = sessionStorage) { storage.removeItem(KEY); },
};

// A reply's message id, chosen here so a retried POST applies once.
export const newMessageId = () => `console-${crypto.randomUUID()}`;

export function createStaffClient({ token, name, fetchImpl = (...a) => fetch(...a) }) {
  async function call(pathname, body) {
    try {
      const res = await fetchImpl(pathname, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify({ name, ...body }),
        cache: 'no-store',
        credentials: 'omit',
      });
      let parsed = null;
      try { parsed = await res.json(); } catch { /* not JSON: status says enough */ }
      return { ok: res.ok, status: res.status, body: parsed };
    } catch {
      return { ok: false, status: 0, body: null };
    }
  }
  const one = (id) => `/staff/conversations/${encodeURIComponent(id)}`;
  // A shopper's photo: the same Bearer header as every call (an <img src>
  // could not send it), so the console shows its bytes as a blob: URL.
  async function photo(id, attachmentId) {
    try {
      const res = await fetchImpl(`${one(id)}/attachments/${encodeURIComponent(attachmentId)}`, {
        headers: { Authorization: `Bearer ${token}` }, cache: 'no-store', credentials: 'omit',
      });
      return { ok: res.ok, status: res.status, blob: res.ok ? await res.blob() : null };
    } catch {
      return { ok: false, status: 0, blob: null };
    }
  }
  return {
    name,
    presence: () => call('/staff/presence', {}),
    list: () => call('/staff/conversations'),
    detail: (id) => call(one(id)),
    take: (id) => call(`${one(id)}/take`, {}),
    handBack: (id) => call(`${one(id)}/hand-back`, {}),
    reply: (id, messageId, text) => call(`${one(id)}/reply`, { message_id: messageId, text }),
    note: (id, text) => call(`${one(id)}/notes`, { text }),
    lead: (id, leadId, kind, note) => call(`${one(id)}/leads`, { lead_id: leadId, kind, ...(note ? { note } : {}) }),
    typing: (id) => call(`${one(id)}/typing`, {}),
    read: (id) => call(`${one(id)}/read`, {}),
    photo,
    // The record (docs/record.md): past conversations, searched; one in full; erasure.
    history: ({ q = '', from = '', to = '' } = {}) => {
      const query = new URLSearchParams(Object.entries({ q, from, to }).filter(([, v]) => v));
      return call(`/staff/record/conversations${query.size ? `?${query}` : ''}`);
    },
    recorded: (id) => call(`/staff/record/conversations/${encodeURIComponent(id)}`),
    erase: (id) => call('/staff/record/erase', { conversation_id: id }),
    // The record's figures for [from, to) (ISO dates; the gateway's default: the last 30 days).
    analytics: ({ from = '', to = '' } = {}) => {
      const query = new URLSearchParams(Object.entries({ from, to }).filter(([, v]) => v));
      return call(`/staff/record/analytics${query.size ? `?${query}` : ''}`);
    },
  };
}
