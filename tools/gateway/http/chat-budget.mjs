// Per-client budgets on POST /api/chat (docs/security-http.md): so one
// client cannot spend the agent, fill the idempotency records or starve
// other shoppers. Two fixed-window counters, both must have room:
//   - per client address (the socket's peer; an IPv6 /64 is one client,
//     since one host is usually given a whole /64): chatPerAddress;
//   - per conversation_id (what one widget sends): chatPerConversation
//     distinct message ids, so a widget retrying the same message (after a
//     503, a dropped connection) never spends this budget twice.
// Values in store/limits.mjs. Counted in this instance's memory: with N
// instances a client may send up to N times the budget. The counters are
// forgotten each window, so they hold at most one window's clients.
//
// takeAddress(address) and takeConversation(conversation, messageId) each
// return null (counted) or {retryAfterS, by: 'address' | 'conversation'}
// (refused, nothing counted). An endpoint takes the address's first, before
// the store is asked anything (a flood costs its sender), and the
// conversation's only once the request proved it holds the conversation's
// key: a conversation id is a name others may know, and a stranger sending
// with it must not spend, and so exhaust, its owner's budget.

// The budget key of a peer address: IPv4 (also IPv4-mapped) as is, IPv6 by
// its first four groups.
export function addressKey(address = '') {
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createChatBudget({ chatPerAddress, chatPerConversation, chatWindowMs }, now = Date.now) {
  return createWindowBudget({ perAddress: chatPerAddress, perConversation: chatPerConversation, windowMs: chatWindowMs }, now);
}

// The same two counters for another endpoint (POST /api/feedback:
// feedback-endpoint.mjs), `messageId` being whatever makes a resend the same.
export function createWindowBudget({ perAddress, perConversation, windowMs }, now = Date.now) {
  let windowStart = now();
  let byAddress = new Map();
  let byConversation = new Map();

  function roll() {
    const t = now();
    if (t - windowStart < windowMs) return;
    windowStart = t - ((t - windowStart) % windowMs);
    byAddress = new Map();
    byConversation = new Map();
  }

  const retryAfter = () => Math.max(1, Math.ceil((windowStart + windowMs - now()) / 1000));
  return {
    takeAddress(address) {
      roll();
      const a = addressKey(address);
      if ((byAddress.get(a) ?? 0) >= perAddress) return { retryAfterS: retryAfter(), by: 'address' };
      byAddress.set(a, (byAddress.get(a) ?? 0) + 1);
      return null;
    },
    takeConversation(conversation, messageId = '') {
      roll();
      const ids = byConversation.get(conversation) ?? new Set();
      if (!ids.has(messageId) && ids.size >= perConversation) return { retryAfterS: retryAfter(), by: 'conversation' };
      ids.add(messageId);
      byConversation.set(conversation, ids);
      return null;
    },
    clear() {
      windowStart = now();
      byAddress = new Map();
      byConversation = new Map();
    },
  };
}
