// core-host: one event in, effects carried out in order, ONE timer armed
// for the core's next deadline. A fake core replays scripted answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoreHost } from '../../shim/core-host.js';
import { fakeClock } from './fake-clock.mjs';

// answers: map from event type to {effects, deadline}, or to a function
// giving the core's raw output (or throwing, as a trap does).
function fakeCore(answers) {
  const core = {
    fed: [],
    deadline: -1,
    deleted: false,
    handle(json, now) {
      const event = JSON.parse(json);
      core.fed.push({ event, now });
      if (typeof answers[event.type] === 'function') return answers[event.type]();
      const a = answers[event.type] ?? { effects: [] };
      if ('deadline' in a) core.deadline = a.deadline;
      return JSON.stringify(a.effects);
    },
    nextDeadline: () => core.deadline,
    delete() { core.deleted = true; },
  };
  return core;
}

const silent = { error() {} };

test('effects are carried out in the order the core returned them, and returned', () => {
  const clock = fakeClock();
  const core = fakeCore({ send_clicked: { effects: [{ type: 'clear_composer' }, { type: 'user_message_shown' }] } });
  const ran = [];
  const host = createCoreHost({ core, runEffect: (e) => ran.push(e.type), ...clock, console: silent });
  const out = host.dispatch({ type: 'send_clicked', text: 'hi' });
  assert.deepEqual(ran, ['clear_composer', 'user_message_shown']);
  assert.deepEqual(out.map((e) => e.type), ['clear_composer', 'user_message_shown']);
  assert.deepEqual(core.fed[0], { event: { type: 'send_clicked', text: 'hi' }, now: 1000 });
});

test('one timer is armed for the next deadline and re-armed, never stacked', () => {
  const clock = fakeClock();
  const core = fakeCore({ send_clicked: { effects: [], deadline: 1500 }, composer_changed: { effects: [], deadline: 1200 } });
  const host = createCoreHost({ core, runEffect() {}, ...clock, console: silent });
  host.dispatch({ type: 'send_clicked', text: 'hi' });
  assert.equal(clock.timers.size, 1);
  assert.equal([...clock.timers.values()][0].ms, 500);
  clock.t = 1100;
  host.dispatch({ type: 'composer_changed', chars: 2 });
  assert.equal(clock.timers.size, 1, 'the old timer was cleared');
  assert.equal([...clock.timers.values()][0].ms, 100);
});

test('the timer feeds tick at the deadline, and no timer is armed at -1', () => {
  const clock = fakeClock();
  const core = fakeCore({ send_clicked: { effects: [], deadline: 1300 }, tick: { effects: [{ type: 'http_request' }], deadline: -1 } });
  const ran = [];
  const host = createCoreHost({ core, runEffect: (e) => ran.push(e.type), ...clock, console: silent });
  host.dispatch({ type: 'send_clicked', text: 'hi' });
  clock.advance(1299);
  assert.equal(core.fed.length, 1, 'not early');
  clock.advance(1310);
  assert.deepEqual(core.fed[1], { event: { type: 'tick' }, now: 1310 });
  assert.deepEqual(ran, ['http_request']);
  assert.equal(clock.timers.size, 0);
});

test('a deadline already past fires on the next turn (delay 0, not negative)', () => {
  const clock = fakeClock();
  const core = fakeCore({ send_clicked: { effects: [], deadline: 900 } });
  const host = createCoreHost({ core, runEffect() {}, ...clock, console: silent });
  host.dispatch({ type: 'send_clicked', text: 'x' });
  assert.equal([...clock.timers.values()][0].ms, 0);
});

test('an event dispatched from inside an effect is fed after the current one, not nested', () => {
  const clock = fakeClock();
  const core = fakeCore({ host_send: { effects: [{ type: 'host_event' }] }, send_clicked: { effects: [{ type: 'log' }] } });
  const order = [];
  let host;
  const runEffect = (e) => {
    order.push('run ' + e.type + ' after ' + core.fed.length + ' fed');
    if (e.type === 'host_event') {
      const nested = host.dispatch({ type: 'send_clicked', text: 'again' });
      assert.deepEqual(nested, []);
    }
  };
  host = createCoreHost({ core, runEffect, ...clock, console: silent });
  host.dispatch({ type: 'host_send', text: 'hi' });
  assert.deepEqual(core.fed.map((f) => f.event.type), ['host_send', 'send_clicked']);
  assert.deepEqual(order, ['run host_event after 1 fed', 'run log after 2 fed']);
});

test('an effect that throws is reported and the rest still run', () => {
  const clock = fakeClock();
  const core = fakeCore({ tick: { effects: [{ type: 'a' }, { type: 'b' }] } });
  const errors = [];
  const ran = [];
  const host = createCoreHost({
    core, ...clock, console: { error: (...a) => errors.push(a.join(' ')) },
    runEffect: (e) => { if (e.type === 'a') throw new Error('boom'); ran.push(e.type); },
  });
  host.dispatch({ type: 'tick' });
  assert.deepEqual(ran, ['b']);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /effect a failed/);
});

test('dispose clears the timer and frees the core', () => {
  const clock = fakeClock();
  const core = fakeCore({ tick: { effects: [], deadline: 5000 } });
  const host = createCoreHost({ core, runEffect() {}, ...clock, console: silent });
  host.dispatch({ type: 'tick' });
  host.dispose();
  assert.equal(clock.timers.size, 0);
  assert.equal(core.deleted, true);
});

// A failed core's memory is not trusted: a trap unwinds without finishing
// the turn or restoring the module's stack pointer. The host feeds it
// nothing more and tells the widget once (boot.js restarts or stops it).
for (const [what, answer] of [
  ['traps', () => { throw new Error('RuntimeError: unreachable'); }],
  ['returns output that is not JSON', () => 'not json'],
]) {
  test(`a core that ${what} is fed nothing more: onFailed once, no timer, not freed`, () => {
    const clock = fakeClock();
    const core = fakeCore({
      send_clicked: { effects: [], deadline: 5000 },
      host_send: { effects: [{ type: 'host_event' }] },
      boom: answer,
    });
    const failures = [];
    const errors = [];
    let host;
    // The failing event is dispatched from inside an effect, with one more
    // after it: that queued one is dropped too.
    const runEffect = (e) => {
      if (e.type !== 'host_event') return;
      host.dispatch({ type: 'boom' });
      host.dispatch({ type: 'send_clicked', text: 'queued' });
    };
    host = createCoreHost({
      core, runEffect, ...clock, console: { error: (...a) => errors.push(a) }, onFailed: (err, event) => failures.push([err, event]),
    });
    host.dispatch({ type: 'send_clicked', text: 'hi' });
    assert.equal(clock.timers.size, 1, 'a deadline armed before the failure');
    host.dispatch({ type: 'host_send', text: 'x' });
    assert.deepEqual(core.fed.map((f) => f.event.type), ['send_clicked', 'host_send', 'boom'], 'the queued event was not fed');
    assert.deepEqual(failures.map(([err, event]) => [err instanceof Error, event.type]), [[true, 'boom']]);
    assert.equal(errors.length, 1, 'reported once');
    assert.equal(clock.timers.size, 0, 'the timer went with the core');
    assert.equal(host.dispatch({ type: 'send_clicked', text: 'again' }), null, 'no answer: keyboard.js applies the rule');
    clock.advance(10_000);
    assert.equal(core.fed.length, 3, 'nothing more fed, no tick');
    host.dispose();
    assert.equal(core.deleted, false, 'a failed core is not called, not even to free it');
    assert.equal(failures.length, 1, 'told once');
  });
}

test('dispose frees a core that did not fail', () => {
  const core = fakeCore({});
  const host = createCoreHost({ core, runEffect() {}, ...fakeClock(), console: silent });
  host.dispatch({ type: 'tick' });
  host.dispose();
  assert.equal(core.deleted, true);
});

// A core whose `needsRest` event types need the rest of the core: until
// `arrive()`, handling one throws CoreRestPending (and changes nothing).
function splitFakeCore(answers, needsRest) {
  const core = fakeCore(answers);
  let arrive;
  const ready = new Promise((resolve) => { arrive = resolve; });
  let whole = false;
  ready.then(() => { whole = true; });
  const handle = core.handle;
  core.handle = (json, now) => {
    if (!whole && needsRest.includes(JSON.parse(json).type)) {
      throw Object.assign(new Error('the chat engine is still loading part of its code'), { name: 'CoreRestPending', ready });
    }
    return handle(json, now);
  };
  return { core, arrive };
}

test('an event that needs the rest of the core waits for it, and every event after it, in order', async () => {
  const clock = fakeClock();
  const { core, arrive } = splitFakeCore({
    voice_start_clicked: { effects: [{ type: 'voice_runtime_load' }], deadline: 1400 },
    send_clicked: { effects: [{ type: 'user_message_shown' }] },
  }, ['voice_start_clicked']);
  const ran = [];
  const host = createCoreHost({ core, runEffect: (e) => ran.push(e.type), ...clock, console: silent });
  assert.deepEqual(host.dispatch({ type: 'composer_changed', chars: 1 }), []);
  assert.equal(host.dispatch({ type: 'voice_start_clicked' }), null, 'no answer to act on while it waits');
  assert.equal(host.dispatch({ type: 'send_clicked', text: 'hi' }), null, 'queued behind the waiting event');
  assert.deepEqual(ran, []);
  assert.equal(clock.timers.size, 0, 'no timer while the core waits');
  clock.t = 1100;
  arrive();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(ran, ['voice_runtime_load', 'user_message_shown']);
  assert.deepEqual(core.fed.map((f) => f.event.type), ['composer_changed', 'voice_start_clicked', 'send_clicked']);
  assert.equal(core.fed[1].now, 1100, 'fed when the rest came');
  assert.equal(clock.timers.size, 1, 'the timer is armed once the waiting events are fed');
  assert.equal([...clock.timers.values()][0].ms, 300);
});

test('a host disposed while it waits for the rest feeds nothing more', async () => {
  const clock = fakeClock();
  const { core, arrive } = splitFakeCore({}, ['voice_start_clicked']);
  const host = createCoreHost({ core, runEffect() {}, ...clock, console: silent });
  host.dispatch({ type: 'voice_start_clicked' });
  host.dispatch({ type: 'send_clicked', text: 'hi' });
  host.dispose();
  arrive();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(core.fed, []);
  assert.equal(core.deleted, true);
});
