// A person from the shop steps in, as shops run it (tests/deploy/
// three-origins.mjs): the shopper's page on https://shop.test under a
// strict CSP, the widget from the CDN, the live session over wss:// through
// HAProxy at https://agent.test; staff call the staff API through the same
// proxy over HTTPS (the console's path), with their bearer credential. The
// AI does not answer while the person has the conversation, the staff reply
// arrives with its author, nothing of the credential reaches the shopper's
// page, and handing back brings the assistant back. No CSP violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { openConnected, type } from '../browser/session-helpers.mjs';
import { startThreeOrigins } from './three-origins.mjs';

const STAFF_TOKEN = 'deploy-staff-token-0123456789abcdef';
let stack;
let livePage;
before(async () => {
  stack = await startThreeOrigins({ staffToken: STAFF_TOKEN });
  livePage = stack.page('/live.html', { csp: stack.csp.strict, data: { transport: 'session' } });
  await stack.context.addInitScript(() => {
    const seen = [];
    Object.defineProperty(window, '__cspViolations', { value: seen });
    window.addEventListener('securitypolicyviolation', (e) => seen.push(e.effectiveDirective), true);
  });
});
after(() => stack?.close());

// The staff API at https://agent.test (HAProxy → gateway), trusting the test CA.
function staff(pathname, body) {
  const { port } = new URL(stack.origins.agent);
  const payload = body === undefined ? null : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port, path: pathname, method: payload ? 'POST' : 'GET', servername: 'agent.test',
      ca: readFileSync(stack.caCert),
      headers: { Host: `agent.test:${port}`, Authorization: `Bearer ${STAFF_TOKEN}`, 'Content-Type': 'application/json' },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(payload ?? undefined);
  });
}

test('across three origins over HTTPS: staff take over through the proxy, the AI stays silent, the staff reply shows its author', async () => {
  await stack.reset();
  const s = await openConnected(stack, { path: livePage });
  const conversation = await s.page.evaluate(() => window.natter('debug').conversation_id);

  await type(s, 'any Switch games?');
  await s.finishedReplies.first().waitFor();
  const taken = await staff(`/staff/conversations/${encodeURIComponent(conversation)}/take`, { name: 'Ana' });
  assert.equal(taken.status, 200, JSON.stringify(taken.body));
  await s.widget.locator('li.notice', { hasText: 'Ana from the shop joined the chat.' }).waitFor();

  await type(s, 'is the PS5 in stock?');
  await s.deliveryLines.last().filter({ hasText: 'Delivered' }).waitFor();
  const replied = await staff(`/staff/conversations/${encodeURIComponent(conversation)}/reply`,
    { name: 'Ana', message_id: 'deploy-m-1', text: 'Yes, **3** left.' });
  assert.equal(replied.status, 200, JSON.stringify(replied.body));
  const staffBubble = s.widget.locator('li.msg.agent.staff');
  await staffBubble.locator('.bubble', { hasText: 'Yes, 3 left.' }).waitFor();
  assert.equal(await staffBubble.locator('.author').textContent(), 'Ana from the shop');
  assert.equal(await s.agentBubbles.count(), 2, 'the AI did not answer the message to the person');

  const back = await staff(`/staff/conversations/${encodeURIComponent(conversation)}/hand-back`, { name: 'Ana' });
  assert.equal(back.status, 200, JSON.stringify(back.body));
  await type(s, 'and Switch games?');
  await s.finishedReplies.nth(2).waitFor();

  const wire = JSON.stringify(s.sockets.map((w) => w.received));
  assert.ok(!wire.includes(STAFF_TOKEN), 'the staff credential never reaches the shopper');
  assert.ok(s.sockets.every((w) => w.url.startsWith('wss://agent.test:')), 'the live session ran over wss:// through the proxy');
  assert.deepEqual(await s.page.evaluate(() => window.__cspViolations), []);
  s.assertClean();
});

test('across three origins: the staff API refuses a request without the credential, through the proxy too', async () => {
  const { port } = new URL(stack.origins.agent);
  const status = await new Promise((resolve, reject) => {
    https.get({
      host: '127.0.0.1', port, path: '/staff/conversations', servername: 'agent.test', ca: readFileSync(stack.caCert),
      headers: { Host: `agent.test:${port}`, Origin: stack.origins.shop },
    }, (res) => { res.resume(); resolve({ code: res.statusCode, acao: res.headers['access-control-allow-origin'] }); })
      .on('error', reject);
  });
  assert.equal(status.code, 401);
  assert.equal(status.acao, undefined, 'no CORS header: a shop page cannot read the staff API');
});
