// The `webhook` adapter: each turn is POSTed to the shop's URL, signed
// (webhook-signature.mjs), and the shop streams the reply back as
// server-sent events (Content-Type text/event-stream) or NDJSON (one
// {"event", "data"} object per line; application/x-ndjson, application/jsonl
// or application/json): `delta` and `card` events, then `done`; `error` fails
// the turn; `start` is ignored (the gateway mints the reply id).
//
// Request: POST <url>, body = the turn (index.mjs) as JSON (with the
// message's photos, base64, in `attachments`: docs/agents.md), headers
//   Content-Type: application/json
//   Natter-Signature: t=…,v1=…   (HMAC-SHA256 with the shared secret)
//   Idempotency-Key: <message_id> (the same on every call for this message)
// Failures (the turn fails, the shopper gets Retry; the log says why): the
// shop unreachable, no answer or no new bytes for `timeoutMs`, any non-2xx
// status, a redirect, a body of another type, malformed events, and a
// stream that ends without `done`.
import { AgentError } from './agent-error.mjs';
import { StreamError, parseJson, readLines, readSse, silenceTimer } from './event-stream.mjs';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature.mjs';

export const DEFAULT_TIMEOUT_MS = 15_000;

async function* ndjsonEvents(lines) {
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const value = parseJson(line, 'an NDJSON line');
    yield { event: value?.event, data: value?.data ?? {} };
  }
}

async function* sseEvents(lines) {
  for await (const { event, data } of readSse(lines)) yield { event, data: parseJson(data, `the ${event} event's data`) };
}

function streamKind(contentType) {
  const type = String(contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/event-stream') return sseEvents;
  if (['application/x-ndjson', 'application/jsonl', 'application/json'].includes(type)) return ndjsonEvents;
  return null;
}

// `url`: the shop's endpoint; `secret`: the shared signing secret;
// `timeoutMs`: longest silence (before the answer and between chunks);
// `fetchImpl` and `now` (ms) are injectable for tests.
export function createWebhookAgent({ url, secret, timeoutMs = DEFAULT_TIMEOUT_MS, fetchImpl = fetch, now = Date.now }) {
  return {
    name: 'webhook',
    paced: false,
    async* reply(turn, { signal } = {}) {
      const body = JSON.stringify(turn);
      const controller = new AbortController();
      const onShutdown = () => controller.abort(new AgentError('the gateway is closing'));
      signal?.addEventListener('abort', onShutdown, { once: true });
      const timer = silenceTimer(controller, timeoutMs, () => new AgentError(`no answer from the shop for ${timeoutMs} ms`));
      const failure = (error) => (controller.signal.aborted ? controller.signal.reason
        : error instanceof AgentError ? error
          : new AgentError(`${error instanceof StreamError ? 'bad stream' : 'shop unreachable'}: ${error?.cause?.code ?? error?.message ?? error}`));
      try {
        let res;
        try {
          res = await fetchImpl(url, {
            method: 'POST',
            body,
            redirect: 'error',
            signal: controller.signal,
            headers: {
              'Content-Type': 'application/json',
              Accept: 'text/event-stream, application/x-ndjson',
              'Idempotency-Key': turn.message_id,
              [SIGNATURE_HEADER]: signatureHeader(body, secret, now() / 1000),
            },
          });
        } catch (error) {
          throw failure(error);
        }
        if (!res.ok) throw new AgentError(`the shop answered ${res.status}`);
        const events = streamKind(res.headers.get('content-type'));
        if (!events) throw new AgentError(`the shop answered Content-Type ${res.headers.get('content-type')}, not text/event-stream or application/x-ndjson`);
        timer.poke();
        try {
          for await (const event of events(readLines(res.body))) {
            timer.poke();
            if (event.event === 'done') return;
            if (event.event === 'error') throw new AgentError(`the shop sent error ${JSON.stringify(event.data?.code ?? '')}`);
            if (event.event === 'start') continue;
            yield event; // delta, card, or anything else for agentReply to refuse with a log line
          }
        } catch (error) {
          throw failure(error);
        }
        throw new AgentError('the shop\'s stream ended without done');
      } finally {
        timer.pause();
        signal?.removeEventListener('abort', onShutdown);
        controller.abort(); // releases the connection when the reply ended early
      }
    },
  };
}
