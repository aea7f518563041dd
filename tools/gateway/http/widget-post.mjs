// The opening the widget's small POST endpoints share (feedback, actions):
// the body read within its size and time limits, the shop token checked
// when the gateway requires one, then the JSON parsed. Each endpoint checks
// the parsed value itself (null: not JSON).
//
//   const body = await readWidgetPost(req, res, { maxBody, timeoutMs, tokens });
//   if (body === ANSWERED) return; // refused already (body or token)
import { answerBodyFailure, readBody, sendError } from './http-util.mjs';
import { CORS_HEADERS } from './chat-endpoint.mjs';
import { bearerToken } from '../auth/access-tokens.mjs';

export const ANSWERED = Symbol('answered');

export async function readWidgetPost(req, res, { maxBody, timeoutMs, tokens = null }) {
  const read = await readBody(req, maxBody, { timeoutMs });
  if (!read.ok) {
    answerBodyFailure(res, read, maxBody, CORS_HEADERS);
    return ANSWERED;
  }
  if (tokens && !tokens.verify(bearerToken(req.headers.authorization)).ok) {
    sendError(res, 401, 'unauthorized', 'A valid shop token is required.', { ...CORS_HEADERS, 'WWW-Authenticate': 'Bearer' });
    return ANSWERED;
  }
  try {
    return JSON.parse(read.text || 'null');
  } catch {
    return null;
  }
}
