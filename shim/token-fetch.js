// Carries out the core's token_requested effect: a GET to the shop's own
// token endpoint (data-token-url) with the shop's cookies, and reports back
//   token_received {request_id, token, expires_in_s}   a usable answer
//   token_failed {request_id, status, reason}           anything else
// status is the endpoint's HTTP status (0: no answer, a timeout, or a 2xx
// whose body is not {"token": "<string>", "expires_in": <seconds>}); reason
// says what went wrong when the status alone does not ("" for an error status).
// Nothing here retries or caches: the core decides when to ask again. The
// token is never logged or stored; reasons never quote the body.

export const TOKEN_TIMEOUT_MS = 8000;

// A token travels in a header and a JSON frame: printable ASCII, bounded.
const TOKEN_SHAPE = /^[\x21-\x7e]{1,4096}$/;

export function createTokenFetch({ fetch, dispatch, setTimeout, clearTimeout, timeoutMs = TOKEN_TIMEOUT_MS }) {
  async function ask(url, signal) {
    let response;
    try {
      response = await fetch(url, {
        method: 'GET',
        credentials: 'include', // the shop knows its shopper by its own cookies
        cache: 'no-store',
        headers: { Accept: 'application/json' },
        signal,
      });
    } catch {
      return { status: 0, reason: signal.aborted ? `no answer within ${timeoutMs} ms` : 'network error' };
    }
    if (!response.ok) return { status: response.status, reason: '' }; // the status says it all
    let body;
    try {
      body = await response.json();
    } catch {
      return { status: 0, reason: signal.aborted ? `no answer within ${timeoutMs} ms` : 'the answer is not JSON' };
    }
    const token = body?.token;
    const expiresIn = body?.expires_in;
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) {
      return { status: 0, reason: 'the answer has no usable "token" string' };
    }
    if (!Number.isSafeInteger(expiresIn) || expiresIn <= 0) {
      return { status: 0, reason: 'the answer has no positive integer "expires_in" (seconds)' };
    }
    return { token, expiresIn };
  }

  // Resolves once the answer has been dispatched (tests await it).
  return async function fetchToken(effect) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let answer;
    try {
      answer = await ask(effect.url, controller.signal);
    } finally {
      clearTimeout(timer);
    }
    if (answer.token !== undefined) {
      dispatch({ type: 'token_received', request_id: effect.request_id, token: answer.token, expires_in_s: answer.expiresIn });
    } else {
      dispatch({ type: 'token_failed', request_id: effect.request_id, status: answer.status, reason: answer.reason });
    }
  };
}
