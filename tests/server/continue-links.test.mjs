// "Continue on your phone" over the real session WebSocket and
// POST /api/continue, on both stores: the first device mints a link, the
// second redeems its secret (or the typed code) once and gets its own token
// line for the same conversation; reuse and expiry are refused with a clear
// code; the first device's revoke closes the second device's socket and
// kills its token; guessing typed codes is rate-limited; no secret is logged.
import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { request } from './helpers.mjs';
import { closeAllSockets, connect, msg, sleep } from './session-helpers.mjs';
import { STORE_KINDS, startGatewayOnStore } from './redis-helpers.mjs';
import { CODE_ALPHABET } from '../../tools/gateway/continue/codes.mjs';

const post = (server, path, body) => request(server.url, {
  method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
}).then((res) => ({ ...res, json: res.body ? JSON.parse(res.body) : null }));
const redeem = (server, body) => post(server, '/api/continue', body);

async function device(server, { session, token = '', tab, revoke }) {
  const socket = await connect(server.url);
  socket.send({
    type: 'hello', v: 1, session_id: session, resume_token: token, last_event_seq: 0, tab_id: tab,
    ...(revoke === undefined ? {} : { revoke }),
  });
  const welcome = await socket.waitFor((f) => f.type === 'welcome');
  return { socket, welcome };
}

// The laptop: a session with one answered message, and a continue link.
async function laptopWithLink(server, session) {
  const laptop = await device(server, { session, tab: 'laptop' });
  laptop.socket.send(msg('m-1', 'do you have PS5 games?'));
  await laptop.socket.replyEnd('m-1');
  laptop.socket.send({ type: 'continue.offer' });
  const offer = await laptop.socket.waitFor((f) => f.type === 'continue.offered');
  return { ...laptop, offer };
}

for (const kind of STORE_KINDS) {
  describe(`continue on another device (${kind} store)`, () => {
    let gateway;
    let server;
    before(async () => {
      gateway = await startGatewayOnStore(kind, { tokenDelayMs: 1 });
      ({ server } = gateway);
    });
    beforeEach(() => post(server, '/__natter/reset', {}));
    after(async () => { closeAllSockets(); await gateway.close(); });

    test('the products saved on the first device come with the link, once; a malformed list is refused', async () => {
      const session = `${kind}-saved`;
      const laptop = await device(server, { session, tab: 'laptop' });
      const saved = [{ product_id: 'ps5-pad', name: 'DualSense', price: '69.99', currency: 'GBP', url: 'https://shop.test/p/ps5-pad' }];
      laptop.socket.send({ type: 'continue.offer', saved });
      const offer = await laptop.socket.waitFor((f) => f.type === 'continue.offered');
      const got = await redeem(server, { code: offer.code });
      assert.equal(got.status, 200);
      assert.deepEqual(got.json.saved, saved, 'handed on as the first device sent them');

      laptop.socket.send({ type: 'continue.offer' });
      const plain = await laptop.socket.waitFor((f) => f.type === 'continue.offered' && f.code !== offer.code);
      assert.equal('saved' in (await redeem(server, { secret: plain.secret })).json, false, 'none saved: none handed on');

      laptop.socket.send({ type: 'continue.offer', saved: Array.from({ length: 51 }, () => saved[0]) });
      const refused = await laptop.socket.waitFor((f) => f.type === 'error');
      assert.equal(refused.code, 'bad_frame');
      assert.match(refused.message, /"saved" must be an array of at most 50 products/);
    });

    test('the phone redeems the link once and gets its own token for the same conversation, with its transcript', async () => {
      const session = `${kind}-redeem`;
      const { socket: laptop, welcome, offer } = await laptopWithLink(server, session);
      assert.match(offer.secret, /^[A-Za-z0-9_-]{22}$/);
      assert.equal(offer.code.length, 8);
      for (const c of offer.code) assert.ok(CODE_ALPHABET.includes(c), `typable code character ${c}`);
      assert.equal(offer.expires_in_ms, 120_000);

      const got = await redeem(server, { secret: offer.secret });
      assert.equal(got.status, 200);
      assert.equal(got.headers['access-control-allow-origin'], '*');
      assert.equal(got.json.session_id, session);
      assert.notEqual(got.json.resume_token, welcome.resume_token, 'never the first device\'s credential');
      assert.equal(got.json.last_event_seq, laptop.lastSeq);
      assert.deepEqual(got.json.transcript.map((e) => e.role), ['shopper', 'agent']);
      assert.equal(got.json.transcript[0].text, 'do you have PS5 games?');

      const phone = await device(server, { session, token: got.json.resume_token, tab: 'phone' });
      assert.equal(phone.welcome.resumed, true);
      assert.equal(phone.welcome.session_id, session);
      assert.equal(phone.welcome.device, 'second');
      assert.deepEqual(phone.welcome.acked, ['m-1']);
      const replayed = await phone.socket.replyEnd('m-1');
      assert.equal(replayed.event, 'done', 'the phone gets the same transcript');
      assert.deepEqual(await laptop.waitClosed(), { code: 4000, reason: 'replaced:device' });
      assert.equal(welcome.device, undefined, 'the first device is not marked second');

      const again = await redeem(server, { secret: offer.secret });
      assert.equal(again.status, 410);
      assert.equal(again.json.error.code, 'used');
      assert.equal((await redeem(server, { code: offer.code })).json.error.code, 'used', 'its typed code is spent with it');

      const secretsLogged = server.lines.filter((line) => line.includes(offer.secret) || line.includes(offer.code)
        || line.includes(got.json.resume_token));
      assert.deepEqual(secretsLogged, [], 'no secret, code or token in the log');
    });

    test('the typed code is redeemable the same way, in any case and with a dash', async () => {
      const session = `${kind}-code`;
      const { offer } = await laptopWithLink(server, session);
      const typed = `${offer.code.slice(0, 4).toLowerCase()}-${offer.code.slice(4)}`;
      const got = await redeem(server, { code: typed });
      assert.equal(got.status, 200);
      assert.equal(got.json.session_id, session);
      assert.equal((await redeem(server, { secret: offer.secret })).json.error.code, 'used');
    });

    test('an expired link is refused as expired', async () => {
      await post(server, '/__natter/continue/ttl', { ms: 40 });
      const { offer } = await laptopWithLink(server, `${kind}-expired`);
      assert.equal(offer.expires_in_ms, 40);
      await sleep(80);
      const got = await redeem(server, { secret: offer.secret });
      assert.equal(got.status, 410);
      assert.equal(got.json.error.code, 'expired');
      assert.match(got.json.error.message, /expired/);
      assert.equal((await redeem(server, { code: offer.code })).json.error.code, 'expired');
    });

    test('revoke: the first device\'s hello ends the phone\'s socket and kills its token; the first device goes on', async () => {
      const session = `${kind}-revoke`;
      const { socket: laptop, welcome, offer } = await laptopWithLink(server, session);
      const phoneToken = (await redeem(server, { secret: offer.secret })).json.resume_token;
      const phone = await device(server, { session, token: phoneToken, tab: 'phone' });
      await laptop.waitClosed();

      // The phone may not hand the chat on, nor revoke the laptop.
      phone.socket.send({ type: 'continue.offer' });
      assert.equal((await phone.socket.waitFor((f) => f.type === 'error')).code, 'continue_refused');

      const back = await device(server, { session, token: welcome.resume_token, tab: 'laptop', revoke: true });
      assert.equal(back.welcome.resumed, true);
      assert.deepEqual(await phone.socket.waitClosed(), { code: 4000, reason: 'revoked' });

      const dead = await device(server, { session, token: phone.welcome.resume_token, tab: 'phone' });
      assert.notEqual(dead.welcome.session_id, session, 'the revoked token proves nothing');
      assert.equal(dead.welcome.resumed, false);
      back.socket.send(msg('m-2', 'still here?'));
      assert.equal((await back.socket.replyEnd('m-2')).event, 'done', 'the first device keeps going');
    });

    test('a second device cannot revoke the first', async () => {
      const session = `${kind}-no-revoke`;
      const { socket: laptop, welcome, offer } = await laptopWithLink(server, session);
      const phoneToken = (await redeem(server, { secret: offer.secret })).json.resume_token;
      const phone = await device(server, { session, token: phoneToken, tab: 'phone', revoke: true });
      await laptop.waitClosed();
      await phone.socket.close();
      const back = await device(server, { session, token: welcome.resume_token, tab: 'laptop' });
      assert.equal(back.welcome.resumed, true, 'the first device\'s token still proves the session');
    });

    test('guessing typed codes is rate-limited per client; the QR secret is not', async () => {
      const { offer } = await laptopWithLink(server, `${kind}-guess`);
      const wrong = offer.code.startsWith('2') ? '33333333' : '22222222';
      for (let i = 0; i < 10; i += 1) assert.equal((await redeem(server, { code: wrong })).status, 404);
      const limited = await redeem(server, { code: offer.code });
      assert.equal(limited.status, 429);
      assert.equal(limited.json.error.code, 'rate_limited');
      assert.equal(limited.headers['retry-after'], '60');
      assert.equal((await redeem(server, { secret: offer.secret })).status, 200, 'a QR link (unguessable) still works');
    });

    test('bad bodies and a secret in the URL are not redeemed', async () => {
      assert.equal((await redeem(server, { code: 'O0I1L' })).status, 400);
      assert.equal((await redeem(server, {})).status, 400);
      const { offer } = await laptopWithLink(server, `${kind}-url`);
      const inQuery = await request(server.url, { method: 'POST', path: `/api/continue?secret=${offer.secret}` });
      assert.equal(inQuery.status, 400, 'only the body counts');
      assert.equal((await redeem(server, { secret: offer.secret })).status, 200);
    });
  });
}
