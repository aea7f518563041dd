// Agent runs shared by both ways a message arrives: POST /api/chat and a
// `msg` frame of the live session. The agent runs at most once per message
// id, whichever path sees the id first; every later arrival (either path,
// same fingerprint) joins the run in progress or replays the finished one,
// and a different fingerprint is a conflict. Counted in RequestStats.
//
// This is where the gateway calls the agent adapter (agents/index.mjs): the
// adapter is called only inside the idempotency store's start callback, so
// a retried message never reaches the shop's AI twice.
import { createHash } from 'node:crypto';
import { fingerprint } from './idempotency-store.mjs';
import { startRun } from './reply-run.mjs';
import { replyEvents } from './agent/storefront-agent.mjs';
import { agentReply } from './agents/index.mjs';
import { createScriptedAgent } from './agents/scripted.mjs';
import { TranscriptBook } from './agents/transcripts.mjs';

// What a reader sends after the events of a run that failed (the agent threw,
// or the server closed mid-run). Fixed text: why it failed is in the log,
// never sent to the browser.
export const AGENT_FAILED = Object.freeze({
  event: 'error',
  data: { code: 'agent_failed', message: 'The agent stopped before finishing its reply.' },
});

export function replyIdFor(key) {
  return `r_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

// `deps`: { store: IdempotencyStore, stats: RequestStats, tokenDelayMs,
// signal (aborts when the server closes; stops runs as failed),
// agent (an adapter, agents/index.mjs; default scripted),
// transcripts (TranscriptBook), log }.
export function createAgentRuns({
  store, stats, tokenDelayMs, signal, agent = createScriptedAgent(), transcripts = new TranscriptBook(),
  log = () => {},
}) {
  return {
    paceMs: tokenDelayMs,

    // `request`: { message_id, conversation_id, text, visitor? } (already
    // validated). The visitor is not part of the fingerprint: it is who
    // asks, not what; a run started is replayed as it was.
    // Returns { conflict: true } or { run, outcome: 'started' | 'joined' | 'replayed' }.
    // `overrideText` (a test fault) is what the agent says if this call
    // starts the run; the adapter is then not called. `unpaced`: a reader
    // that waits for the whole reply (the voice agent) gets it without the
    // typing pace of a paced agent.
    begin(request, { overrideText = null, unpaced = false } = {}) {
      const key = request.message_id;
      return store.begin(key, fingerprint(request), () => {
        stats.countAgentRun(key);
        const replyId = replyIdFor(key);
        if (overrideText !== null) {
          return startRun(replyEvents({ replyId, text: request.text, overrideText }), { paceMs: tokenDelayMs, signal });
        }
        const turn = {
          conversation_id: request.conversation_id,
          message_id: key,
          text: request.text,
          visitor: request.visitor ?? null,
          transcript: transcripts.recent(request.conversation_id),
        };
        const events = agentReply(agent, turn, {
          replyId, signal, log,
          onDone: (text) => transcripts.add(request.conversation_id, request.text, text),
        });
        return startRun(events, { paceMs: agent.paced && !unpaced ? tokenDelayMs : 0, signal });
      });
    },

    // True when a usable record for this id holds a different request.
    conflicts(request) {
      return store.conflicts(request.message_id, fingerprint(request));
    },
  };
}
