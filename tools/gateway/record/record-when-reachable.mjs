// Opens the record without letting an unreachable database keep the chat
// down: at start, a PostgreSQL that does not answer (refused, timed out,
// a name not yet resolvable: a deploy where the database comes up after
// the gateway, or a brief outage) is tried again in the background, with
// backoff, while the gateway serves shoppers. Until it is reached, writes
// fail (record-writer.mjs keeps them queued, bounded, and retries) and
// staff reads answer 503 `record_unavailable`. What retrying cannot fix (a
// wrong password or database name, a SQLite file that cannot be written,
// a failed migration) still stops the start with its reason.
//
//   const record = await openRecordWhenReachable(setting, { onError, log });
//   record.reachable   false until the database was opened
import { openRecord } from './open-record.mjs';

export const REACH_DEFAULTS = { retryMinMs: 1_000, retryMaxMs: 30_000 };

export class RecordUnavailable extends Error {
  code = 'record_unavailable';
}

// Errors of a database that may answer later: network errors, PostgreSQL
// starting up or shutting down (57P03, 57P01), too many connections (53300).
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
export function isUnreachable(error) {
  const code = String(error?.code ?? '');
  if (NETWORK.has(code) || ['57P01', '57P03', '53300'].includes(code)) return true;
  // pg's own connect timeout and a socket closed before the startup answer carry no code.
  return /timeout exceeded when trying to connect|Connection terminated (unexpectedly|due to connection timeout)/i.test(String(error?.message));
}

const METHODS = ['writeBatch', 'getConversation', 'holdsConversation', 'listConversations', 'conversationsInRange', 'eraseConversation',
  'eraseVisitor', 'listErasures', 'sweep', 'analytics', 'ping'];

export async function openRecordWhenReachable(setting, {
  onError, log = () => {}, open = openRecord, setTimer = setTimeout, clearTimer = clearTimeout, events = false, ...options
} = {}) {
  const { retryMinMs, retryMaxMs } = { ...REACH_DEFAULTS, ...options };
  try {
    return Object.assign(await open(setting, { onError, events }), { reachable: true });
  } catch (error) {
    if (setting.kind !== 'postgres' || !isUnreachable(error)) throw error;
    log(`[record] the database does not answer (${error.message}); the chat runs, record events wait in the queue, trying again`);
  }

  let opened = null;
  let closed = false;
  let timer = null;
  let waitMs = retryMinMs;
  const unavailable = () => Promise.reject(new RecordUnavailable('the record database has not been reached yet'));
  const late = { kind: setting.kind, reachable: false, close: async () => { closed = true; clearTimer(timer); await opened?.close(); } };
  for (const name of METHODS) late[name] = (...args) => (opened ? opened[name](...args) : unavailable());
  late.events = Object.fromEntries(['claim', 'delivered', 'failed', 'replay', 'counts']
    .map((name) => [name, (...args) => (opened ? opened.events[name](...args) : unavailable())]));

  function retry() {
    timer = setTimer(async () => {
      if (closed) return;
      try {
        const record = await open(setting, { onError, events });
        if (closed) { await record.close(); return; }
        opened = record;
        late.reachable = true;
        late.schema = record.schema;
        log('[record] the database answers now: the record is open');
      } catch (error) {
        if (!isUnreachable(error)) log(`[record] opening the database failed: ${error.message}; trying again`);
        waitMs = Math.min(waitMs * 2, retryMaxMs);
        if (!closed) retry();
      }
    }, waitMs);
    timer.unref?.();
  }
  retry();
  return late;
}
