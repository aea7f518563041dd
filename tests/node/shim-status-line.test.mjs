// The status line: the core's text, a per-second countdown while
// reconnecting (fake clock), Retry now / Use here, and the diagnosis line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatusLine } from '../../shim/ui/status-line.js';
import { createFakeDocument } from './fake-dom.mjs';

function fakeClock() {
  let t = 1000;
  let nextId = 1;
  const timers = new Map(); // id -> {at, fn}
  return {
    now: () => t,
    setTimeout: (fn, ms) => { timers.set(nextId, { at: t + ms, fn }); return nextId++; },
    clearTimeout: (id) => timers.delete(id),
    pending: () => timers.size,
    // Runs every timer due by now + ms, in time order.
    advance(ms) {
      const end = t + ms;
      for (;;) {
        const due = [...timers].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        t = due[1].at;
        due[1].fn();
      }
      t = end;
    },
  };
}

function setup() {
  const doc = createFakeDocument();
  const panel = doc.createElement('section');
  const body = doc.createElement('div');
  panel.appendChild(body);
  const clock = fakeClock();
  const clicks = [];
  const status = createStatusLine({ doc, parent: panel, before: body, onRetryNow: () => clicks.push('retry_now'),
    now: clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout });
  const part = (cls) => panel.byClass(cls)[0];
  return { panel, body, clock, clicks, status, part, announced: () => part('status').children[1].textContent };
}

const st = (fields) => ({ state: 'connected', text: 'Connected', retry_in_ms: -1, can_retry_now: false, diagnosis: '', ...fields });

test('hidden until the first status, then drawn before the conversation', () => {
  const { panel, body, status, part } = setup();
  assert.equal(part('status').hidden, true);
  status.show(st({}));
  assert.equal(part('status').hidden, false);
  assert.deepEqual(panel.children, [part('status'), body]);
  assert.equal(part('status-text').textContent, 'Connected');
  assert.equal(part('status').getAttribute('data-state'), 'connected');
  assert.equal(part('retry-now').hidden, true);
});

test('reconnecting counts down each second from retry_in_ms, announcing once', () => {
  const { clock, status, part, announced } = setup();
  status.show(st({ state: 'reconnecting', text: 'Reconnecting in 3 s…', retry_in_ms: 2500, can_retry_now: true }));
  const shown = () => part('status-text').textContent;
  assert.equal(shown(), 'Reconnecting in 3 s…');
  clock.advance(499);
  assert.equal(shown(), 'Reconnecting in 3 s…');
  clock.advance(1);
  assert.equal(shown(), 'Reconnecting in 2 s…');
  clock.advance(1000);
  assert.equal(shown(), 'Reconnecting in 1 s…');
  clock.advance(1000);
  assert.equal(shown(), 'Reconnecting…');
  assert.equal(clock.pending(), 0, 'the countdown stops at zero');
  assert.equal(announced(), 'Reconnecting in 3 s…', 'the live region keeps the core text');
});

test('a new status stops the countdown', () => {
  const { clock, status, part } = setup();
  status.show(st({ state: 'reconnecting', text: 'Reconnecting in 8 s…', retry_in_ms: 8000, can_retry_now: true }));
  status.show(st({ state: 'connecting', text: 'Reconnecting…' }));
  assert.equal(clock.pending(), 0);
  clock.advance(5000);
  assert.equal(part('status-text').textContent, 'Reconnecting…');
  status.show(st({ state: 'reconnecting', text: 'Reconnecting in 2 s…', retry_in_ms: 2000, can_retry_now: true }));
  status.dispose();
  assert.equal(clock.pending(), 0);
});

test('Retry now shows when the core allows it and sends retry_now_clicked; in "closed" it reads Use here', () => {
  const { status, part, clicks } = setup();
  status.show(st({ state: 'offline', text: "You're offline — messages will send when you're back.", can_retry_now: true }));
  assert.equal(part('retry-now').hidden, false);
  assert.equal(part('retry-now').textContent, 'Retry now');
  part('retry-now').fire('click');
  assert.deepEqual(clicks, ['retry_now']);
  status.show(st({ state: 'closed', text: 'This chat continued in another tab.', can_retry_now: true }));
  assert.equal(part('retry-now').textContent, 'Use here');
  status.show(st({}));
  assert.equal(part('retry-now').hidden, true);
});

test('the diagnosis is a second line, in a polite status region, hidden when empty', () => {
  const { status, part } = setup();
  const why = 'The chat service is temporarily unavailable (HTTP 503).';
  status.show(st({ state: 'reconnecting', text: 'Reconnecting in 1 s…', retry_in_ms: 900, can_retry_now: true, diagnosis: why }));
  const line = part('status-diagnosis');
  assert.equal(line.textContent, why);
  assert.equal(line.getAttribute('role'), 'status');
  assert.equal(line.getAttribute('aria-live'), 'polite');
  status.show(st({}));
  assert.equal(line.textContent, '');
});

test('clear (another conversation opens): hidden again, countdown stopped, nothing of the old status left', () => {
  const { clock, status, part, announced } = setup();
  status.show(st({ state: 'reconnecting', text: 'Reconnecting in 3 s…', retry_in_ms: 3000, can_retry_now: true, diagnosis: 'HTTP 503' }));
  status.clear();
  assert.equal(part('status').hidden, true);
  assert.equal(part('status').getAttribute('data-state'), null);
  assert.equal(part('status-text').textContent, '');
  assert.equal(announced(), '');
  assert.equal(part('status-diagnosis').textContent, '');
  assert.equal(part('retry-now').hidden, true);
  assert.equal(clock.pending(), 0, 'the old countdown stops');
  clock.advance(5000);
  assert.equal(part('status-text').textContent, '', 'and draws nothing later');
  status.show(st({ state: 'connecting', text: 'Connecting…' }));
  assert.equal(part('status').hidden, false);
  assert.equal(part('status-text').textContent, 'Connecting…');
});
