// The turns of a live session: a `msg` frame in; an `ack` and the agent's
// reply as numbered `event` frames out. The agent run itself is the shared
// machinery of agent-runs.mjs, so an id sent over HTTP and over the session
// (either order, any number of times, any instance) runs the agent once.
//
// Rules:
// - every new or repeated msg with the same text is acked (to the
//   connection it came on); a repeat starts nothing and streams nothing again;
// - the same id with a different text (in this session, or held by the
//   idempotency records from either path) is answered with `error` conflict
//   and NOT acked;
// - the ack and the queued turn are one store write (acceptMsg): an ack
//   means the store holds the turn, so whichever instance holds the
//   session next finishes it;
// - turns run one at a time in arrival order: turn N+1's agent run starts
//   (or is joined/replayed) only after turn N's reply was fully emitted;
// - the reply to a message is emitted into the session once: the pump (one
//   per session, on the instance of its newest connection) writes each event
//   under the connection's generation and the turn's cursor, so a replaced
//   pump is fenced off and a resumed one continues where the log ends;
// - a turn uses the visitor the session had when its msg was accepted, and
//   the page context its msg carried (the newest is kept for staff);
// - while a person controls the conversation, or one was asked for
//   (control/transitions.mjs), a turn is not answered: it is popped and the
//   shopper's message kept for staff (store.holdTurn), after the same ack
//   and dedupe as ever. A takeover while a reply streams fences it (the store
//   answers 'held' from the control event on) and cancels its agent here;
// - while the session has a voice call open on this instance, the reply is
//   also said in the call as it is written (speakTyped: the shopper typed
//   during the call, and hears the answer as to a spoken turn).
import { setTimeout as sleep } from 'node:timers/promises';
import { fingerprint } from '../runs/fingerprint.mjs';
import { AGENT_FAILED } from '../runs/agent-runs.mjs';
import { groupCommit } from '../runs/group-commit.mjs';
import { ackFrame, errorFrame } from './frames.mjs';
import { firstUnknown, publicAttachment } from '../attachments/message-attachments.mjs';
import * as wire from './wire-codes.mjs';

const FULL_RETRY_MS = 1000;

const conflictFrame = (messageId) => errorFrame(wire.ERROR_CONFLICT,
  'This message_id was already used with a different text.', { message_id: messageId });
const busyFrame = (messageId) => errorFrame(wire.ERROR_BUSY,
  'Too many messages are waiting for a reply; send this one again after the next reply.', { message_id: messageId });

// `deps`: { store, agentRuns, stats: RequestStats, log, signal (server closing),
// deliver(sessionId, gen, frame): sends a frame to this instance's current
// connection of that session, if it is still that generation's,
// speakTyped(sessionId): voice-gateway.mjs's, or absent }.
// Returns { receiveMsg(conn, {message_id, text}), pump(sessionId, gen), controlChanged(sessionId) }.
export function createTurns({ store, agentRuns, stats, log, signal, deliver, speakTyped = () => null }) {
  const pumps = new Map(); // session id -> { gen, again }
  const playing = new Map(); // session id -> message id of the turn being answered here
  // Draining (ops/drain.mjs): the turn being answered here is finished, but
  // no pump starts another; the session's next holder (another instance,
  // after its resuming hello) answers the turns still queued.
  let startsTurns = true;

  // Plays the head turn; resolves 'next' (finished), 'again' (re-read the
  // head) or 'stale' (this generation was replaced: stop).
  async function playTurn(id, gen, { turn, cursor }) {
    const entry = { kind: 'shopper', message_id: turn.message_id, text: turn.text, at: Date.now() };
    // A message held for staff keeps what its photos are, so the person
    // handling the conversation sees them (the bytes stay in the store).
    if (turn.attachments?.length) {
      const photos = (await store.attachmentMetas(id, turn.attachments)).filter(Boolean).map(publicAttachment);
      if (photos.length) entry.attachments = photos;
    }
    const hold = async () => {
      const held = await store.holdTurn(id, gen, turn.message_id, entry);
      if (held === 'held') return 'next';
      return held === 'ai' || held === 'skip' ? 'again' : 'stale';
    };
    const first = await store.holdTurn(id, gen, turn.message_id, entry); // not with the AI: kept for staff, unanswered
    if (first === 'held') return 'next';
    if (first !== 'ai') return first === 'skip' ? 'again' : 'stale';
    let begun = await agentRuns.begin(turn);
    if (begun.held) return hold(); // taken over between the check and the claim
    playing.set(id, turn.message_id);
    try {
      return await answer(id, gen, turn, cursor, begun, hold);
    } finally {
      if (playing.get(id) === turn.message_id) playing.delete(id);
    }
  }

  async function answer(id, gen, turn, cursor, begun, hold) {
    while (begun.full && !signal.aborted) { // acked: it must run, later
      await sleep(FULL_RETRY_MS, undefined, { signal }).catch(() => {});
      begun = await agentRuns.begin(turn);
    }
    if (signal.aborted) return 'stale';
    if (begun.conflict) { // another path took the id with a different text after the ack
      deliver(id, gen, conflictFrame(turn.message_id));
      return (await store.finishTurn(id, gen, turn.message_id)) ? 'next' : 'stale';
    }
    const result = {};
    let at = cursor;
    // Group commit (group-commit.mjs): the events that arrive while the
    // session log is being written go into it together, in order.
    const writer = groupCommit(async (batch) => {
      const frames = await store.emitEvents(id, gen, turn.message_id, at, batch);
      if (typeof frames === 'string') return frames; // 'stale' | 'skip'
      at += frames.length;
      for (const frame of frames) deliver(id, gen, frame);
      return 'ok';
    });
    const outcome = (verdict) => {
      if (verdict !== 'held') return verdict === 'skip' ? 'again' : 'stale';
      agentRuns.cancel(turn.message_id); // a person took over mid-reply: nothing more of it
      return hold();
    };
    const aloud = speakTyped(id);
    try {
      for await (const event of agentRuns.follow(turn, { outcome: begun.outcome, from: cursor, signal, result })) {
        if (!writer.push(event)) break;
        aloud?.event(event);
      }
    } finally {
      aloud?.end({ failed: result.state === 'failed' });
    }
    let verdict = await writer.drain();
    if (verdict !== 'ok') return outcome(verdict);
    if (signal.aborted) return 'stale';
    if (result.state === 'failed') {
      writer.push(AGENT_FAILED);
      verdict = await writer.drain();
      if (verdict !== 'ok') return outcome(verdict);
    }
    return (await store.finishTurn(id, gen, turn.message_id)) ? 'next' : 'again';
  }

  // Runs the session's pending turns on this instance, one at a time. At most
  // one pump per session here; a newer generation starts its own.
  function pump(id, gen) {
    const running = pumps.get(id);
    if (running && running.gen === gen) {
      running.again = true;
      return;
    }
    const self = { gen, again: false };
    pumps.set(id, self);
    (async () => {
      for (;;) {
        if (pumps.get(id) !== self || signal.aborted || !startsTurns) break;
        const head = await store.headTurn(id);
        if (head === null) {
          if (self.again) { self.again = false; continue; }
          if (pumps.get(id) === self) pumps.delete(id);
          return;
        }
        const outcome = await playTurn(id, gen, head);
        if (outcome === 'stale') break;
      }
      if (pumps.get(id) === self) pumps.delete(id);
    })().catch((error) => {
      if (pumps.get(id) === self) pumps.delete(id);
      log(`[server] WS turns of ${id.slice(0, 8)} stopped: ${error?.stack ?? error}`);
    });
  }

  async function receiveMsg(conn, { message_id: messageId, text, context = null, attachments = [] }) {
    stats.countRequest(messageId);
    const id = conn.sessionId;
    // Every photo it names was uploaded for this conversation, or it is not acked.
    const unknown = await firstUnknown(store, id, attachments);
    if (unknown) {
      conn.send(errorFrame(wire.ERROR_BAD_FRAME, `msg: no photo ${unknown} was uploaded for this conversation (or it expired).`,
        { message_id: messageId, reason: 'unknown_attachment' }));
      return;
    }
    const request = { message_id: messageId, conversation_id: id, text, ...(attachments.length ? { attachments } : {}) };
    if (await agentRuns.conflicts(request)) {
      conn.send(conflictFrame(messageId));
      return;
    }
    const turn = { ...request, visitor: await store.getVisitor(id), context };
    const answer = await store.acceptMsg(id, conn.gen, turn, fingerprint(request));
    if (answer === 'accepted' && context) await store.setContext(id, context);
    if (answer === 'accepted' || answer === 'known') conn.send(ackFrame(messageId));
    else if (answer === 'conflict') conn.send(conflictFrame(messageId));
    else if (answer === 'turns_full') conn.send(busyFrame(messageId));
    else conn.stale(answer); // replaced elsewhere, or the store lost the session
    if (answer === 'accepted') pump(id, conn.gen);
  }

  // A control change was logged for this session (store.onAppend): if a
  // person now has it, the agent answering here stops at once, not at its
  // next event (a silent agent would otherwise hold the turns behind it).
  async function controlChanged(id) {
    const messageId = playing.get(id);
    if (messageId === undefined) return;
    if ((await store.getControl(id))?.state === 'person') agentRuns.cancel(messageId);
  }

  return { receiveMsg, pump, controlChanged, stopStarting: () => { startsTurns = false; } };
}
