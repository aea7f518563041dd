// Test controls under /__natter/ (only when startServer({testControls: true});
// otherwise those paths are 404):
//   GET  /__natter/stats   -> {requests: {<id>: n}, agent_runs: {<id>: n}, total_requests: n,
//                              ws_connections_open: {<session_id>: 1}, replacements: n}
//   POST /__natter/faults  {"chat": [fault, ...], "session": [fault, ...]} (either or both)
//                          -> {queued: <faults now pending, both queues>}  (see faults.mjs)
//   POST /__natter/session/kill  drops every live-session WebSocket (and stalled
//                          upgrade) abruptly, as a crash would: no close frame
//                          (clients see 1006); sessions stay held -> {killed: n}
//   GET  /__natter/visitor?conversation_id=…  -> {visitor: {id?, name?, email?} | null}:
//                          who that conversation's shopper is (visitor-book.mjs)
//   POST /__natter/reset   clears idempotency records, counters, faults, token faults and expiry, voice
//                          calls and voice faults, visitors, conversation transcripts (agents/transcripts.mjs),
//                          and live sessions
//                          (dropping their connections) -> {ok: true}
//   POST /__natter/voice/faults  {"drop": 0..1, "reorder": 0..1, "jitter_ms": n,
//                          "cut_after_ms": n|null, "seed"?: n} replaces the faults
//                          on the agent's audio frames (voice/voice-faults.mjs)
//                          -> {faults: {...now in force}}
//   GET  /__natter/voice/calls  -> {calls: [{session_id, call_id, open, greeted,
//                          utterances_sent, frames_received, bad_packets,
//                          segments_heard, barge_ins}, ...]}
//   POST /__natter/tokens/expire  (with requireToken) every token minted so far is
//                          refused from now on, as if all had expired; new ones work
//                          -> {ok: true}
//   POST /__natter/tokens/fail  {"count"?: n (1), "status"?: 4xx|5xx (503)}: the
//                          next n calls of GET /shop/natter-token answer that status
//                          -> {queued: n}
//   GET  /__natter/voice/recording?session_id=…  -> audio/wav (16-bit mono
//                          48 kHz): the shopper's decoded audio of that session's
//                          current or last call (its last 120 s); 404 when none
import { readBody, sendError, sendJson } from './http-util.mjs';
import { checkVoiceFaults } from './voice/voice-faults.mjs';

const CONTROL_HEADERS = { 'Access-Control-Allow-Origin': '*' };

// Resolves the parsed JSON body, or null after answering the error.
async function readJson(req, res, limit) {
  const body = await readBody(req, limit);
  if (!body.ok) {
    sendError(res, 413, 'body_too_large', 'Body too large.', CONTROL_HEADERS);
    return null;
  }
  try {
    return JSON.parse(body.text);
  } catch {
    sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.', CONTROL_HEADERS);
    return null;
  }
}

function sendRecording(req, res, voice) {
  const sessionId = new URL(req.url, 'http://localhost').searchParams.get('session_id');
  if (!sessionId) return sendError(res, 400, 'bad_request', 'Give ?session_id=…', CONTROL_HEADERS);
  const wav = voice.recording(sessionId);
  if (!wav) return sendError(res, 404, 'not_found', 'No voice call in that session.', CONTROL_HEADERS);
  res.writeHead(200, {
    'Content-Type': 'audio/wav', 'Content-Length': wav.length, 'Cache-Control': 'no-store', ...CONTROL_HEADERS,
  });
  return res.end(wav);
}

export function createTestControls({
  store, stats, faults, sessions, sessionEndpoint, voice, voiceFaults, visitors, transcripts, tokens = null,
}) {
  return async function handleControl(req, res, pathname) {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__natter/stats') return sendJson(res, 200, stats.toJSON(), CONTROL_HEADERS);
    if (route === 'POST /__natter/reset') {
      sessionEndpoint.kill();
      voice.reset();
      sessions.clear();
      visitors.clear();
      transcripts.clear();
      store.clear();
      stats.clear();
      faults.clear();
      tokens?.reset();
      return sendJson(res, 200, { ok: true }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/session/kill') {
      return sendJson(res, 200, { killed: sessionEndpoint.kill() }, CONTROL_HEADERS);
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
    if (route === 'GET /__natter/visitor') {
      const id = new URL(req.url, 'http://localhost').searchParams.get('conversation_id') ?? '';
      return sendJson(res, 200, { visitor: visitors.get(id) }, CONTROL_HEADERS);
    }
    if (route === 'GET /__natter/voice/calls') return sendJson(res, 200, { calls: voice.calls() }, CONTROL_HEADERS);
    if (route === 'GET /__natter/voice/recording') return sendRecording(req, res, voice);
    return sendError(res, 404, 'not_found', `No test control ${route}.`, CONTROL_HEADERS);
  };
}
