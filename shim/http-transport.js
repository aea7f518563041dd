// Carries out the core's http_request and http_abort effects with fetch, and
// reports back as events carrying the same request_id:
//   http_responded {status, retry_after_ms}   once the headers are in
//   http_body {chunk}                          each decoded piece of the body
//   http_ended                                 the body ended normally
//   http_failed {reason}                       below HTTP: refused, reset, cut
// The body is decoded with one streaming TextDecoder per request, so a
// UTF-8 character split across network chunks arrives whole. Nothing here
// judges a status or retries: the core does (it answers a non-2xx status
// with http_abort, which stops the body here).
//
// After http_abort (or a core-side timeout) the request goes quiet: no
// further events are sent for it. The core would drop them anyway, since a
// stale request_id never acts; staying quiet keeps the logs honest.

import { parseRetryAfter } from './retry-after.js';

export function createHttpTransport({ fetch, dispatch, wallNow }) {
  const live = new Map(); // request_id -> AbortController

  function report(id, event) {
    if (live.has(id)) dispatch({ ...event, request_id: id });
  }

  async function stream(id, response, signal) {
    if (!response.body) {
      // Environments without streaming bodies: one chunk, same events.
      const text = await response.text();
      if (text) report(id, { type: 'http_body', chunk: text });
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder('utf-8');
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (signal.aborted || !live.has(id)) return;
        const chunk = decoder.decode(value, { stream: true });
        if (chunk) report(id, { type: 'http_body', chunk });
      }
    } finally {
      if (signal.aborted) reader.cancel().catch(() => {});
    }
    const tail = decoder.decode();
    if (tail) report(id, { type: 'http_body', chunk: tail });
  }

  async function run(effect, controller) {
    const id = effect.request_id;
    const { signal } = controller;
    let response;
    try {
      response = await fetch(effect.url, {
        method: effect.method,
        headers: effect.headers,
        body: effect.body,
        signal,
        cache: 'no-store',
        credentials: 'omit', // the agent endpoint is told who we are by conversation_id, not cookies
      });
    } catch {
      report(id, { type: 'http_failed', reason: 'network error' });
      return;
    }
    report(id, {
      type: 'http_responded',
      status: response.status,
      retry_after_ms: parseRetryAfter(response.headers.get('retry-after'), wallNow()),
    });
    if (!live.has(id)) return; // the core answered with http_abort
    try {
      await stream(id, response, signal);
    } catch {
      report(id, { type: 'http_failed', reason: 'connection lost during the reply' });
      return;
    }
    report(id, { type: 'http_ended' });
  }

  function start(effect) {
    const controller = new AbortController();
    live.set(effect.request_id, controller);
    return run(effect, controller).finally(() => {
      if (live.get(effect.request_id) === controller) live.delete(effect.request_id);
    });
  }

  function abort(requestId) {
    const controller = live.get(requestId);
    if (!controller) return;
    live.delete(requestId);
    controller.abort();
  }

  function abortAll() {
    for (const id of [...live.keys()]) abort(id);
  }

  return { start, abort, abortAll };
}
