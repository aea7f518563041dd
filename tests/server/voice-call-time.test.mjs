// The record's voice minutes, bounded (tools/gateway/voice/call-time.mjs),
// on a fake clock: what is reported to the record, how often, and that the
// reported totals are exactly the time the calls streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCallTime } from '../../tools/gateway/voice/call-time.mjs';

function harness({ everyMs = 60_000, rowsPerSession = 16 } = {}) {
  let clock = 0;
  const reports = [];
  const totals = { voice_time_stretches_merged: 0, voice_time_calls_merged: 0 };
  const callTime = createCallTime({
    report: (sessionId, row) => reports.push({ sessionId, ...row }), everyMs, rowsPerSession, now: () => clock, totals,
  });
  const session = { id: 's-1' };
  const call = (id) => ({ id, session });
  // The newest report of each row: what the record keeps (the larger total wins).
  const kept = () => Object.values(Object.fromEntries(reports.map((r) => [`${r.callId}:${r.startedAt}`, r])));
  return { callTime, reports, totals, session, call, kept, tick: (ms) => { clock += ms; } };
}

test('a thousand short stretches of one call: two reports, and the total is exact', () => {
  const h = harness();
  const c = h.call('call-1');
  for (let i = 0; i < 1000; i += 1) {
    h.callTime.started(c);
    h.tick(7);
    h.callTime.ended(c);
    h.tick(3); // between stretches: not voice time
  }
  assert.equal(h.reports.length, 1, 'the first stretch, at its end');
  h.callTime.forget(h.session);
  assert.equal(h.reports.length, 2, 'and the rest when the session ends');
  assert.deepEqual(h.kept(), [{ sessionId: 's-1', callId: 'call-1', startedAt: 0, ms: 7000 }]);
  assert.equal(h.totals.voice_time_stretches_merged, 999);
  h.callTime.forget(h.session);
  assert.equal(h.reports.length, 2, 'a session forgotten twice reports nothing more');
});

test('a long call is reported by the sweep at most once per interval, its running time included', () => {
  const h = harness({ everyMs: 60_000 });
  const c = h.call('call-long');
  h.callTime.started(c);
  h.tick(30_000); h.callTime.sweep();
  h.tick(30_000); h.callTime.sweep(); // 30 s after the last report: not yet
  h.tick(30_000); h.callTime.sweep();
  h.tick(10_000); h.callTime.ended(c); // within the interval: waits for the end
  h.tick(60_000); h.callTime.sweep(); // grew since the last report: written
  h.callTime.forget(h.session); // nothing new
  assert.deepEqual(h.reports.map((r) => r.ms), [30_000, 90_000, 100_000]);
});

test('calls past the session\'s rows add their time to its newest row: the session\'s total stays whole', () => {
  const h = harness({ rowsPerSession: 2 });
  for (const id of ['a', 'b', 'c', 'd', 'c']) {
    const c = h.call(id);
    h.callTime.started(c);
    h.tick(1000);
    h.callTime.ended(c);
  }
  h.callTime.forget(h.session);
  assert.deepEqual(h.kept().map((r) => [r.callId, r.ms]), [['a', 1000], ['b', 4000]]);
  assert.equal(h.totals.voice_time_calls_merged, 3);
});
