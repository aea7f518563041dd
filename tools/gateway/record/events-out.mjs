// Events out (docs/record.md, "Events out"): the shop's systems are told
// when a conversation starts, a handoff is asked for, an email is left, a
// lead is created and feedback is given, by a signed POST to the shop's
// URL (NATTER_EVENTS_URL), signed like the agent webhook (Natter-Signature,
// agents/webhook-signature.mjs) with NATTER_EVENTS_SECRET.
//
// The record is the source: write-batch.mjs writes each event into
// events_out in the transaction that stores its row (an outbox), with an
// id made from that row's, so a batch written twice, or by two instances,
// queues it once. A sender (one per instance) claims due events by moving
// their next_at forward in one conditional UPDATE (so two instances never
// send one at the same time), posts each, and marks it delivered on a 2xx;
// otherwise it tries again later (1 s, doubling, at most 1 h apart), up to
// MAX_ATTEMPTS. A shop sees an event at least once: a retry after a lost
// answer repeats it, with the same Natter-Event-Id to drop the repeat by.
// An admin may replay a range from the record (replayEvents): the same ids
// are sent again.
import client from 'prom-client';
import { signatureHeader, SIGNATURE_HEADER } from '../agents/webhook-signature.mjs';

export const EVENT_TYPES = ['conversation.started', 'handoff.requested', 'email.left', 'lead.created', 'feedback.given'];
export const MAX_ATTEMPTS = 12; // 1 s doubling, capped at 1 h: about 5 hours of trying
const RETRY_CAP_MS = 3_600_000;
const CLAIM_MS = 30_000; // a claimed event is tried again after this if its sender died mid-post
export const retryDelayMs = (attempts) => Math.min(RETRY_CAP_MS, 1000 * 2 ** Math.max(0, attempts - 1));

// The event a stored record row makes, or null (pure). `row`: a checked
// row (record-events.mjs).
export function eventOfRow(row) {
  const base = { conversationId: row.conversationId, at: row.at };
  switch (row.type) {
    case 'handoff':
      return row.event === 'requested'
        ? { ...base, id: `handoff.requested:${row.id}`, type: 'handoff.requested', data: { by: row.by ?? null, reason: row.reason ?? null } } : null;
    case 'email': return { ...base, id: `email.left:${row.id}`, type: 'email.left', data: { email: row.email, text: row.text ?? null } };
    case 'lead': return { ...base, id: `lead.created:${row.id}`, type: 'lead.created', data: { kind: row.kind, source: row.source, data: row.data === null ? null : JSON.parse(row.data) } };
    case 'feedback':
      return {
        ...base, id: `feedback.given:${row.id}:${row.at}`, type: 'feedback.given',
        data: { kind: row.kind, answer_id: row.answerId ?? null, rating: row.rating, reason: row.reason ?? null },
      };
    default: return null;
  }
}

export const startedEvent = (conversationId, at, visitorId) => ({
  id: `conversation.started:${conversationId}`, type: 'conversation.started', conversationId, at, data: { visitor_id: visitorId ?? null },
});

// Inside write-batch's transaction: queued once per id.
export function queueEvent(tx, event) {
  return tx.run(`INSERT INTO events_out (id, type, conversation_id, at, data, next_at)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  [event.id, event.type, event.conversationId, event.at, JSON.stringify(event.data), event.at]);
}

// What the shop receives (docs/record.md shows it).
export function eventBody(row) {
  return JSON.stringify({ id: row.id, type: row.type, at: new Date(Number(row.at)).toISOString(), conversation_id: row.conversation_id, data: JSON.parse(row.data ?? 'null') });
}

// Up to `limit` due events, each claimed for this sender (others skip it).
export async function claimDue(driver, { now, limit = 20 }) {
  const due = await driver.all(`SELECT * FROM events_out WHERE delivered_at IS NULL AND next_at <= ? AND attempts < ?
    ORDER BY next_at, at, id LIMIT ?`, [now, MAX_ATTEMPTS, limit]);
  const claimed = [];
  for (const row of due) {
    const { changes } = await driver.run('UPDATE events_out SET next_at = ? WHERE id = ? AND next_at = ? AND delivered_at IS NULL',
      [now + CLAIM_MS, row.id, row.next_at]);
    if (changes === 1) claimed.push(row);
  }
  return claimed;
}

export function markDelivered(driver, id, now) {
  return driver.run('UPDATE events_out SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?', [now, id]);
}

export function markFailed(driver, row, now, reason) {
  const attempts = Number(row.attempts) + 1;
  return driver.run('UPDATE events_out SET attempts = ?, next_at = ?, last_error = ? WHERE id = ?',
    [attempts, now + retryDelayMs(attempts), String(reason).slice(0, 200), row.id]);
}

// Every event of [from, to) (ms) is sent again, delivered or given up on;
// resolves how many.
export async function replayEvents(driver, { from, to, now = Date.now() }) {
  const { changes } = await driver.run(`UPDATE events_out SET delivered_at = NULL, attempts = 0, next_at = ?, last_error = NULL
    WHERE at >= ? AND at < ?`, [now, from, to]);
  return changes;
}

// What is waiting and what failed, for /metrics and support.
export async function eventCounts(driver) {
  const [row] = await driver.all(`SELECT
    SUM(CASE WHEN delivered_at IS NULL AND attempts < ? THEN 1 ELSE 0 END) AS pending,
    SUM(CASE WHEN delivered_at IS NULL AND attempts >= ? THEN 1 ELSE 0 END) AS given_up
    FROM events_out`, [MAX_ATTEMPTS, MAX_ATTEMPTS]);
  return { pending: Number(row?.pending ?? 0), givenUp: Number(row?.given_up ?? 0) };
}

// One sender's round: claims what is due and posts it, one at a time, each
// within `timeoutMs`. `record`: openRecord's (its events methods).
// Resolves how many it claimed. `stopped()`: true once the gateway closes
// (the rest of the round's claims are left to be tried again in CLAIM_MS).
// `registry`: where its counters go (prom-client; the gateway's /metrics).
// `log`: told when posting starts failing for a new reason (a refused
// certificate, an error status) and when it works again: once per change,
// not per attempt, and with the endpoint's origin only (its path or query
// may hold a key).
export function createEventSender({
  record, url, secret, now = Date.now, fetchImpl = fetch, timeoutMs = 10_000, stopped = () => false, registry = new client.Registry(),
  log = () => {},
}) {
  const origin = new URL(url).origin;
  let problem = null; // the last failure's reason, until a post works
  const on = { registers: [registry] };
  const delivered = new client.Counter({ ...on, name: 'natter_events_out_delivered_total', help: 'Events out the shop\'s endpoint answered 2xx (a replayed or repeated event counts again).' });
  const failed = new client.Counter({ ...on, name: 'natter_events_out_failed_attempts_total', help: 'Posts of events out that failed (an error status, a timeout, no answer); each is tried again later.' });
  async function send(row) {
    const body = eventBody(row);
    try {
      const res = await fetchImpl(url, {
        method: 'POST', body, signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'Content-Type': 'application/json', [SIGNATURE_HEADER]: signatureHeader(body, secret, now() / 1000),
          'Natter-Event-Id': row.id, 'Natter-Event-Type': row.type,
        },
      });
      await res.arrayBuffer().catch(() => {});
      if (res.ok) {
        if (problem !== null) log(`[record] events out: ${origin} accepts events again`);
        problem = null;
        delivered.inc();
        return record.events.delivered(row.id, now());
      }
      return fail(row, `HTTP ${res.status}`);
    } catch (error) {
      return fail(row, error?.name === 'TimeoutError' ? 'timeout' : (error?.cause?.code ?? error?.message ?? 'error'));
    }
  }
  function fail(row, reason) {
    failed.inc();
    if (reason !== problem) log(`[record] events out: posting to ${origin} failed (${reason}); each event is tried again later`);
    problem = reason;
    return record.events.failed(row, now(), reason);
  }
  return {
    registry,
    async runOnce() {
      const rows = await record.events.claim({ now: now() });
      for (const row of rows) {
        if (stopped()) break;
        await send(row);
      }
      return rows.length;
    },
  };
}

// The gateway's sender: a round every `everyMs`, at once again after a
// round that found work. Returns { stop() → Promise }.
export function startEventSender({ log = () => {}, everyMs = 1000, ...options }) {
  let stopped = false;
  let timer = null;
  let running = Promise.resolve();
  const sender = createEventSender({ ...options, log, stopped: () => stopped });
  const tick = () => {
    if (stopped) return;
    running = sender.runOnce().catch((error) => { log(`[record] events out: ${error.message}`); return 0; })
      .then((n) => { if (!stopped) timer = setTimeout(tick, n > 0 ? 0 : everyMs); });
  };
  timer = setTimeout(tick, 0);
  return {
    // Also shows its counters in the gateway's registry.
    registerIn(other) {
      for (const m of sender.registry.getMetricsAsArray()) if (!other.getSingleMetric(m.name)) other.registerMetric(m);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
