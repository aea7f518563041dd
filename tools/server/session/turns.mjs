// The turns of a live session: a `msg` frame in; an `ack` and the agent's
// reply as numbered `event` frames out. The agent run itself is the shared
// machinery of agent-runs.mjs, so an id sent over HTTP and over the session
// (either order, any number of times) runs the agent once.
//
// Rules:
// - every new or repeated msg with the same text is acked (to the
//   connection it came on); a repeat starts nothing and streams nothing again;
// - the same id with a different text (in this session, or held by the
//   idempotency store from either path) is answered with `error` conflict
//   and NOT acked;
// - turns run one at a time in arrival order: turn N+1's agent run starts
//   (or is joined/replayed) only after turn N's reply was fully emitted;
// - the reply to a message is emitted into the session once (a run already
//   made over HTTP is replayed into the session's event log);
// - a turn uses the visitor the session had when its msg was accepted; an
//   identify frame after that changes the turns accepted later, never one
//   already running.
import { fingerprint } from '../idempotency-store.mjs';
import { AGENT_FAILED } from '../agent-runs.mjs';
import { ackFrame, errorFrame } from './frames.mjs';

const conflictFrame = (messageId) => errorFrame('conflict',
  'This message_id was already used with a different text.', { message_id: messageId });

// `deps`: { agentRuns, visitors: VisitorBook, stats: RequestStats, log }.
// Returns receiveMsg(session, conn, {message_id, text}).
export function createTurns({ agentRuns, visitors, stats, log }) {
  async function playTurn(session, request) {
    const begun = agentRuns.begin(request);
    if (begun.conflict) { // another path took the id with a different text after the ack
      session.current?.send(conflictFrame(request.message_id));
      return;
    }
    for await (const event of begun.run.follow({ paceMs: agentRuns.paceMs, signal: session.signal })) {
      session.emit(request.message_id, event);
    }
    if (begun.run.state === 'failed') session.emit(request.message_id, AGENT_FAILED);
  }

  return function receiveMsg(session, conn, { message_id: messageId, text }) {
    stats.countRequest(messageId);
    const request = { message_id: messageId, conversation_id: session.id, text };
    const print = fingerprint(request);
    const known = session.acked.get(messageId);
    if (known !== undefined) {
      conn.send(known === print ? ackFrame(messageId) : conflictFrame(messageId));
      return;
    }
    if (agentRuns.conflicts(request)) {
      conn.send(conflictFrame(messageId));
      return;
    }
    session.accept(messageId, print);
    conn.send(ackFrame(messageId));
    const turn = { ...request, visitor: visitors.get(session.id) };
    session.enqueue(() => playTurn(session, turn), (error) => {
      log(`[server] WS turn ${messageId.slice(0, 8)} failed: ${error?.stack ?? error}`);
    });
  };
}
