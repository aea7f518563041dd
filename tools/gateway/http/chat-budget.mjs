// Per-client budgets on POST /api/chat (docs/security-http.md): so one
// client cannot spend the agent, fill the idempotency records or starve
// other shoppers. Two fixed-window counters, both must have room:
//   - per client address (the socket's peer; an IPv6 /64 is one client,
//     since one host is usually given a whole /64): chatPerAddress;
//   - per conversation_id (what one widget sends): chatPerConversation
//     distinct message ids, so a widget retrying the same message (after a
//     503, a dropped connection) never spends this budget twice.
// Values in store/limits.mjs. With the Redis store the counts are kept in
// Redis (store/redis-window-budgets.mjs), so a client has its budget once
// whichever instance it reaches; with the in-memory store (one instance) in
// this instance's memory. Either forgets them each window, so they hold at
// most one window's clients.
//
// takeAddress(address) and takeConversation(conversation, messageId) each
// return null (counted) or {retryAfterS, by: 'address' | 'conversation'}
// (refused, nothing counted). Endpoints use them through admitToConversation,
// which takes the address's first, before
// the store is asked anything (a flood costs its sender), and the
// conversation's only once the request proved it holds the conversation's
// key: a conversation id is a name others may know, and a stranger sending
// with it must not spend, and so exhaust, its owner's budget.

// The order above as one step, so that no endpoint can take the budgets
// around the key check the wrong way: the address's budget, then proveKey()
// (async; null when the request holds the conversation's key, else the
// refusal to send), then the conversation's budget. Resolves to null
// (admitted, both counted), { over: {retryAfterS, by} } (answer 429) or
// { refused } (proveKey's refusal). A null budget admits on the key alone.
export async function admitToConversation(budget, { req, conversation, request, proveKey }) {
  const overAddress = (await budget?.takeAddress(clientAddressOf(req))) ?? null;
  if (overAddress) return { over: overAddress };
  const refused = await proveKey();
  if (refused) return { refused };
  const overConversation = (await budget?.takeConversation(conversation, request)) ?? null;
  return overConversation ? { over: overConversation } : null;
}

// The peer a request came from: the address the trusted proxy named
// (natterClientAddress), else the socket's.
export function clientAddressOf(req) {
  return req.natterClientAddress ?? req.socket?.remoteAddress ?? '';
}

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

export function createChatBudget({ chatPerAddress, chatPerConversation, chatWindowMs }, { now = Date.now, store = null } = {}) {
  return windowBudgetFor(store, { name: 'chat', perAddress: chatPerAddress, perConversation: chatPerConversation, windowMs: chatWindowMs }, now);
}

// The same two counters for an endpoint named `name` (feedback, action,
// attachment), `messageId` being whatever makes a resend the same: in the
// store when it keeps them for every instance (store.takeWindow, Redis),
// else in this instance's memory.
export function windowBudgetFor(store, limits, now = Date.now) {
  return typeof store?.takeWindow === 'function' ? createSharedWindowBudget(limits, store) : createWindowBudget(limits, now);
}

// The counters in the store. take* answer promises; clear() has nothing of
// its own to forget (a test reset clears the store, and the counts with it).
export function createSharedWindowBudget({ name, perAddress, perConversation, windowMs }, store) {
  return {
    async takeAddress(address) {
      const retryAfterS = await store.takeWindow(`${name}:address:${addressKey(address)}`, { limit: perAddress, windowMs });
      return retryAfterS > 0 ? { retryAfterS, by: 'address' } : null;
    },
    async takeConversation(conversation, messageId = '') {
      const retryAfterS = await store.takeWindow(`${name}:conversation:${conversation}`,
        { limit: perConversation, windowMs, request: messageId });
      return retryAfterS > 0 ? { retryAfterS, by: 'conversation' } : null;
    },
    clear() {},
  };
}

// The counters in this instance's memory.
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
