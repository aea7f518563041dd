// The retention sweeps (tools/gateway/record/sweep-timer.mjs) on a clock
// the test controls: one at start, then one per hour, each removing what
// its kind's period no longer covers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRecord } from '../../tools/gateway/record/open-record.mjs';
import { startRetentionSweeps } from '../../tools/gateway/record/sweep-timer.mjs';
import { RETENTION_DEFAULTS } from '../../tools/gateway/record/retention.mjs';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

test('a sweep at start and every hour, on the clock given, each kind by its own period', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-sweeps-'));
  const record = await openRecord({ kind: 'sqlite', file: path.join(dir, 'r.sqlite') });
  t.after(async () => { await record.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  await record.writeBatch([
    { type: 'turn', id: 'm1', conversationId: 'c1', at: T0, role: 'shopper', text: 'hello' },
    { type: 'email', id: 'e1', conversationId: 'c1', at: T0, email: 'ana@example.com' },
  ].map(record.checkEvent));

  let clock = T0 + 10 * DAY;
  const timers = [];
  const lines = [];
  const sweeps = startRetentionSweeps({
    record, days: { ...RETENTION_DEFAULTS, conversations: 30, emails: 60 }, now: () => clock, log: (l) => lines.push(l),
    setTimer: (fn, ms) => { timers.push({ fn, ms }); return { unref() {} }; }, clearTimer: () => {},
  });
  assert.deepEqual(await sweeps.first, { conversations: 0, notes: 0, emails: 0, leads: 0, feedback: 0, events: 0, erasures: 0 });
  assert.equal(timers.length, 1);
  assert.equal(timers[0].ms, 3_600_000);

  clock = T0 + 31 * DAY; // the hour's tick, a month on
  assert.deepEqual(await timers[0].fn(), { conversations: 2, notes: 0, emails: 0, leads: 0, feedback: 0, events: 0, erasures: 0 });
  assert.equal(await record.getConversation('c1'), null);
  clock = T0 + 61 * DAY;
  assert.equal((await timers[0].fn()).emails, 1);
  assert.deepEqual(lines, ['[record] retention sweep removed 2 conversations', '[record] retention sweep removed 1 emails']);
});
