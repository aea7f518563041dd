// Reply chips and link buttons (the `suggestions` event) from each adapter:
// the gateway's checks (count, length, https; what fails is dropped one by
// one with a log line), the scripted demo's trade-in answer, the openai
// adapter's suggest_replies tool, and the live session's feature gate (a
// widget that did not name "suggestions" never gets the event).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentFromEnv } from '../../tools/gateway/agents/config.mjs';
import { agentReply } from '../../tools/gateway/agents/index.mjs';
import { checkSuggestions, MAX_TEXT } from '../../tools/gateway/agents/suggestions.mjs';
import { finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks } from './fake-openai.mjs';
import { parseEvents, postChat, replyText, startTestServer } from './helpers.mjs';
import { closeAllSockets, connect, helloFrame, msg } from './session-helpers.mjs';

test('checkSuggestions keeps at most 4 short distinct replies and 2 https links, and says why it dropped the rest', () => {
  const long = 'x'.repeat(MAX_TEXT + 1);
  const { data, dropped } = checkSuggestions({
    replies: ['Yes', ' No \n', 'Yes', '', 7, long, 'Maybe', 'Later', 'Fifth'],
    links: [
      { text: 'Sizes', url: 'https://shop.example/sizes' }, { text: 'Plain', url: 'http://shop.example/' },
      { text: 'Script', url: 'javascript:alert(1)' }, { text: 'Returns', url: 'https://shop.example/returns' },
      { text: 'Third', url: 'https://shop.example/3' }, 'https://shop.example/bare',
    ],
  });
  assert.deepEqual(data, {
    replies: ['Yes', 'No', 'Maybe', 'Later'],
    links: [{ text: 'Sizes', url: 'https://shop.example/sizes' }, { text: 'Returns', url: 'https://shop.example/returns' }],
  });
  assert.equal(dropped.length, 9);
  assert.ok(dropped.some((why) => /url must be https/.test(why)));
  assert.equal(checkSuggestions({ replies: 'Yes' }).data, null);
  assert.deepEqual(checkSuggestions({ replies: 'Yes' }).dropped, ['suggestions.replies must be an array']);
});

test('agentReply passes the checked event on and logs each dropped item; an event with nothing left is dropped', async () => {
  const lines = [];
  const adapter = {
    name: 'fake',
    async* reply() {
      yield { event: 'delta', data: { text: 'Which?' } };
      yield { event: 'suggestions', data: { replies: ['A', 'B'], links: [{ text: 'Evil', url: 'javascript:x' }] } };
      yield { event: 'suggestions', data: { replies: [''] } };
    },
  };
  const events = [];
  for await (const e of agentReply(adapter, { message_id: 'm-1234567890' }, { replyId: 'r', log: (l) => lines.push(l) })) events.push(e);
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'suggestions', 'done']);
  assert.deepEqual(events[2].data, { replies: ['A', 'B'], links: [] });
  assert.equal(lines.filter((l) => /dropped a suggestion: a link's url must be https/.test(l)).length, 1);
  assert.equal(lines.filter((l) => /dropped an event: suggestions: nothing passed the checks/.test(l)).length, 1);
});

let gateway;
let openaiGateway;
let model;
before(async () => {
  gateway = await startTestServer();
  model = await startFakeOpenAi(({ body }, res) => {
    const afterTools = body.messages.at(-1).role === 'tool';
    if (afterTools) return streamChunks(res, textChunks('Tap one.'));
    const args = JSON.stringify({
      replies: ['PS5', 'Xbox', 'Switch', 'PC', 'Fifth one'],
      links: [{ text: 'All games', url: 'https://games.example/all' }, { text: 'Not https', url: 'http://games.example/' }],
    });
    return streamChunks(res, [
      ...textChunks('Which console?'),
      ...toolCallChunks(0, 'call_s', 'suggest_replies', [args.slice(0, 20), args.slice(20)]),
      ...toolCallChunks(1, 'call_t', 'suggest_replies', ['{"replies":["Again"]}']),
      finishChunk('tool_calls'),
    ]);
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-catalogue-'));
  writeFileSync(path.join(dir, 'catalogue.json'), JSON.stringify([
    { id: 'astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', url: 'https://games.example/astro' }]));
  const lines = [];
  const chosen = agentFromEnv({
    NATTER_AGENT: 'openai', NATTER_OPENAI_BASE_URL: model.baseUrl, NATTER_OPENAI_MODEL: 'fake-1',
    NATTER_CATALOGUE: path.join(dir, 'catalogue.json'),
  }, { log: (line) => lines.push(line) });
  openaiGateway = await startTestServer({ agent: chosen.agent });
});
after(async () => {
  closeAllSockets();
  await gateway?.close();
  await openaiGateway?.close();
  await model?.close();
});

const TRADE_IN = {
  replies: ['PS5 games', 'Controllers under 50'],
  links: [{ text: 'Trade-in page', url: 'https://shop.example/trade-in' }],
};

test('the scripted demo offers chips and the trade-in page as a button under its trade-in answer', async () => {
  const events = parseEvents((await postChat(gateway.url, { key: 'sg-trade', text: 'can I trade in my old console?' })).body);
  const offered = events.filter((e) => e.event === 'suggestions');
  assert.deepEqual(offered.map((e) => e.data), [TRADE_IN]);
  assert.equal(events.at(-2).event, 'suggestions'); // after the text and cards, before done
  const plain = parseEvents((await postChat(gateway.url, { key: 'sg-ps5', text: 'do you have PS5 games?' })).body);
  assert.equal(plain.filter((e) => e.event === 'suggestions').length, 0);
});

test('the openai adapter turns one suggest_replies call into one checked event; a second call in the turn is ignored', async () => {
  const events = parseEvents((await postChat(openaiGateway.url, { key: 'sg-oa', text: 'which games?' })).body);
  const offered = events.filter((e) => e.event === 'suggestions');
  assert.deepEqual(offered.map((e) => e.data), [{
    replies: ['PS5', 'Xbox', 'Switch', 'PC'], links: [{ text: 'All games', url: 'https://games.example/all' }],
  }]);
  assert.equal(replyText(events), 'Which console?\n\nTap one.');
  const toolResults = model.requestsFor('which games?')[1].body.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content));
  assert.equal(toolResults[0].shown, true);
  assert.equal(toolResults[0].dropped.length, 2);
});

async function trade(features, key) {
  const socket = await connect(gateway.url);
  socket.send(helloFrame({ session: `sg-${key}`, features }));
  await socket.waitFor((f) => f.type === 'welcome');
  socket.send(msg(`sg-${key}`, 'can I trade in my old console?'));
  await socket.waitFor((f) => f.type === 'event' && f.event === 'done');
  return socket.frames.filter((f) => f.type === 'event');
}

test('over the live session a widget that named "suggestions" gets the event; one that did not gets a bare start in its place', async () => {
  const current = await trade(['handoff', 'presence', 'suggestions'], 'new');
  assert.deepEqual(current.filter((f) => f.event === 'suggestions').map((f) => f.data), [TRADE_IN]);
  const older = await trade(['handoff', 'presence'], 'old');
  assert.equal(older.filter((f) => f.event === 'suggestions').length, 0);
  assert.equal(older.length, current.length); // same seqs: the old core applies each one
  assert.deepEqual(older.map((f) => f.seq), current.map((f) => f.seq));
});
