// Test controls under /__natter/ (only when startServer({testControls: true}),
// which `npm start` sets only for NATTER_TEST_CONTROLS=1; otherwise those paths
// are 404). They answer only a local test tool (control-guard.mjs: loopback,
// no proxy in between, not cross-site; a POST needs the header
// `natter-test-control: 1`; anyone else: 404, as if absent) and send no
// Access-Control-Allow-Origin, so no web page can read them.
//   GET  /__natter/stats   -> {requests: {<id>: n}, agent_runs: {<id>: n},
//                              agent_runs_by_conversation: {<conversation_id>: n}, total_requests: n,
//                              ws_connections_open: {<session_id>: 1}, replacements: n}
//   POST /__natter/faults  {"chat": [fault, ...], "session": [fault, ...]} (either or both)
//                          -> {queued: <faults now pending, both queues>}  (see faults.mjs)
//   POST /__natter/session/kill  drops every live-session WebSocket (and stalled
//                          upgrade) abruptly, as a crash would: no close frame
//                          (clients see 1006); sessions stay held -> {killed: n}
//   POST /__natter/visitor/matches  {"conversation_id": "…", "visitor": {…} | null}
//                          -> {matches: true|false}: whether the server holds exactly that
//                          visitor for the conversation. It never says who the shopper is:
//                          the caller must already know.
//   POST /__natter/session/serves  {"min_protocol"?: n, "min_client"?: "1.4.2" | ""}: what the
//                          live session serves from the next hello on (docs/protocol.md,
//                          "Releases and reloads"); reset restores the start's
//                          -> {min_protocol, min_client}
//   POST /__natter/reset   clears idempotency records, counters, faults, token faults and expiry, voice
//                          calls and voice faults, visitors, conversation transcripts (in the store),
//                          the POST /api/chat budgets (chat-budget.mjs), and live sessions
//                          (dropping their connections) -> {ok: true}
//   POST /__natter/continue/ttl  {"ms": n | null}: continue links minted from now on live n ms
//                          (null: back to the start's, 2 min), so a test sees one expire
//                          without waiting minutes -> {ttl_ms}
//   POST /__natter/voice/faults  {"drop": 0..1, "reorder": 0..1, "jitter_ms": n,
//                          "cut_after_ms": n|null, "seed"?: n} replaces the faults
//                          on the agent's audio frames (voice/voice-faults.mjs)
//                          -> {faults: {...now in force}}
//   GET  /__natter/voice/calls  -> {calls: [{session_id, call_id, open, greeted,
//                          utterances_sent, frames_received, bad_packets,
//                          segments_heard, barge_ins, uplink: {received, expected},
//                          rtc?: {pc_id, open, blackholed, restarting} while it has
//                          a WebRTC leg}, ...]}
//   POST /__natter/voice/rtc/uplink_loss  {"every": 0..1000}: from now on every n-th
//                          frame the widget sends on a WebRTC leg is dropped as it
//                          arrives (0: none), a lossy uplink its encoder must adapt to
//                          -> {every}
//   POST /__natter/voice/rtc/kill  {"mode": "close" | "blackhole" | "cut", "ms"?: 100..60000
//                          (2000, cut only)}: every call's WebRTC leg is closed
//                          (voice.rtc_closed sent) or goes silent both ways (the widget's
//                          liveness check must find it), or for `ms` only -> {killed: n}
//   POST /__natter/tokens/expire  (with requireToken) every token minted so far is
//                          refused from now on, as if all had expired; new ones work
//                          -> {ok: true}
//   POST /__natter/tokens/fail  {"count"?: n (1), "status"?: 4xx|5xx (503)}: the
//                          next n calls of GET /shop/natter-token answer that status
//                          -> {queued: n}
//   GET  /__natter/voice/heard?session_id=…  -> {samples: n, envelope: [rms, ...]}:
//                          how much of the shopper's audio the gateway decoded in that
//                          session's current or last call (its last 120 s) and its
//                          loudness per 10 ms (480 samples), never the audio itself (an
//                          envelope carries no words); 404 when none
import { answerBodyFailure, readBody, sendError, sendJson } from '../http/http-util.mjs';
import { checkVoiceFaults } from './voice-faults.mjs';
import { refusal } from './control-guard.mjs';

export { isLoopback } from './control-guard.mjs';

const CONTROL_HEADERS = { 'Cache-Control': 'no-store' };

// Resolves the parsed JSON body, or null after answering the error.
async function readJson(req, res, limit) {
  const body = await readBody(req, limit);
  if (!body.ok) {
    answerBodyFailure(res, body, limit, CONTROL_HEADERS);
    return null;
  }
  try {
    return JSON.parse(body.text);
  } catch {
    sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.', CONTROL_HEADERS);
    return null;
  }
}

function sendHeard(req, res, voice) {
  const sessionId = new URL(req.url, 'http://localhost').searchParams.get('session_id');
  if (!sessionId) return sendError(res, 400, 'bad_request', 'Give ?session_id=…', CONTROL_HEADERS);
  const heard = voice.heard(sessionId);
  if (!heard) return sendError(res, 404, 'not_found', 'No voice call in that session.', CONTROL_HEADERS);
  return sendJson(res, 200, heard, CONTROL_HEADERS);
}

export function createTestControls({
  store, stats, faults, sessionEndpoint, voice, voiceFaults, tokens = null, continueLinks = null, budget = null,
}) {
  return async function handleControl(req, res, pathname) {
    const refused = refusal(req);
    if (refused) return sendError(res, refused.status, refused.code, refused.message, CONTROL_HEADERS);
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__natter/stats') return sendJson(res, 200, stats.toJSON(), CONTROL_HEADERS);
    if (route === 'POST /__natter/reset') {
      sessionEndpoint.kill();
      sessionEndpoint.setServes(null);
      voice.reset();
      sessionEndpoint.clearLocal();
      await store.clear();
      stats.clear();
      faults.clear();
      tokens?.reset();
      continueLinks?.setTtl(null);
      budget?.clear();
      return sendJson(res, 200, { ok: true }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/session/kill') {
      return sendJson(res, 200, { killed: sessionEndpoint.kill() }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/session/serves') {
      const spec = await readJson(req, res, 1024);
      if (spec === null) return undefined;
      try {
        const served = sessionEndpoint.setServes({
          ...(spec.min_protocol === undefined ? {} : { minProtocol: spec.min_protocol }),
          ...(spec.min_client === undefined ? {} : { minClient: spec.min_client }),
        });
        return sendJson(res, 200, { min_protocol: served.minProtocol, min_client: served.minClient }, CONTROL_HEADERS);
      } catch (error) {
        return sendError(res, 400, 'bad_serves', error.message, CONTROL_HEADERS);
      }
    }
    if (route === 'POST /__natter/faults') {
      const spec = await readJson(req, res, 256 * 1024);
      if (spec === null) return undefined;
      const problem = faults.add(spec);
      if (problem) return sendError(res, 400, 'bad_fault', problem, CONTROL_HEADERS);
      return sendJson(res, 200, { queued: faults.pending }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/voice/faults') {
      const spec = await readJson(req, res, 16 * 1024);
      if (spec === null) return undefined;
      const problem = checkVoiceFaults(spec);
      if (problem) return sendError(res, 400, 'bad_fault', problem, CONTROL_HEADERS);
      voiceFaults.set(spec);
      return sendJson(res, 200, { faults: voiceFaults.settings }, CONTROL_HEADERS);
    }
    if (route.startsWith('POST /__natter/tokens/') && !tokens) {
      return sendError(res, 404, 'not_found', 'Tokens are off: start the server with requireToken.', CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/tokens/expire') {
      tokens.expireAll();
      return sendJson(res, 200, { ok: true }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/tokens/fail') {
      const spec = await readJson(req, res, 1024);
      if (spec === null) return undefined;
      const count = spec.count ?? 1;
      const status = spec.status ?? 503;
      if (!Number.isInteger(count) || count < 1 || count > 100 || !Number.isInteger(status) || status < 400 || status > 599) {
        return sendError(res, 400, 'bad_fault', 'Give {"count": 1..100, "status": 400..599}.', CONTROL_HEADERS);
      }
      return sendJson(res, 200, { queued: tokens.failNext(count, status) }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/visitor/matches') {
      const spec = await readJson(req, res, 4096);
      if (spec === null) return undefined;
      const held = await store.getVisitor(String(spec.conversation_id ?? ''));
      return sendJson(res, 200, { matches: JSON.stringify(held) === JSON.stringify(spec.visitor ?? null) }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/continue/ttl') {
      const spec = await readJson(req, res, 1024);
      if (spec === null) return undefined;
      if (spec.ms !== null && (!Number.isInteger(spec.ms) || spec.ms < 1 || spec.ms > 3_600_000)) {
        return sendError(res, 400, 'bad_ttl', 'Give {"ms": 1..3600000} or {"ms": null}.', CONTROL_HEADERS);
      }
      return sendJson(res, 200, { ttl_ms: continueLinks.setTtl(spec.ms) }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/voice/rtc/kill') {
      const spec = await readJson(req, res, 256);
      if (spec === null) return undefined;
      const mode = spec.mode ?? 'close';
      if (mode !== 'close' && mode !== 'blackhole' && mode !== 'cut') {
        return sendError(res, 400, 'bad_request', '"mode" must be "close", "blackhole" or "cut".', CONTROL_HEADERS);
      }
      const ms = spec.ms ?? 2000;
      if (!Number.isInteger(ms) || ms < 100 || ms > 60_000) {
        return sendError(res, 400, 'bad_request', '"ms" must be an integer 100..60000.', CONTROL_HEADERS);
      }
      return sendJson(res, 200, { killed: voice.killRtc(mode, { ms }) }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/voice/rtc/uplink_loss') {
      const spec = await readJson(req, res, 256);
      if (spec === null) return undefined;
      if (!Number.isInteger(spec.every) || spec.every < 0 || spec.every > 1000) {
        return sendError(res, 400, 'bad_request', '"every" must be an integer 0..1000.', CONTROL_HEADERS);
      }
      return sendJson(res, 200, { every: voice.uplinkLossRtc(spec.every) }, CONTROL_HEADERS);
    }
    if (route === 'GET /__natter/voice/calls') return sendJson(res, 200, { calls: voice.calls() }, CONTROL_HEADERS);
    if (route === 'GET /__natter/voice/heard') return sendHeard(req, res, voice);
    return sendError(res, 404, 'not_found', `No test control ${route}.`, CONTROL_HEADERS);
  };
}
