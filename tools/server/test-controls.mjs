// Test controls under /__natter/ (only when startServer({testControls: true});
// otherwise those paths are 404):
//   GET  /__natter/stats   -> {requests: {<key>: n}, agent_runs: {<key>: n}, total_requests: n}
//   POST /__natter/faults  {"chat": [fault, ...]} -> {queued: <faults now pending>}  (see faults.mjs)
//   POST /__natter/reset   clears idempotency records, counters and faults -> {ok: true}
import { readBody, sendError, sendJson } from './http-util.mjs';

const CONTROL_HEADERS = { 'Access-Control-Allow-Origin': '*' };

export function createTestControls({ store, stats, faults }) {
  return async function handleControl(req, res, pathname) {
    const route = `${req.method} ${pathname}`;
    if (route === 'GET /__natter/stats') return sendJson(res, 200, stats.toJSON(), CONTROL_HEADERS);
    if (route === 'POST /__natter/reset') {
      store.clear();
      stats.clear();
      faults.clear();
      return sendJson(res, 200, { ok: true }, CONTROL_HEADERS);
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
