// Which session a hello gets (session-endpoint.mjs; docs/protocol.md,
// "Handshake"): the one it names when it proves it (resume token), the
// named conversation carried on when its owner comes back after the
// session is gone (conversation-owner.mjs: a remembered token or the
// conversation_key), or else a fresh session of its own, so a stranger who
// knows an id never touches that conversation.
import { randomUUID } from 'node:crypto';
import { mayCarryOn } from './conversation-owner.mjs';

const short = (id) => id.slice(0, 8);

// -> { id, attached, events, resumed }, or { full: true } when the store
// holds the most sessions it may. who: { tabId, instance }.
export async function sessionForHello(store, h, who, log) {
  let id = h.session_id;
  let attached = h.resume_token === '' ? null
    : await store.resumeSession(id, h.resume_token, { ...who, rotate: true, revoke: h.revoke });
  let events = attached ? await store.eventsAfter(id, h.last_event_seq) : [];
  if (attached && events === null) { // proven, but the log no longer reaches back: no partial replay
    const { prev } = attached;
    attached = await store.createSession(id, who);
    attached.prev ??= prev;
    events = [];
    attached.resumedButLost = true;
  }
  const resumed = attached !== null && !attached.resumedButLost;
  if (!attached && !(await mayCarryOn(store, id, h.resume_token, h.conversation_key))) { // its session gone, and this hello is not its owner
    id = randomUUID();
    log(`[server] WS /api/session hello for session ${short(h.session_id)} without its resume token: fresh session ${short(id)} (the conversation has a transcript)`);
  }
  if (!attached) attached = await store.createSession(id, { ...who, ifAbsent: true });
  if (attached.held) { // held, and this hello cannot prove it: a session of its own, the held one untouched
    id = randomUUID();
    log(`[server] WS /api/session hello for session ${short(h.session_id)} without its resume token: fresh session ${short(id)}`);
    attached = await store.createSession(id, who);
  }
  if (attached.full) return { full: true };
  return { id, attached, events, resumed };
}
