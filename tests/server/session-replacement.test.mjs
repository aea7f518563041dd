// A newer hello always replaces the older connection of its session (S4,
// docs/protocol.md "Handshake"): the old one is closed with 4000 "replaced"
// or "replaced:tab", the server logs it, and there is never a
// "session already exists".
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, request, startTestServer, stats } from './helpers.mjs';
import { closeAllSockets, joinSession, msg, sleep } from './session-helpers.mjs';

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

test('a replacing hello without the token still wins, as a fresh start', async () => {
  const first = await joinSession(server.url, { session: 'rp-fresh' });
  const second = await joinSession(server.url, { session: 'rp-fresh' });
  assert.equal((await first.socket.waitClosed()).code, 4000);
  assert.equal(second.welcome.replaced, true);
  assert.equal(second.welcome.resumed, false);
});

test('many quick hellos for one session: each replaces the last, none is refused', async () => {
  const joined = [];
  for (let i = 0; i < 6; i += 1) joined.push(await joinSession(server.url, { session: 'rp-many' }));
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
