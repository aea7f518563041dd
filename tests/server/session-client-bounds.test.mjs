// Sockets that hold a slot and do nothing (docs/security.md, "Idle and
// piled-up sockets"): a socket that does not say hello in time is closed
// 4008 `hello timeout`, and one client address may hold only so many open
// sockets (past it: 1013 `try again later: address`), while a shopper from
// another address keeps being served. The attacker connects from
// 127.0.0.2, the shopper from 127.0.0.1 (both loopback, to the same port).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, joinSession, sleep } from './session-helpers.mjs';

after(() => closeAllSockets());

const FROM_ATTACKER = { localAddress: '127.0.0.2' };

async function withServer(bounds, fn) {
  const server = await startTestServer({ bounds });
  try {
    await fn(server);
  } finally {
    closeAllSockets();
    await server.close();
  }
}

async function pingWorks(socket, t) {
  socket.send({ type: 'ping', t });
  await socket.waitFor((f) => f.type === 'pong' && f.t === t, 2000);
}

test('a socket that never says hello is closed 4008 "hello timeout"; one that said hello stays', async () => {
  await withServer({ helloTimeoutMs: 300 }, async (server) => {
    const shopper = await joinSession(server.url, { session: 'cb-shopper' });
    const silent = await connect(server.url, FROM_ATTACKER);
    const started = Date.now();
    assert.deepEqual(await silent.waitClosed(3000), { code: 4008, reason: 'hello timeout' });
    assert.ok(Date.now() - started >= 250, 'not before its time');
    // A ping before hello is answered, but does not count as the hello.
    const pinging = await connect(server.url, FROM_ATTACKER);
    await pingWorks(pinging, 'before-hello');
    assert.deepEqual(await pinging.waitClosed(3000), { code: 4008, reason: 'hello timeout' });
    await sleep(100);
    await pingWorks(shopper.socket, 'still-here');
  });
});

test('past the sockets one address may hold, the next is closed 1013; another address is still served', async () => {
  await withServer({ maxSocketsPerAddress: 3 }, async (server) => {
    const held = [];
    for (let i = 0; i < 3; i += 1) held.push(await connect(server.url, FROM_ATTACKER));
    const refused = await connect(server.url, FROM_ATTACKER);
    assert.deepEqual(await refused.waitClosed(), { code: 1013, reason: 'try again later: address' });
    // Said hello or not, each open socket counts.
    held[0].send(helloFrame({ session: 'cb-held' }));
    await held[0].waitFor((f) => f.type === 'welcome');
    assert.deepEqual(await (await connect(server.url, FROM_ATTACKER)).waitClosed(), { code: 1013, reason: 'try again later: address' });

    const shopper = await joinSession(server.url, { session: 'cb-other-address' });
    await pingWorks(shopper.socket, 'served');

    await held[1].close();
    await sleep(50);
    const again = await connect(server.url, FROM_ATTACKER);
    again.send(helloFrame({ session: 'cb-again' }));
    await again.waitFor((f) => f.type === 'welcome');
  });
});
