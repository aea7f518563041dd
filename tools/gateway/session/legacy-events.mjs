// Events a widget core without handoff support can apply. A core older than
// handoff (wasm/src/session/session_frames.cpp) refuses an `event` frame whose
// `event` it does not know as a protocol error WITHOUT applying its seq; the
// next event then looks like a gap and the core resyncs every 2 s, forever.
// So a connection whose hello did not say `features: ["handoff"]` gets such
// an event as a `start` with the same seq: the old core applies the seq and
// shows nothing (a start without text draws no bubble). Staff messages need
// no change: they are start/delta/done already (an old core shows them as
// the assistant's, without the author).
export const LEGACY_EVENTS = new Set(['start', 'delta', 'card', 'done', 'error', 'voice.transcript']);

// The feature a widget must have named to apply each newer event.
// `suggestions`: a core that knows handoff but not reply chips would refuse
// the event as unknown and resync forever, as above.
// `action`: likewise for a core without action cards.
const NEEDS = { read: 'presence', suggestions: 'suggestions', action: 'actions' };

export function forClient(frame, features) {
  if (LEGACY_EVENTS.has(frame.event) || features.has(NEEDS[frame.event] ?? 'handoff')) return frame;
  return { type: 'event', seq: frame.seq, reply_to: frame.reply_to, event: 'start', data: { reply_id: `${frame.event}-${frame.seq}` } };
}
