// A newer hello that proves its session (the resume token, current or the
// one before) always replaces the older connection of that session (S4,
// docs/protocol.md "Handshake"): the old one is closed with 4000 "replaced"
// or "replaced:tab", the server logs it, and there is never a
// "session already exists". A hello that cannot prove the session takes
// nothing from its owner: it gets a fresh session of its own.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, detached, joinSession, msg, sleep } from './session-helpers.mjs';

let server;
before(async () => { server = await startTestServer(); });
after(async () => { closeAllSockets(); await server.close(); });
beforeEach(async () => {
  await request(server.url, { method: 'POST', path: '/__natter/reset' });
  server.lines.length = 0;
});

test('a second hello from the same tab replaces the first: 4000 "replaced", logged, counted', async () => {
  const first = await joinSession(server.url, { session: 'rp-same', tab: 'tab-a' });
  const second = await joinSession(server.url, { session: 'rp-same', tab: 'tab-a', token: first.welcome.resume_token });
  assert.deepEqual(await first.socket.waitClosed(), { code: 4000, reason: 'replaced' });
  assert.equal(second.welcome.replaced, true);
  assert.equal(second.welcome.resumed, true);
  assert.equal(second.socket.ws.readyState, 1);
  assert.equal(server.lines.filter((l) => l.includes('replacing existing session')).length, 1, server.lines.join('\n'));
  const s = await stats(server.url);
  assert.equal(s.replacements, 1);
  assert.deepEqual(s.ws_connections_open, { 'rp-same': 1 });
});

test('a hello from another tab replaces with 4000 "replaced:tab"', async () => {
  const first = await joinSession(server.url, { session: 'rp-tab', tab: 'tab-a' });
  const second = await joinSession(server.url, { session: 'rp-tab', tab: 'tab-b', token: first.welcome.resume_token });
  assert.deepEqual(await first.socket.waitClosed(), { code: 4000, reason: 'replaced:tab' });
  assert.equal(second.welcome.replaced, true);
  assert.ok(server.lines.some((l) => /replacing existing session rp-tab \(replaced:tab\)/.test(l)));
});

// Changed: a hello without the token used to close the owner's
// connection and discard the session; now it cannot touch either.
for (const [name, token] of [['no', ''], ['a wrong', 'not-the-token']]) {
  test(`a hello with ${name} token for a live session gets its own fresh session; the owner keeps theirs`, async () => {
    const owner = await joinSession(server.url, { session: 'rp-fresh', tab: 'tab-a' });
    owner.socket.send(msg('rp-fresh-1', 'hi'));
    await owner.socket.replyEnd('rp-fresh-1');
    const intruder = await joinSession(server.url, { session: 'rp-fresh', tab: 'tab-b', token, last: 9 });
    assert.notEqual(intruder.welcome.session_id, 'rp-fresh');
    assert.match(intruder.welcome.session_id, /^[0-9a-f-]{36}$/);
    assert.equal(intruder.welcome.resumed, false);
    assert.equal(intruder.welcome.replaced, false);
    assert.deepEqual(intruder.welcome.acked, []);
    assert.equal(intruder.welcome.event_seq, 0);
    assert.notEqual(intruder.welcome.resume_token, owner.welcome.resume_token);
    assert.equal(intruder.socket.events().length, 0, 'nothing of the owner\'s session is replayed');
    // The owner's connection is open and its session carries on.
    assert.equal(owner.socket.ws.readyState, 1);
    owner.socket.send(msg('rp-fresh-2', 'and Xbox?'));
    assert.equal((await owner.socket.replyEnd('rp-fresh-2')).event, 'done');
    assert.ok(owner.socket.events('rp-fresh-2')[0].seq > owner.socket.events('rp-fresh-1').at(-1).seq);
    const s = await stats(server.url);
    assert.equal(s.replacements, 0);
    assert.deepEqual(s.ws_connections_open, { 'rp-fresh': 1, [intruder.welcome.session_id]: 1 });
    assert.ok(server.lines.some((l) => /hello for session rp-fresh without its resume token: fresh session/.test(l)));
    // ...and the owner's token still resumes it, with everything it had.
    await owner.socket.close();
    const back = await joinSession(server.url, { session: 'rp-fresh', tab: 'tab-a', token: owner.welcome.resume_token,
      last: owner.socket.lastSeq });
    assert.equal(back.welcome.session_id, 'rp-fresh');
    assert.equal(back.welcome.resumed, true);
    assert.deepEqual(back.welcome.acked, ['rp-fresh-1', 'rp-fresh-2']);
    assert.equal(back.welcome.event_seq, owner.socket.lastSeq);
  });
}

test('a held session (no connection) is not discarded by a hello that cannot prove it', async () => {
  const owner = await joinSession(server.url, { session: 'rp-held' });
  owner.socket.send(msg('rp-held-1', 'hi'));
  await owner.socket.replyEnd('rp-held-1');
  await owner.socket.close();
  await detached(server.url, 'rp-held', stats);
  const other = await joinSession(server.url, { session: 'rp-held' });
  assert.notEqual(other.welcome.session_id, 'rp-held');
  const back = await joinSession(server.url, { session: 'rp-held', token: owner.welcome.resume_token });
  assert.equal(back.welcome.resumed, true);
  assert.deepEqual(back.welcome.acked, ['rp-held-1']);
});

test('the token rotates on every welcome; the one before is good for exactly one more hello', async () => {
  const first = await joinSession(server.url, { session: 'rp-rot', tab: 'tab-a' });
  const t0 = first.welcome.resume_token;
  // My reconnect: t0 proves it; the welcome carries t1.
  const second = await joinSession(server.url, { session: 'rp-rot', tab: 'tab-a', token: t0 });
  const t1 = second.welcome.resume_token;
  assert.equal(second.welcome.resumed, true);
  assert.notEqual(t1, t0);
  // Say that welcome was lost: t0 proves it once more (and replaces), giving t2.
  const third = await joinSession(server.url, { session: 'rp-rot', tab: 'tab-a', token: t0 });
  assert.equal(third.welcome.session_id, 'rp-rot');
  assert.equal(third.welcome.resumed, true);
  assert.equal(third.welcome.replaced, true);
  const t2 = third.welcome.resume_token;
  assert.ok(![t0, t1].includes(t2));
  // t0 is now two welcomes old: void. It gets a session of its own, the owner's stays open.
  const stale = await joinSession(server.url, { session: 'rp-rot', tab: 'tab-a', token: t0 });
  assert.notEqual(stale.welcome.session_id, 'rp-rot');
  assert.equal(third.socket.ws.readyState, 1);
  // t1 (the lost welcome's token) is the one before t2: still good once; then t2, then t3.
  const fourth = await joinSession(server.url, { session: 'rp-rot', tab: 'tab-b', token: t1 });
  assert.equal(fourth.welcome.resumed, true);
  assert.deepEqual(await third.socket.waitClosed(), { code: 4000, reason: 'replaced:tab' });
  const fifth = await joinSession(server.url, { session: 'rp-rot', tab: 'tab-b', token: fourth.welcome.resume_token });
  assert.equal(fifth.welcome.resumed, true);
  const tokens = [t0, t1, t2, fourth.welcome.resume_token, fifth.welcome.resume_token];
  assert.equal(new Set(tokens).size, tokens.length, 'every welcome carries a new token');
  assert.equal((await stats(server.url)).replacements, 4, 'each proven hello replaced the one before');
});

test('many quick hellos of the owner: each replaces the last, none is refused', async () => {
  const joined = [await joinSession(server.url, { session: 'rp-many' })];
  for (let i = 1; i < 6; i += 1) {
    joined.push(await joinSession(server.url, { session: 'rp-many', token: joined.at(-1).welcome.resume_token }));
  }
  for (const { socket } of joined.slice(0, -1)) assert.equal((await socket.waitClosed()).code, 4000);
  const last = joined.at(-1);
  assert.equal(last.socket.ws.readyState, 1);
  const everything = joined.flatMap(({ socket }) => socket.frames);
  assert.equal(everything.some((f) => f.type === 'error'), false);
  assert.equal(everything.some((f) => /already exists/.test(JSON.stringify(f))), false);
  const s = await stats(server.url);
  assert.equal(s.replacements, 5);
  assert.deepEqual(s.ws_connections_open, { 'rp-many': 1 });
  last.socket.send(msg('rp-many-1', 'hi'));
  assert.equal((await last.socket.replyEnd('rp-many-1')).event, 'done');
});

test('frames from a replaced connection are ignored; its reply goes to the new one', async () => {
  const first = await joinSession(server.url, { session: 'rp-stale' });
  first.socket.send(msg('rp-stale-1', 'hi'));
  await first.socket.waitFor((f) => f.type === 'ack');
  const last = first.socket.lastSeq;
  const second = await joinSession(server.url, { session: 'rp-stale', token: first.welcome.resume_token, last });
  first.socket.send(msg('rp-stale-2', 'hello')); // racing its own close: must be ignored
  await first.socket.waitClosed();
  await second.socket.replyEnd('rp-stale-1');
  await sleep(50);
  const s = await stats(server.url);
  assert.equal(s.requests['rp-stale-2'], undefined);
  assert.equal(s.agent_runs['rp-stale-2'], undefined);
  const contiguous = (seqs, from) => seqs.every((seq, i) => seq === from + i);
  const oldSeqs = first.socket.events().map((f) => f.seq);
  const newSeqs = second.socket.events().map((f) => f.seq);
  assert.ok(contiguous(oldSeqs, 1), `old connection: ${oldSeqs}`);
  assert.ok(contiguous(newSeqs, last + 1), `new connection replays after ${last}: ${newSeqs}`);
  assert.equal(second.socket.events().at(-1).event, 'done');
});

test('ws_connections_open drops to nothing when the connection closes', async () => {
  const { socket } = await joinSession(server.url, { session: 'rp-gone' });
  assert.deepEqual((await stats(server.url)).ws_connections_open, { 'rp-gone': 1 });
  await socket.close();
  await eventually(async () => Object.keys((await stats(server.url)).ws_connections_open).length === 0);
});
