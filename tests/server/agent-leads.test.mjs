// Leads an agent captures (docs/agents.md, "Leads"): an adapter's `lead`
// events are kept in the shop's record with the conversation (source
// agent) and never reach the shopper; a bad lead or a fourth in one reply
// is dropped with a log line. The openai adapter's trade_in_quote makes its
// accepted quote a lead, through a real gateway and a stand-in model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, parseEvents, postChat, request, startTestServer } from './helpers.mjs';
import { finishChunk, startFakeOpenAi, streamChunks, textChunks, toolCallChunks } from './fake-openai.mjs';
import { createOpenAiAgent } from '../../tools/gateway/agents/openai.mjs';
import { createShopTools } from '../../tools/gateway/agents/shop-tools.mjs';
import { loadCatalogue } from '../../tools/gateway/agents/shop-catalogue.mjs';
import { DEMO_CATALOGUE } from '../../tools/gateway/agents/config.mjs';

const TOKEN = 'staff-token-for-agent-leads-0123456789';

async function gatewayWith(t, agent) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'natter-leads-'));
  const lines = [];
  const server = await startTestServer({ agent, staffToken: TOKEN, log: (l) => lines.push(l), record: { setting: { kind: 'sqlite', file: path.join(dir, 'record.sqlite') } } });
  t.after(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  const leadsOf = (conversation) => eventually(async () => {
    const res = await request(server.url, { path: `/staff/record/conversations/${conversation}`, headers: { Authorization: `Bearer ${TOKEN}` } });
    const c = res.status === 200 ? JSON.parse(res.body).conversation : null;
    return c?.turns.length === 2 && c.leads;
  }, 10_000, 'the recorded turn and its leads');
  return { server, lines, leadsOf };
}

test('an agent\'s leads are recorded with the conversation, never sent to the shopper; bad ones and a fourth are dropped', async (t) => {
  const agent = {
    name: 'leads', paced: false,
    async* reply() {
      yield { event: 'lead', data: { kind: 'callback', data: { when: 'tomorrow morning' } } };
      yield { event: 'delta', data: { text: 'A colleague will call you tomorrow.' } };
      yield { event: 'lead', data: { kind: 'Callback!' } };
      yield { event: 'lead', data: { kind: 'trade_in', data: ['not', 'an', 'object'] } };
      yield { event: 'lead', data: { kind: 'quote' } };
      yield { event: 'lead', data: { kind: 'newsletter' } };
      yield { event: 'lead', data: { kind: 'fourth' } };
    },
  };
  const { server, lines, leadsOf } = await gatewayWith(t, agent);
  const res = await postChat(server.url, { key: 'lead-1', conversation: 'conv-leads', text: 'please call me' });
  assert.equal(res.status, 200);
  const events = parseEvents(res.body);
  assert.deepEqual(events.map((e) => e.event), ['start', 'delta', 'done'], 'no lead goes to the shopper');
  const leads = await leadsOf('conv-leads');
  assert.deepEqual(leads.map((l) => [l.kind, l.source, l.data]),
    [['callback', 'agent', { when: 'tomorrow morning' }], ['quote', 'agent', null], ['newsletter', 'agent', null]]);
  assert.equal(lines.filter((l) => /dropped a lead/.test(l)).length, 3, lines.join('\n'));
});

test('the openai adapter\'s accepted trade-in quote is a trade_in lead', async (t) => {
  const model = await startFakeOpenAi(({ body }, res) => {
    if (body.messages.at(-1).role === 'tool') return streamChunks(res, textChunks('We would pay that.'));
    return streamChunks(res, [...toolCallChunks(0, 'q1', 'trade_in_quote', [JSON.stringify({ item: 'Switch OLED', condition: 'good' })]), finishChunk('tool_calls')]);
  });
  t.after(() => model.close());
  const agent = createOpenAiAgent({ baseUrl: model.baseUrl, model: 'fake-1', tools: createShopTools({ products: loadCatalogue(DEMO_CATALOGUE) }) });
  const { server, leadsOf } = await gatewayWith(t, agent);
  const res = await postChat(server.url, { key: 'lead-2', conversation: 'conv-trade', text: 'what for my Switch OLED?' });
  assert.equal(res.status, 200);
  assert.ok(!parseEvents(res.body).some((e) => e.event === 'lead'));
  const [lead] = await leadsOf('conv-trade');
  assert.equal(lead.kind, 'trade_in');
  assert.equal(lead.source, 'agent');
  assert.deepEqual(Object.keys(lead.data), ['item', 'condition', 'offer', 'currency']);
  assert.equal(lead.data.item, 'Nintendo Switch OLED');
});
