// Agent runs shared by both ways a message arrives: POST /api/chat and a
// `msg` frame of the live session, on any instance. The agent runs at most
// once per message id while the store keeps its record: the first arrival
// claims the run (store.claimRun, atomic), every later arrival (either path,
// any instance, same fingerprint) joins the run in progress or replays the
// finished one, and a different fingerprint is a conflict. A run whose
// producer died (its lease expired) is taken over by a reader, with a new
// fence (reply-run.mjs). Counted in RequestStats.
//
// This is where the gateway calls the agent adapter (agents/index.mjs): only
// when the store's claim says this instance must run the turn, so a retried
// message never reaches the shop's AI twice while its record lives; and only
// while the AI controls the conversation (control/transitions.mjs): with a
// person on it, or one asked for, begin() answers { held: true } and claims
// nothing. cancel() aborts a run this instance produces (a takeover).
import { createHash } from 'node:crypto';
import { fingerprint } from './fingerprint.mjs';
import { LEASE_MS, followRun, produceRun } from './reply-run.mjs';
import { replyEvents } from '../agents/demo/storefront-agent.mjs';
import { agentReply } from '../agents/index.mjs';
import { createScriptedAgent } from '../agents/scripted.mjs';
import { agentView } from '../agents/transcripts.mjs';
import { publicAttachment, turnAttachments } from '../attachments/message-attachments.mjs';
import { NO_RECORDER } from '../record/gateway-recorder.mjs';

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

// `deps`: { store (store/README.md), stats: RequestStats, tokenDelayMs,
// instance (this gateway's name, for the record's owner), leaseMs,
// signal (aborts when the server closes; stops this instance's runs as failed),
// agent (an adapter, agents/index.mjs; default scripted),
// requestHandoff(conversationId, {by, summary}) (the adapter's handoff tool),
// log }. Each conversation's recent turns come from, and go to, the store.
export function createAgentRuns({
  store, stats, tokenDelayMs, instance = '', leaseMs = LEASE_MS, signal, agent = createScriptedAgent(), log = () => {},
  requestHandoff = null, recorder = NO_RECORDER,
}) {
  // A takeover (`claim.have` > 0) asks the agent again and drops the events it
  // repeats: exact for a deterministic agent; a shop's AI may word the rest
  // differently (docs/deploying.md, "Several instances on Redis").
  const running = new Map(); // message id -> AbortController of a run produced here
  const idleWaiters = new Set(); // whenIdle()'s resolvers
  const ended = (key, own) => {
    if (running.get(key) === own) running.delete(key);
    if (running.size > 0) return;
    for (const resolve of idleWaiters) resolve();
    idleWaiters.clear();
  };

  // The page context the agent is given, with the results of actions the
  // page reported since the previous turn (context.action_results).
  async function turnContext(store, request) {
    const results = await store.takeActionResults(request.conversation_id);
    if (results.length === 0) return request.context ?? null;
    return { ...(request.context ?? {}), action_results: results };
  }

  function produce(request, claim, { overrideText = null, unpaced = false } = {}) {
    const key = request.message_id;
    stats.countAgentRun(key, request.conversation_id);
    const own = new AbortController();
    running.set(key, own);
    const runSignal = signal ? AbortSignal.any([signal, own.signal]) : own.signal;
    const replyId = replyIdFor(key);
    // The record (docs/record.md): queued, never awaited. A turn with photos
    // is recorded once the run has read them (what they were, not their bytes).
    const recordsPhotos = overrideText === null && request.attachments?.length > 0;
    if (!recordsPhotos) recorder.shopperTurn(request);
    let events;
    let paceMs = agent.paced && !unpaced ? tokenDelayMs : 0;
    if (overrideText !== null) {
      events = replyEvents({ replyId, text: request.text, overrideText });
      paceMs = tokenDelayMs;
    } else {
      events = (async function* reply() {
        const turn = {
          conversation_id: request.conversation_id, message_id: key, text: request.text,
          visitor: request.visitor ?? null, context: await turnContext(store, request), transcript: agentView(await store.recentTranscript(request.conversation_id)),
        };
        const photos = await turnAttachments(store, request.conversation_id, request.attachments);
        if (photos.length) turn.attachments = photos;
        if (recordsPhotos) recorder.shopperTurn(request, { attachments: photos.map(publicAttachment) });
        yield* agentReply(agent, turn, {
          replyId, signal: runSignal, log,
          handoff: requestHandoff && ((summary) => requestHandoff(request.conversation_id, { by: 'agent', summary })), onDone: async (text, cards, action, leads = []) => {
            recorder.answered(request, replyId, text, cards);
            leads.forEach((lead, i) => recorder.lead(request.conversation_id, { id: `${replyId}:lead:${i}`, source: 'agent', ...lead }));
            // Kept before the event is sent: the page may confirm it at once (POST /api/action).
            if (action) await store.saveProposal(request.conversation_id, action.id, { name: action.name, args: action.args });
            return store.addTranscriptTurn(request.conversation_id, request.text, text, cards, photos.map(publicAttachment));
          },
        });
      }());
    }
    produceRun({ store, key, fence: claim.fence, have: claim.have, events, paceMs, signal: runSignal, leaseMs, log })
      .then(() => 'done', (error) => { log(`[server] agent run ${key.slice(0, 8)}: ${error?.message ?? error}`); return 'failed'; })
      .then((outcome) => stats.countAgentRunEnd?.(key, outcome))
      .finally(() => ended(key, own));
  }

  // A reader found the producer's lease run out: it produces the rest only
  // while the AI still controls the conversation; 'held' otherwise (a person
  // took it over after the producer died: the AI is not called again).
  async function takeOver(request) {
    const control = await store.getControl(request.conversation_id);
    if (control && control.state !== 'ai') return 'held';
    return claim(request, {});
  }

  async function claim(request, options) {
    const result = await store.claimRun(request.message_id, fingerprint(request), { owner: instance, leaseMs });
    if (result.outcome === 'started' || result.outcome === 'takeover') produce(request, result, options);
    return result.outcome;
  }

  return {
    paceMs: tokenDelayMs,

    // `request`: { message_id, conversation_id, text, visitor?, context?, attachments? (photo ids) } (already
    // validated). Resolves { conflict: true }, { full: true } (too many
    // records: answer "try again later") or { outcome: 'started' | 'joined' | 'replayed' }.
    // `overrideText` (a test fault) is what the agent says if this call
    // starts the run; the adapter is then not called. `unpaced`: a reader
    // that waits for the whole reply (the voice agent) gets it without the
    // typing pace of a paced agent.
    async begin(request, { overrideText = null, unpaced = false } = {}) {
      const control = await store.getControl(request.conversation_id);
      if (control && control.state !== 'ai') return { held: true };
      const outcome = await claim(request, { overrideText, unpaced });
      if (outcome === 'conflict') return { conflict: true };
      if (outcome === 'full') return { full: true };
      return { outcome: outcome === 'takeover' ? 'started' : outcome };
    },

    // The run's events from `from`, as an async iterable; `result.state`
    // ('done' | 'failed') once it ends.
    follow(request, { outcome, from = 0, signal: readerSignal, result }) {
      return followRun({
        store, key: request.message_id, from, paceMs: tokenDelayMs, replay: outcome === 'replayed',
        signal: readerSignal, result, takeover: () => takeOver(request),
      });
    },

    // Stops the agent of a run produced here (a person took the
    // conversation over): the run ends failed, so a later retry runs it again.
    cancel(messageId) {
      running.get(messageId)?.abort(new Error('a person took the conversation over'));
    },

    // Resolves once no run produced here is in progress (the graceful drain
    // waits for it: ops/drain.mjs). Readers following another instance's run
    // are not counted: that run goes on without this instance.
    whenIdle() {
      if (running.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.add(resolve));
    },

    producing: () => running.size,

    // True when a usable record for this id holds a different request.
    conflicts(request) {
      return store.runConflicts(request.message_id, fingerprint(request));
    },
  };
}
