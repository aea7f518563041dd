// The calls open on an instance, by connection and by session: a typed
// turn finds its session's call in one lookup, and a call that closes
// never takes a newer call's place with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenCalls } from '../../tools/gateway/voice/open-calls.mjs';

const call = (id, sessionId) => ({ id, sessionId });

test('a call is found by its connection and by its session until it closes', () => {
  const open = new OpenCalls();
  const conn = {};
  const c1 = call('c1', 's1');
  open.open(conn, c1);
  assert.equal(open.get(conn), c1);
  assert.equal(open.ofSession('s1'), c1);
  assert.equal(open.ofSession('s2'), undefined);
  assert.equal(open.size, 1);
  open.close(conn, c1);
  assert.equal(open.get(conn), undefined);
  assert.equal(open.ofSession('s1'), undefined);
  assert.equal(open.size, 0);
});

test('the older call of a session closing leaves the newer one found', () => {
  const open = new OpenCalls();
  const oldConn = {};
  const newConn = {};
  const older = call('c1', 's1');
  const newer = call('c2', 's1');
  open.open(oldConn, older);
  open.open(newConn, newer);
  open.close(oldConn, older);
  assert.equal(open.ofSession('s1'), newer);
  assert.equal(open.get(newConn), newer);
  assert.deepEqual([...open.calls()], [newer]);
});

test('a call moved to a new connection is found there, and closing its old one changes nothing', () => {
  const open = new OpenCalls();
  const first = {};
  const second = {};
  const c1 = call('c1', 's1');
  open.open(first, c1);
  open.open(second, c1);
  open.close(first, call('other', 's9')); // not the call on that connection
  assert.equal(open.get(first), c1);
  assert.equal(open.ofSession('s1'), c1);
  assert.deepEqual([...open.connections()], [first, second]);
});
