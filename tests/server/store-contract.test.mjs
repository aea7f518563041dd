// The store contract (tools/gateway/store/README.md), run against both
// stores: MemoryStore, and RedisStore on a redis-server of its own (free
// loopback port, no persistence, stopped after). "Two instances" are two
// store objects on one backend (for memory: the same object twice).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../tools/gateway/store/memory-store.mjs';
import { RedisStore } from '../../tools/gateway/store/redis-store.mjs';
import { followRun, produceRun } from '../../tools/gateway/runs/reply-run.mjs';
import { startRedis } from './redis-helpers.mjs';
import { MAX_ENTRIES, MAX_ENTRY_CHARS } from '../../tools/gateway/agents/transcripts.mjs';
import { eventually } from './helpers.mjs';

const until = (check, what, ms = 5000) => eventually(check, ms, what);
const turn = (id, text = 'hi') => ({ message_id: id, conversation_id: 'c', text });
const ev = (n) => ({ event: 'delta', data: { text: `t${n}` } });

const backends = {
  memory: async () => {
    let shared = null;
    return {
      open: async (limits) => { shared ??= await new MemoryStore({ limits }).start(); return shared; },
      stop: async () => {},
    };
  },
  redis: async () => {
    const redis = await startRedis();
    const opened = [];
    return {
      redis,
      open: async (limits) => {
        const store = await new RedisStore({ url: redis.url, limits }).start();
        opened.push(store);
        return store;
      },
      stop: async () => { for (const s of opened) await s.close(); await redis.stop(); },
    };
  },
};

for (const [kind, makeBackend] of Object.entries(backends)) {
  describe(`${kind} store`, () => {
    let backend;
    let store;
    before(async () => {
      backend = await makeBackend();
      store = await backend.open({ maxRuns: 3, runTtlMs: 2000, maxEvents: 4, maxAcked: 3, maxTurns: 2, maxSessions: 5, resumeWindowMs: 300 });
    });
    after(async () => backend.stop());

    test('a run is claimed once; the same body joins it, then replays it; another body is a conflict', async () => {
      const first = await store.claimRun('k1', 'p', { owner: 'A', leaseMs: 5000 });
      assert.deepEqual(first, { outcome: 'started', fence: 1, have: 0 });
      assert.deepEqual(await store.claimRun('k1', 'p', { owner: 'B' }), { outcome: 'joined' });
      assert.deepEqual(await store.claimRun('k1', 'other', { owner: 'B' }), { outcome: 'conflict' });
      assert.equal(await store.runConflicts('k1', 'other'), true);
      assert.equal(await store.runConflicts('k1', 'p'), false);
      assert.equal(await store.appendRunEvent('k1', 1, 0, ev(0)), true);
      assert.equal(await store.endRun('k1', 1, 'done'), true);
      assert.deepEqual(await store.claimRun('k1', 'p', { owner: 'B' }), { outcome: 'replayed' });
      assert.deepEqual((await store.readRun('k1', 0)).events, [ev(0)]);
    });

    test('a failed run is taken over (runs again) with the next fence', async () => {
      await store.claimRun('k2', 'p', { owner: 'A' });
      await store.endRun('k2', 1, 'failed');
      const again = await store.claimRun('k2', 'p', { owner: 'B' });
      assert.equal(again.outcome, 'takeover');
      assert.equal(again.fence, 2);
    });

    test('a run whose lease expired is taken over; the old writer is fenced off', async () => {
      const a = await store.claimRun('k3', 'p', { owner: 'A', leaseMs: 150 });
      assert.equal(await store.appendRunEvent('k3', a.fence, 0, ev(0)), true);
      assert.deepEqual(await store.claimRun('k3', 'p', { owner: 'B', leaseMs: 150 }), { outcome: 'joined' });
      await until(async () => (await store.readRun('k3', 0)).expired, 'the lease to expire');
      const b = await store.claimRun('k3', 'p', { owner: 'B', leaseMs: 5000 });
      assert.deepEqual(b, { outcome: 'takeover', fence: a.fence + 1, have: 1 });
      assert.equal(await store.appendRunEvent('k3', a.fence, 1, ev(1)), false, 'stale writer');
      assert.equal(await store.renewRun('k3', a.fence, 5000), false);
      assert.equal(await store.endRun('k3', a.fence, 'done'), false);
      assert.equal(await store.appendRunEvent('k3', b.fence, 1, ev(1)), true);
      assert.equal(await store.endRun('k3', b.fence, 'done'), true);
      assert.deepEqual((await store.readRun('k3', 0)).events, [ev(0), ev(1)]);
    });

    test('group commit: several run events in one write, a repeat skipped, a gap refused; several session events numbered in order', async () => {
      await store.clear();
      const run = await store.claimRun('k4', 'p', { owner: 'A', leaseMs: 5000 });
      assert.equal(await store.appendRunEvents('k4', run.fence, 0, [ev(0), ev(1)]), true);
      assert.equal(await store.appendRunEvents('k4', run.fence, 1, [ev(1), ev(2), ev(3)]), true, 'overlapping: the new ones added');
      assert.equal(await store.appendRunEvents('k4', run.fence, 6, [ev(6)]), false, 'a gap writes nothing');
      assert.deepEqual((await store.readRun('k4', 0)).events, [ev(0), ev(1), ev(2), ev(3)]);
      const s = await store.createSession('s6', {});
      assert.equal(await store.acceptMsg('s6', s.gen, turn('m1'), 'p1'), 'accepted');
      const frames = await store.emitEvents('s6', s.gen, 'm1', 0, [ev(0), ev(1), ev(2)]);
      assert.deepEqual(frames.map((f) => [f.seq, f.data.text]), [[1, 't0'], [2, 't1'], [3, 't2']]);
      assert.equal(await store.emitEvents('s6', s.gen, 'm1', 2, [ev(2)]), 'skip', 'the cursor moved by the whole batch');
      assert.deepEqual((await store.emitEvents('s6', s.gen, 'm1', 3, [ev(3)]))[0].seq, 4);
      assert.deepEqual((await store.eventsAfter('s6', 1)).map((f) => f.seq), [2, 3, 4]);
    });

    test('records are kept for their age, then forgotten', async () => {
      await store.clear();
      assert.equal((await store.claimRun('a', 'p', { leaseMs: 1 })).outcome, 'started');
      assert.notEqual(await store.readRun('a', 0), null);
      await until(async () => (await store.readRun('a', 0)) === null, 'the record to age out', 15_000);
    });

    test('at the count cap the oldest record no agent runs makes room; full only while all run', async () => {
      await store.clear();
      for (const k of ['a', 'b', 'c']) assert.equal((await store.claimRun(k, 'p', { leaseMs: 1 })).outcome, 'started');
      await new Promise((r) => setTimeout(r, 10)); // their leases end: no agent runs them
      assert.equal((await store.claimRun('d', 'p', { leaseMs: 60_000 })).outcome, 'started');
      assert.equal(await store.readRun('a', 0), null, 'the oldest went');
      assert.notEqual(await store.readRun('b', 0), null, 'only the oldest');
      assert.equal((await store.claimRun('e', 'p', { leaseMs: 60_000 })).outcome, 'started');
      assert.equal((await store.claimRun('f', 'p', { leaseMs: 60_000 })).outcome, 'started');
      assert.equal(await store.readRun('c', 0), null);
      assert.deepEqual(await store.claimRun('g', 'p'), { outcome: 'full' }, 'd, e, f are all running');
      assert.equal((await store.claimRun('a', 'p', { leaseMs: 1 })).outcome, 'full', 'an evicted id is new again');
    });

    test('a reader sees every event of a run once, in order, while another instance produces it', async () => {
      await store.clear();
      const other = await backend.open({});
      const claim = await other.claimRun('k4', 'p', { owner: 'B' });
      const events = [{ event: 'start', data: {} }, ...[0, 1, 2, 3, 4, 5].map(ev), { event: 'done', data: {} }];
      const result = {};
      const seen = [];
      const reading = (async () => { for await (const e of followRun({ store, key: 'k4', result })) seen.push(e); })();
      await produceRun({ store: other, key: 'k4', fence: claim.fence, have: 0, events, paceMs: 5 });
      await reading;
      assert.deepEqual(seen, events);
      assert.equal(result.state, 'done');
    });

    test('sessions: a resume needs the token; the previous token works once after a rotation', async () => {
      await store.clear();
      const made = await store.createSession('s1', { tabId: 't1', instance: 'A' });
      assert.equal(made.gen, 1);
      assert.equal(await store.resumeSession('s1', 'wrong', {}), null);
      assert.equal(await store.resumeSession('nope', made.token, {}), null);
      const rotated = await store.resumeSession('s1', made.token, { tabId: 't1', instance: 'B', rotate: true });
      assert.notEqual(rotated.token, made.token);
      assert.deepEqual(rotated.prev, { tabId: 't1', instance: 'A', line: 'first' });
      assert.equal(rotated.gen, 2);
      const viaPrevious = await store.resumeSession('s1', made.token, { tabId: 't1', rotate: true });
      assert.ok(viaPrevious, 'the previous token is good for one more hello');
      assert.equal(await store.resumeSession('s1', made.token, { rotate: true }), null, 'then it is not');
      assert.ok(await store.resumeSession('s1', viaPrevious.token, {}));
      assert.deepEqual(await store.createSession('s1', { ifAbsent: true }), { held: true }, 'a held session is not replaced');
      assert.ok(await store.resumeSession('s1', viaPrevious.token, {}), 'and it is untouched');
      assert.ok((await store.createSession('s-new', { ifAbsent: true })).token, 'an id not held starts fresh');
    });

    test('a newer generation fences the older one off, and the kick reaches every instance', async () => {
      await store.clear();
      const other = await backend.open({});
      const kicks = [];
      const stop = other.onKick((id, gen, reason) => kicks.push([id, gen, reason]));
      const a = await store.createSession('s2', { tabId: 't', instance: 'A' });
      assert.equal(await store.acceptMsg('s2', a.gen, turn('m1'), 'p1'), 'accepted');
      const b = await other.resumeSession('s2', a.token, { tabId: 'u', instance: 'B' });
      await other.kick('s2', b.gen, 'replaced:tab');
      await until(() => kicks.length === 1, 'the kick');
      stop();
      assert.deepEqual(kicks, [['s2', b.gen, 'replaced:tab']]);
      assert.equal(await store.emitEvent('s2', a.gen, 'm1', 0, ev(0)), 'stale');
      assert.equal(await store.acceptMsg('s2', a.gen, turn('m2'), 'p2'), 'stale');
      assert.equal(await store.touchSession('s2', a.gen), 'stale');
      assert.equal(await other.touchSession('s2', b.gen), 'ok');
      const frame = await other.emitEvent('s2', b.gen, 'm1', 0, ev(0));
      assert.deepEqual(frame, { type: 'event', seq: 1, reply_to: 'm1', ...ev(0) });
      assert.equal(await other.emitEvent('s2', b.gen, 'm1', 0, ev(0)), 'skip', 'the same cursor twice');
    });

    test('appendEvent: a voice transcript event numbered in the session\'s seq between turn events, replayed; none for an unknown session', async () => {
      await store.clear();
      const s = await store.createSession('s5', {});
      assert.equal(await store.acceptMsg('s5', s.gen, turn('m1'), 'p1'), 'accepted');
      await store.emitEvent('s5', s.gen, 'm1', 0, ev(0));
      const voice = { event: 'voice.transcript', data: { call_id: 'c', role: 'shopper', text: 'hi', final: true, cut: false } };
      const frame = await store.appendEvent('s5', 'voice-c-1', voice);
      assert.deepEqual(frame, { type: 'event', seq: 2, reply_to: 'voice-c-1', ...voice });
      assert.deepEqual(await store.emitEvent('s5', s.gen, 'm1', 1, ev(1)), { type: 'event', seq: 3, reply_to: 'm1', ...ev(1) },
        'the turn\'s cursor is not moved by it');
      assert.deepEqual((await store.eventsAfter('s5', 1)).map((f) => [f.seq, f.event]), [[2, 'voice.transcript'], [3, 'delta']]);
      assert.equal(await store.appendEvent('nobody', 'voice-c-1', voice), null);
    });

    test('acks, turns and the log: exact replay after a seq, all-or-nothing once trimmed, caps answered', async () => {
      await store.clear();
      const s = await store.createSession('s3', {});
      assert.equal(await store.acceptMsg('s3', s.gen, turn('m1'), 'p1'), 'accepted');
      assert.equal(await store.acceptMsg('s3', s.gen, turn('m1'), 'p1'), 'known');
      assert.equal(await store.acceptMsg('s3', s.gen, turn('m1', 'x'), 'px'), 'conflict');
      assert.equal(await store.acceptMsg('s3', s.gen, turn('m2'), 'p2'), 'accepted');
      assert.equal(await store.acceptMsg('s3', s.gen, turn('m3'), 'p3'), 'turns_full');
      assert.deepEqual(await store.headTurn('s3'), { turn: turn('m1'), cursor: 0 });
      for (let i = 0; i < 3; i += 1) await store.emitEvent('s3', s.gen, 'm1', i, ev(i));
      assert.equal(await store.finishTurn('s3', s.gen, 'm1'), true);
      assert.deepEqual(await store.headTurn('s3'), { turn: turn('m2'), cursor: 0 });
      for (let i = 0; i < 3; i += 1) await store.emitEvent('s3', s.gen, 'm2', i, ev(i));
      assert.deepEqual((await store.eventsAfter('s3', 3)).map((f) => f.seq), [4, 5, 6]);
      assert.deepEqual(await store.eventsAfter('s3', 6), []);
      assert.equal(await store.eventsAfter('s3', 1), null, 'seq 2 was trimmed (4 kept): no partial replay');
      await store.finishTurn('s3', s.gen, 'm2');
      for (const id of ['m4', 'm5', 'm6']) {
        assert.equal(await store.acceptMsg('s3', s.gen, turn(id), id), 'accepted');
        assert.equal(await store.finishTurn('s3', s.gen, id), true);
      }
      const again = await store.resumeSession('s3', s.token, {});
      assert.deepEqual(again.acked, ['m4', 'm5', 'm6'], 'the oldest acked ids are forgotten past the cap');
      assert.equal(again.seq, 6);
    });

    test('a detached session is held for the resume window, then forgotten; the session cap answers full', async () => {
      await store.clear();
      const s = await store.createSession('w', {});
      await store.detachSession('w', s.gen);
      const held = await store.resumeSession('w', s.token, {});
      assert.ok(held);
      await store.detachSession('w', held.gen);
      await until(async () => (await store.eventsAfter('w', 0)) === null, 'the window to pass');
      assert.equal(await store.resumeSession('w', s.token, {}), null);
      for (let i = 0; i < 5; i += 1) assert.ok((await store.createSession(`cap-${i}`, {})).token);
      assert.deepEqual(await store.createSession('cap-5', {}), { full: true });
      assert.ok((await store.createSession('cap-0', {})).token, 'a held id may start fresh');
    });

    test('a voice call\'s counters are kept with the session and dropped by a fresh start', async () => {
      await store.clear();
      const store2 = await backend.open({}); // the default resume window: a loaded machine never expires it mid-test
      const s = await store2.createSession('vc', {});
      const record = { greeted: true, utterances: 2, repliesGiven: 1, framesSent: 140 };
      await store2.saveVoiceCall('vc', 'call-1', record);
      assert.deepEqual(await (await backend.open({})).loadVoiceCall('vc', 'call-1'), record, 'from any instance');
      assert.equal(await store2.loadVoiceCall('vc', 'call-2'), null);
      for (let i = 0; i < 9; i += 1) await store2.saveVoiceCall('vc', `more-${i}`, record);
      assert.equal(await store2.loadVoiceCall('vc', 'call-1'), null, 'at most 8 calls per session: the oldest go');
      assert.deepEqual(await store2.loadVoiceCall('vc', 'more-8'), record);
      await store2.createSession('vc', {});
      assert.equal(await store2.loadVoiceCall('vc', 'more-8'), null, 'a fresh session knows no calls');
      await store2.saveVoiceCall('nobody', 'c', record);
      assert.equal(await store2.loadVoiceCall('nobody', 'c'), null, 'no session, nothing kept');
      assert.ok(s.token);
    });

    test('visitors are kept per conversation and forgotten on null', async () => {
      await store.setVisitor('v', { name: 'Ana' });
      assert.deepEqual(await store.getVisitor('v'), { name: 'Ana' });
      await store.setVisitor('v', null);
      assert.equal(await store.getVisitor('v'), null);
    });

    test("the agent's transcript: the recent completed turns, oldest first, the same from any instance, bounded", async () => {
      const other = await backend.open({}); // a second instance on the same backend
      assert.deepEqual(await store.recentTranscript('tr'), []);
      await store.addTranscriptTurn('tr', 'do you have PS5 games?', 'Yes, we have that.');
      await other.addTranscriptTurn('tr', 'how much is it?', 'Here are the prices.');
      const expected = [
        { role: 'shopper', text: 'do you have PS5 games?' }, { role: 'agent', text: 'Yes, we have that.' },
        { role: 'shopper', text: 'how much is it?' }, { role: 'agent', text: 'Here are the prices.' },
      ];
      assert.deepEqual(await other.recentTranscript('tr'), expected);
      assert.deepEqual(await store.recentTranscript('tr'), expected);
      assert.deepEqual(await store.recentTranscript('another'), [], 'per conversation');
      for (let i = 0; i < MAX_ENTRIES; i += 1) await store.addTranscriptTurn('tr', `q${i}`, `a${i}`);
      const kept = await other.recentTranscript('tr');
      assert.equal(kept.length, MAX_ENTRIES, 'only the last entries are kept');
      assert.deepEqual(kept.at(-1), { role: 'agent', text: `a${MAX_ENTRIES - 1}` });
      const card = { id: 'p1', name: 'Astro Bot', price: 59.99, currency: 'EUR', url: 'https://shop.example/p1' };
      await store.addTranscriptTurn('tr', 'astro bot?', 'Here it is.', [card]);
      assert.deepEqual((await other.recentTranscript('tr')).at(-1), { role: 'agent', text: 'Here it is.', cards: [card] }, 'the cards it showed, for staff');
      await store.addTranscriptTurn('tr', 'x'.repeat(MAX_ENTRY_CHARS + 10), 'ok');
      assert.equal((await other.recentTranscript('tr')).at(-2).text.length, MAX_ENTRY_CHARS, 'each entry cut');
    });
  });
}

test('redis: losing the data is announced by a new epoch; sessions from before are not resumed', async () => {
  const redis = await startRedis();
  const store = await new RedisStore({ url: redis.url }).start();
  try {
    const s = await store.createSession('e1', {});
    const before = store.epoch;
    const changed = new Promise((resolve) => store.onEpochChange(resolve));
    await redis.restartEmpty();
    const epoch = await changed;
    assert.notEqual(epoch, before);
    assert.equal(await store.resumeSession('e1', s.token, {}), null);
  } finally {
    await store.close();
    await redis.stop();
  }
});

test('redis: a hello on an instance that has not noticed the data loss yet is attached under the new epoch and stays resumable', async () => {
  const redis = await startRedis();
  const noticing = await new RedisStore({ url: redis.url }).start();
  const lagging = await new RedisStore({ url: redis.url, epochCheckMs: 3_600_000 }).start(); // its check never fires here
  try {
    await noticing.createSession('old', {});
    const changed = new Promise((resolve) => noticing.onEpochChange(resolve));
    await redis.restartEmpty();
    const epoch = await changed;
    const heard = [];
    lagging.onEpochChange((e) => heard.push(e));
    const fresh = await lagging.createSession('fresh', {});
    assert.equal(fresh.epoch, epoch, 'stamped with the epoch Redis holds, not the one the instance remembered');
    assert.deepEqual(heard, [epoch], 'the hello itself told the lagging instance of the loss');
    const again = await lagging.resumeSession('fresh', fresh.token, {});
    assert.notEqual(again, null, 'the fresh session resumes: nothing closes it as if it were from before the loss');
    assert.equal(again.epoch, epoch);
    assert.notEqual(await noticing.resumeSession('fresh', fresh.token, {}), null, 'on either instance');
  } finally {
    await lagging.close();
    await noticing.close();
    await redis.stop();
  }
});

// Who controls a conversation (control/transitions.mjs), on both stores: a
// backend of its own, so its sessions do not meet the caps of the suite above.
for (const [kind, makeBackend] of Object.entries(backends)) {
  describe(`${kind} store: who controls a conversation`, () => {
    let backend;
    let store;
    let other; // a second instance on the same backend
    before(async () => {
      backend = await makeBackend();
      store = await backend.open({ maxEvents: 50 });
      other = kind === 'redis' ? await backend.open({ maxEvents: 50 }) : store;
    });
    after(async () => backend.stop());
    const entry = (text) => ({ kind: 'note', text, at: 1 });

    test('a session starts with the AI; each step of the table logs a control event in the seq, replayed on resume', async () => {
      const s = await store.createSession('c-steps', { tabId: 't' });
      assert.deepEqual(await store.getControl('c-steps'), { state: 'ai', by: null, since: 0 });
      await store.appendEvent('c-steps', 'x', ev(0));
      const asked = await store.changeControl('c-steps', 'request', {});
      assert.equal(asked.ok, true);
      assert.equal(asked.control.state, 'waiting');
      assert.equal(asked.control.position, 1);
      assert.deepEqual(asked.frame, { type: 'event', seq: 2, reply_to: 'control', event: 'control', data: { state: 'waiting', position: 1 } });
      const taken = await other.changeControl('c-steps', 'take', { name: 'Ana' });
      assert.deepEqual(taken.frame.data, { state: 'person', by: { name: 'Ana' } });
      assert.deepEqual((await store.getControl('c-steps')).by, { name: 'Ana' });
      const back = await store.changeControl('c-steps', 'hand_back', { name: 'Ana' });
      assert.equal(back.control.state, 'ai');
      const replay = await store.eventsAfter('c-steps', 1);
      assert.deepEqual(replay.map((f) => [f.seq, f.event, f.data.state]),
        [[2, 'control', 'waiting'], [3, 'control', 'person'], [4, 'control', 'ai']]);
      const resumed = await other.resumeSession('c-steps', s.token, {});
      assert.equal(resumed.seq, 4);
    });

    test('an illegal transition is refused with the state it was in, and changes nothing', async () => {
      await store.createSession('c-bad', {});
      assert.deepEqual(await store.changeControl('c-bad', 'hand_back', {}), { ok: false, code: 'illegal', from: 'ai' });
      await store.changeControl('c-bad', 'take', { name: 'Ana' });
      const before = await store.getControl('c-bad');
      assert.deepEqual(await store.changeControl('c-bad', 'take', { name: 'Ben' }), { ok: false, code: 'illegal', from: 'person' });
      assert.deepEqual(await store.changeControl('c-bad', 'request', {}), { ok: false, code: 'illegal', from: 'person' });
      assert.deepEqual(await store.changeControl('c-bad', 'teleport', {}), { ok: false, code: 'illegal', from: 'person' });
      assert.deepEqual(await store.getControl('c-bad'), before);
      assert.deepEqual((await store.eventsAfter('c-bad', 0)).length, 1, 'only the take was logged');
      assert.deepEqual(await store.changeControl('c-nowhere', 'take', {}), { ok: false, code: 'gone' });
      assert.equal(await store.getControl('c-nowhere'), null);
    });

    test('two instances taking one conversation at the same moment: exactly one wins', async () => {
      for (let round = 0; round < 10; round += 1) {
        const id = `c-race-${round}`;
        await store.createSession(id, {});
        const results = await Promise.all([
          store.changeControl(id, 'take', { name: 'Ana' }), other.changeControl(id, 'take', { name: 'Ben' })]);
        assert.equal(results.filter((r) => r.ok).length, 1, `round ${round}`);
        assert.equal((await store.eventsAfter(id, 0)).length, 1);
      }
    });

    test('a takeover fences the AI: its next session write answers held; the held turn is popped and kept for staff', async () => {
      const { gen } = await store.createSession('c-fence', {});
      await store.acceptMsg('c-fence', gen, turn('f1'), 'p1');
      assert.equal(await store.holdTurn('c-fence', gen, 'f1', entry('x')), 'ai', 'with the AI, a turn runs');
      assert.equal((await store.emitEvents('c-fence', gen, 'f1', 0, [ev(0)])).length, 1);
      await other.changeControl('c-fence', 'take', { name: 'Ana' });
      assert.equal(await store.emitEvents('c-fence', gen, 'f1', 1, [ev(1)]), 'held');
      const shopper = { kind: 'shopper', message_id: 'f1', text: 'hi', at: 2 };
      assert.equal(await store.holdTurn('c-fence', gen, 'f1', shopper), 'held');
      assert.equal(await store.headTurn('c-fence'), null);
      assert.deepEqual(await other.staffEntries('c-fence'), [shopper]);
      // The hold logs `held` for the message in the same step: the widget settles it.
      assert.deepEqual((await store.eventsAfter('c-fence', 0)).map((f) => [f.event, f.reply_to]),
        [['delta', 'f1'], ['control', 'control'], ['held', 'f1']]);
      assert.equal(await store.holdTurn('c-fence', gen + 1, 'f1', shopper), 'stale');
    });

    test('a staff reply is logged once per id as start, delta, done; only while a person controls it', async () => {
      await store.createSession('c-staff', {});
      const events = [{ event: 'start', data: { reply_id: 's1', author: { kind: 'staff', name: 'Ana' } } },
        { event: 'delta', data: { text: 'Hello, Ana here' } }, { event: 'done', data: {} }];
      assert.equal(await store.staffReply('c-staff', 'm1', 'p', events, entry('r')), 'not_in_control');
      await store.changeControl('c-staff', 'take', { name: 'Ana' });
      const frames = await store.staffReply('c-staff', 'm1', 'p', events, entry('r'));
      assert.deepEqual(frames.map((f) => [f.seq, f.reply_to, f.event]), [[2, 'staff-m1', 'start'], [3, 'staff-m1', 'delta'], [4, 'staff-m1', 'done']]);
      assert.deepEqual(frames[0].data.author, { kind: 'staff', name: 'Ana' });
      assert.equal(await other.staffReply('c-staff', 'm1', 'p', events, entry('r')), 'known');
      assert.equal(await other.staffReply('c-staff', 'm1', 'other', events, entry('r')), 'conflict');
      assert.equal((await store.eventsAfter('c-staff', 0)).length, 4);
      assert.equal((await store.staffEntries('c-staff')).length, 1);
    });

    test('notes stay in the staff record, never in the session log; the queue numbers waiting sessions; presence expires', async () => {
      await store.createSession('c-q1', {});
      await store.createSession('c-q2', {});
      assert.equal(await store.addStaffEntry('c-q1', entry('private')), true);
      assert.equal(await store.addStaffEntry('c-none', entry('private')), false);
      assert.deepEqual(await store.eventsAfter('c-q1', 0), []);
      await store.changeControl('c-q1', 'request', {});
      await new Promise((r) => setTimeout(r, 5));
      const second = await other.changeControl('c-q2', 'request', {});
      assert.equal(second.control.position, 2);
      const list = await other.listControls();
      assert.equal(list.find((c) => c.id === 'c-q2').position, 2);
      assert.equal(list.find((c) => c.id === 'c-q1').state, 'waiting');
      await store.changeControl('c-q1', 'take', { name: 'Ana' });
      assert.equal((await other.getControl('c-q2')).position, 1, 'the queue moved up');
      assert.equal(await store.staffOnline(1000), false);
      await other.markStaffPresent('Ana');
      assert.equal(await store.staffOnline(1000), true);
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(await store.staffOnline(10), false);
    });
  });
}
