// What each agent adapter makes of a message's photos (docs/agents.md,
// "Attachments"): the webhook's payload carries `attachments` with the
// bytes in base64 and no secret; the OpenAI-compatible adapter sends the
// text and an image_url part (a data: URL) per photo; the scripted demo
// agent thanks the shopper for the photo in the page's language.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { conversationKeyFor, parseEvents, postChat, replyText, startTestServer } from './helpers.mjs';
import { startFakeOpenAi, textChunks } from './fake-openai.mjs';
import { png, upload, webpHeader } from './attachment-helpers.mjs';
import { createWebhookAgent } from '../../tools/gateway/agents/webhook.mjs';
import { createOpenAiAgent } from '../../tools/gateway/agents/openai.mjs';
import { createShopTools } from '../../tools/gateway/agents/shop-tools.mjs';

const closers = [];
after(async () => { for (const close of closers.reverse()) await close(); });

// A message with photos, uploaded first as the widget will: resolves the
// chat response, the photos' bytes and the conversation's key.
async function sendWithPhotos(url, { text = 'is it broken?', photos, context }) {
  const conversation = randomUUID();
  const key = conversationKeyFor(conversation);
  const id = randomUUID();
  const ids = [];
  for (const [index, { type, bytes }] of photos.entries()) {
    const res = await upload(url, { query: { conversation_id: conversation, message_id: id, index }, key, type, bytes });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    ids.push(res.json.attachment.id);
  }
  const body = { message_id: id, conversation_id: conversation, conversation_key: key, text, attachments: ids, ...(context ? { context } : {}) };
  const res = await postChat(url, { key: id, body: JSON.stringify(body) });
  return { res, ids, key };
}

test('webhook: the payload\'s attachments carry id, type, size, width, height and the bytes in base64; no secret', async () => {
  const payloads = [];
  const shop = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    payloads.push(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
    res.end('{"event":"delta","data":{"text":"Looks cracked."}}\n{"event":"done","data":{}}\n');
  });
  await new Promise((r) => shop.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => shop.close(r)));
  const secret = 'webhook-signing-secret-0123456789abcdef';
  const gateway = await startTestServer({ agent: createWebhookAgent({ url: `http://127.0.0.1:${shop.address().port}/turn`, secret }) });
  closers.push(() => gateway.close());
  const photo = png(40, 30);
  const { res, ids, key } = await sendWithPhotos(gateway.url, { photos: [{ type: 'image/png', bytes: photo }, { type: 'image/webp', bytes: webpHeader(300, 200) }] });
  assert.equal(res.status, 200, res.body);
  assert.equal(replyText(parseEvents(res.body)), 'Looks cracked.');
  assert.equal(payloads.length, 1);
  const turn = JSON.parse(payloads[0]);
  assert.equal(turn.text, 'is it broken?');
  assert.deepEqual(turn.attachments.map(({ data, ...meta }) => meta), [
    { id: ids[0], type: 'image/png', size: photo.length, width: 40, height: 30 },
    { id: ids[1], type: 'image/webp', size: webpHeader().length, width: 300, height: 200 },
  ]);
  assert.equal(Buffer.from(turn.attachments[0].data, 'base64').equals(photo), true);
  assert.equal(payloads[0].includes(key), false, 'the conversation_key never reaches the shop');
  assert.equal(payloads[0].includes(secret), false);
});

test('openai: the user message is a text part and an image_url data: URL per photo; the transcript stays text', async () => {
  const model = await startFakeOpenAi((request, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    for (const c of textChunks('I can see a ', 'cracked stick.')) res.write(`data: ${JSON.stringify(c)}\n\n`);
    res.end('data: [DONE]\n\n');
  });
  closers.push(() => model.close());
  const apiKey = 'sk-test-attachments-0123456789';
  const agent = createOpenAiAgent({ baseUrl: model.baseUrl, model: 'fake-1', apiKey, tools: createShopTools({ products: [] }) });
  const gateway = await startTestServer({ agent });
  closers.push(() => gateway.close());
  const photo = png(16, 16);
  const { res } = await sendWithPhotos(gateway.url, { text: 'what is wrong with it?', photos: [{ type: 'image/png', bytes: photo }] });
  assert.equal(res.status, 200, res.body);
  assert.equal(replyText(parseEvents(res.body)), 'I can see a cracked stick.');
  assert.equal(model.requests.length, 1);
  const user = model.requests[0].body.messages.filter((m) => m.role === 'user').at(-1);
  assert.deepEqual(user.content, [
    { type: 'text', text: 'what is wrong with it?' },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${photo.toString('base64')}` } },
  ]);
  // Words only: the content stays a string, as models without vision expect.
  const conversation = randomUUID();
  const id = randomUUID();
  const plain = await postChat(gateway.url, { key: id, body: JSON.stringify({ message_id: id, conversation_id: conversation, conversation_key: conversationKeyFor(conversation), text: 'hello' }) });
  assert.equal(plain.status, 200);
  assert.equal(model.requests.at(-1).body.messages.at(-1).content, 'hello');
});

test('the scripted demo agent thanks the shopper for the photo, in English, German or Arabic, then answers the words', async () => {
  const gateway = await startTestServer({});
  closers.push(() => gateway.close());
  const photos = [{ type: 'image/png', bytes: png() }];
  const en = await sendWithPhotos(gateway.url, { text: 'hi', photos });
  assert.match(replyText(parseEvents(en.res.body)), /^Thanks for the photo! .*\n\nHi! I'm the \*\*Pixel Harbour Games\*\* assistant/s);
  const de = await sendWithPhotos(gateway.url, { text: '', photos: [...photos, { type: 'image/png', bytes: png() }], context: { locale: 'de-DE' } });
  assert.equal(de.res.status, 200, de.res.body);
  assert.match(replyText(parseEvents(de.res.body)), /^Danke für die 2 Fotos!/);
  const ar = await sendWithPhotos(gateway.url, { text: '', photos, context: { locale: 'ar' } });
  assert.match(replyText(parseEvents(ar.res.body)), /^شكرًا على الصورة!/);
  const none = await postChat(gateway.url, { text: 'hi', conversation: randomUUID() });
  assert.doesNotMatch(replyText(parseEvents(none.body)), /photo/, 'no photo, no thanks');
});
