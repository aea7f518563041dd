// Guessing typed continue codes all at once (docs/security.md, "Guessing
// typed continue codes"): 400 wrong codes sent concurrently from one
// address. On both stores exactly the budget of them (MAX_MISSES) is
// evaluated; the rest are refused 429 before the code is looked at, and
// a phone on another address still redeems its code. The guesser comes
// from 127.0.0.2, the phone from 127.0.0.1 (both loopback, one port).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { postJson } from './helpers.mjs';
import { closeAllSockets, joinSession } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { MAX_MISSES } from '../../tools/gateway/continue/continue-links.mjs';

const GUESSES = 400;

const redeem = (server, body, localAddress) => postJson(server.url, '/api/continue', body, { localAddress });

for (const kind of STORE_KINDS) {
  describe(`typed-code guessing (${kind} store)`, () => {
    let gateway;
    before(async () => { gateway = await startGatewayOnStore(kind); });
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('concurrent wrong codes: only the budget is evaluated, the rest are refused 429', async () => {
      const { server } = gateway;
      const laptop = await joinSession(server.url, { session: `${kind}-guessed` });
      laptop.socket.send({ type: 'continue.offer' });
      const offer = await laptop.socket.waitFor((f) => f.type === 'continue.offered');
      const wrong = offer.code.startsWith('2') ? '33333333' : '22222222';

      const answers = await Promise.all(Array.from({ length: GUESSES }, () => redeem(server, { code: wrong }, '127.0.0.2')));
      const counts = {};
      for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
      assert.deepEqual(counts, { 404: MAX_MISSES, 429: GUESSES - MAX_MISSES });

      const phone = await redeem(server, { code: offer.code });
      assert.equal(phone.status, 200, 'another address still redeems its code');
      // A real code from the guesser's address does not count against it either way: still refused.
      assert.equal((await redeem(server, { code: offer.code }, '127.0.0.2')).status, 429);
    });
  });
}
