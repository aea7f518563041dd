// Test controls under /__natter/ (only when startServer({testControls: true});
// otherwise those paths are 404):
//   GET  /__natter/stats   -> {requests: {<id>: n}, agent_runs: {<id>: n}, total_requests: n,
//                              ws_connections_open: {<session_id>: 1}, replacements: n}
//   POST /__natter/faults  {"chat": [fault, ...], "session": [fault, ...]} (either or both)
//                          -> {queued: <faults now pending, both queues>}  (see faults.mjs)
//   POST /__natter/session/kill  drops every live-session WebSocket (and stalled
//                          upgrade) abruptly, as a crash would: no close frame
//                          (clients see 1006); sessions stay held -> {killed: n}
//   POST /__natter/reset   clears idempotency records, counters, faults, and
//                          live sessions (dropping their connections) -> {ok: true}
import { readBody, sendError, sendJson } from './http-util.mjs';

const CONTROL_HEADERS = { 'Access-Control-Allow-Origin': '*' };

export function createTestControls({ store, stats, faults, sessions, sessionEndpoint }) {
  return async function handleControl(req, res, pathname) {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__natter/stats') return sendJson(res, 200, stats.toJSON(), CONTROL_HEADERS);
    if (route === 'POST /__natter/reset') {
      sessionEndpoint.kill();
      sessions.clear();
      store.clear();
      stats.clear();
      faults.clear();
      return sendJson(res, 200, { ok: true }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/session/kill') {
      return sendJson(res, 200, { killed: sessionEndpoint.kill() }, CONTROL_HEADERS);
    }
    if (route === 'POST /__natter/faults') {
      const body = await readBody(req, 256 * 1024);
      if (!body.ok) return sendError(res, 413, 'body_too_large', 'Fault list too large.', CONTROL_HEADERS);
      let spec;
      try {
        spec = JSON.parse(body.text);
      } catch {
        return sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.', CONTROL_HEADERS);
      }
      const problem = faults.add(spec);
      if (problem) return sendError(res, 400, 'bad_fault', problem, CONTROL_HEADERS);
      return sendJson(res, 200, { queued: faults.pending }, CONTROL_HEADERS);
    }
    return sendError(res, 404, 'not_found', `No test control ${route}.`, CONTROL_HEADERS);
  };
}
