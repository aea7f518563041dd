// Writes the record beside the conversation, never in its way: enqueue()
// checks the event and queues it synchronously (no await, no I/O), and a
// drain loop stores the queue in batches of one transaction each. When
// the database is slow or down the queue waits and the shopper's reply
// does not: a failed batch stays at the head of the queue and is retried
// with exponential backoff (1/4 s doubling to 30 s), each failure counted.
// The queue is bounded: an event that does not fit is counted as dropped
// and logged once per interval, never silently lost. A batch the database
// rejects for its data (a constraint or type error: retrying cannot help)
// is retried one event at a time, and only the event it rejects alone is
// dropped, counted and logged. Writes are keyed (write-batch.mjs), so a
// retry after a lost commit answer stores nothing twice.
import client from 'prom-client';
import { checkEvent } from './record-events.mjs';

export const WRITER_DEFAULTS = { maxQueue: 10_000, batchSize: 200, retryMinMs: 250, retryMaxMs: 30_000, logEveryMs: 60_000 };

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint) on
// PostgreSQL; SQLite's constraint, type and size errors.
export function isRejection(error) {
  const code = String(error?.code ?? '');
  return /^2[23][0-9A-Z]{3}$/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

function writerMetrics(registry) {
  const on = { registers: [registry] };
  const metrics = {
    written: new client.Counter({ ...on, name: 'natter_record_events_written_total', help: 'Record events stored in the record database (a retried event counts once).' }),
    refused: new client.Counter({ ...on, name: 'natter_record_events_refused_total', help: 'Record events not stored because their conversation or visitor was erased after them.' }),
    failures: new client.Counter({ ...on, name: 'natter_record_write_failures_total', help: 'Record batches that failed to write (each is retried; see dropped for what was lost).' }),
    dropped: new client.Counter({
      ...on, name: 'natter_record_events_dropped_total', labelNames: ['reason'],
      help: 'Record events lost: queue_full (the queue was at its bound), rejected (the database refused the event itself).',
    }),
    queued: new client.Gauge({ ...on, name: 'natter_record_queue_length', help: 'Record events waiting to be written on this instance.' }),
  };
  for (const reason of ['queue_full', 'rejected']) metrics.dropped.inc({ reason }, 0);
  return metrics;
}

// `record`: openRecord's object (writeBatch). `registry`: the gateway's
// prom-client registry (ops/metrics.mjs), or a private one.
export function createRecordWriter({
  record, registry = new client.Registry(), log = (line) => console.error(line), now = Date.now,
  setTimer = setTimeout, clearTimer = clearTimeout, ...options
}) {
  const { maxQueue, batchSize, retryMinMs, retryMaxMs, logEveryMs } = { ...WRITER_DEFAULTS, ...options };
  const metrics = writerMetrics(registry);
  const queue = [];
  const totals = { written: 0, refused: 0, failures: 0, dropped: 0, rejected: 0 };
  let busy = false;
  let timer = null;
  let attempts = 0; // consecutive failed batches
  let oneByOne = 0; // events still to write singly after a rejected batch
  let closed = false;
  const lastLog = new Map();
  const idleWaiters = [];

  // One line per `kind` per interval, with how many times it happened since the last line.
  const counts = new Map();
  function logOnce(kind, line) {
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const last = lastLog.get(kind);
    if (last !== undefined && now() - last < logEveryMs) return;
    lastLog.set(kind, now());
    log(`record: ${line} (${counts.get(kind)} since the last such line)`);
    counts.set(kind, 0);
  }

  const setQueued = () => metrics.queued.set(queue.length);
  function schedule(delayMs) {
    if (timer !== null || closed) return;
    timer = setTimer(() => { timer = null; drain(); }, delayMs);
    timer.unref?.();
  }
  function settleIdle() {
    if (queue.length > 0 || busy) return;
    for (const resolve of idleWaiters.splice(0)) resolve(0);
  }

  async function drain() {
    if (busy || queue.length === 0) { settleIdle(); return; }
    busy = true;
    const size = oneByOne > 0 ? 1 : batchSize;
    const batch = queue.slice(0, size);
    try {
      const { stored, refused } = await record.writeBatch(batch);
      queue.splice(0, batch.length);
      if (oneByOne > 0) oneByOne -= batch.length;
      totals.written += stored; metrics.written.inc(stored);
      totals.refused += refused; metrics.refused.inc(refused);
      if (attempts > 0) log(`record: writing again after ${attempts} failed attempts; ${queue.length} events waiting`);
      attempts = 0;
    } catch (error) {
      totals.failures += 1; metrics.failures.inc();
      attempts += 1;
      if (isRejection(error) && batch.length > 1) {
        oneByOne = batch.length; // find the event the database refuses, keep the rest
      } else if (isRejection(error)) {
        queue.splice(0, 1);
        oneByOne = Math.max(0, oneByOne - 1);
        totals.rejected += 1; metrics.dropped.inc({ reason: 'rejected' });
        logOnce('rejected', `the database refused a ${batch[0].type} event (${error.code}: ${error.message}); dropped`);
        attempts = 0;
      } else {
        const delay = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(attempts - 1, 20));
        logOnce('unavailable', `write failed (${error.code ?? error.message}); ${queue.length} events waiting, retrying in ${delay} ms`);
        busy = false;
        setQueued();
        schedule(delay);
        return;
      }
    } finally {
      busy = false;
    }
    setQueued();
    if (queue.length > 0) schedule(0); else settleIdle();
  }

  return {
    // Checks the event (throws RecordEventError on a bad one) and queues it.
    // Returns true when queued, false when the queue was full (counted).
    enqueue(event) {
      const row = checkEvent(event);
      if (closed) return false;
      if (queue.length >= maxQueue) {
        totals.dropped += 1; metrics.dropped.inc({ reason: 'queue_full' });
        logOnce('queue_full', `queue full (${maxQueue} events waiting): a ${row.type} event was dropped`);
        return false;
      }
      queue.push(row);
      setQueued();
      if (attempts === 0) schedule(0);
      return true;
    },
    // Resolves the number of events still queued after at most `timeoutMs`
    // (0 when everything was written).
    flush({ timeoutMs = 5000 } = {}) {
      if (queue.length === 0 && !busy) return Promise.resolve(0);
      if (attempts > 0 && timer !== null) { clearTimer(timer); timer = null; schedule(0); } // try now, not at the backoff's end
      return new Promise((resolve) => {
        const done = setTimer(() => resolve(queue.length), timeoutMs);
        idleWaiters.push((n) => { clearTimer(done); resolve(n); });
      });
    },
    async close({ timeoutMs = 5000 } = {}) {
      const left = await this.flush({ timeoutMs });
      closed = true;
      if (timer !== null) { clearTimer(timer); timer = null; }
      if (left > 0) log(`record: closing with ${left} events not written`);
      return left;
    },
    stats: () => ({ queued: queue.length, ...totals }),
    // Also shows the writer's metrics in another registry (the gateway's /metrics).
    registerIn(other) {
      for (const m of Object.values(metrics)) if (!other.getSingleMetric(m.name)) other.registerMetric(m);
    },
  };
}
