// Who controls a conversation, as data (the rules live here and nowhere
// else; both stores read this table, the Redis one inside its Lua script, so
// the check and the write are one step).
//
//   ai      --request-->   waiting   (the shopper, or the AI's handoff tool, asks for a person)
//   ai      --take------>  person    (staff step in uninvited)
//   waiting --take------>  person
//   waiting --hand_back->  ai        (staff decline, or the shopper gave up)
//   person  --hand_back->  ai
//
// Anything else is illegal: refused with an error naming the state and the
// event, and nothing changes. person --take--> person is illegal on purpose:
// of two staff (or two instances) taking one conversation, exactly one wins.
export const CONTROL_STATES = Object.freeze(['ai', 'waiting', 'person']);

export const TRANSITIONS = Object.freeze({
  ai: Object.freeze({ request: 'waiting', take: 'person' }),
  waiting: Object.freeze({ take: 'person', hand_back: 'ai' }),
  person: Object.freeze({ hand_back: 'ai' }),
});

export const CONTROL_EVENTS = Object.freeze(['request', 'take', 'hand_back']);

// The state `event` leads to from `from`, or null when the table has no such edge.
export function nextControl(from, event) {
  return Object.hasOwn(TRANSITIONS, from) && Object.hasOwn(TRANSITIONS[from], event) ? TRANSITIONS[from][event] : null;
}

// What a refused transition says (the staff API passes it on as 409).
export function illegalMessage(from, event) {
  const allowed = Object.keys(TRANSITIONS[from] ?? {});
  return `cannot ${event} a conversation in state ${from} (allowed: ${allowed.join(', ') || 'none'})`;
}

// The session-log event announcing a change (docs/protocol.md, "Handoff").
// `wait_s`: the estimated wait in seconds (control/wait-estimate.mjs), when known.
export function controlData(state, name, position, waitS = 0) {
  return { state, ...(name ? { by: { name } } : {}), ...(position ? { position } : {}), ...(waitS ? { wait_s: waitS } : {}) };
}

// The staff-only record of a conversation (notes, held shopper messages,
// handoff summaries, left emails): at most this many entries, oldest dropped.
export const MAX_STAFF_ENTRIES = 200;
