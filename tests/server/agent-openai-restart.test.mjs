// The shop's model is called once per message id across a gateway restart
// when the gateway keeps its state in Redis: the retry after the restart is
// answered from the stored reply. With the in-memory store a restart forgets
// the record, and the retry asks the model again (docs/deploying.md says so).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentFromEnv } from '../../tools/gateway/agents/config.mjs';
import { startFakeOpenAi, streamChunks, textChunks } from './fake-openai.mjs';
import { parseEvents, postChat, replyText, startTestServer } from './helpers.mjs';
import { startRedis } from './redis-helpers.mjs';

let model;
let redis;
let env;
before(async () => {
  model = await startFakeOpenAi(({ body }, res) => {
    const said = body.messages.filter((m) => m.role === 'user').at(-1).content;
    streamChunks(res, textChunks(`You said ${said}`));
  });
  redis = await startRedis();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-catalogue-'));
  writeFileSync(path.join(dir, 'catalogue.json'), JSON.stringify([
    { id: 'astro', name: 'Astro Bot (PS5)', price: '49.99', currency: 'GBP', url: 'https://games.example/astro', tags: ['ps5'] },
  ]));
  env = {
    NATTER_AGENT: 'openai', NATTER_OPENAI_BASE_URL: model.baseUrl, NATTER_OPENAI_MODEL: 'fake-1',
    NATTER_OPENAI_API_KEY: 'sk-test-restart', NATTER_CATALOGUE: path.join(dir, 'catalogue.json'),
  };
});
after(async () => {
  await redis.stop();
  await model.close();
});

// A gateway process's worth of state: a fresh agent and a fresh server.
const gateway = (redisUrl) => startTestServer({ agent: agentFromEnv(env, { log: () => {} }).agent, redisUrl });

async function askAcrossRestart(redisUrl, key, text) {
  const first = await gateway(redisUrl);
  const before = parseEvents((await postChat(first.url, { key, text })).body);
  await first.close();
  const second = await gateway(redisUrl);
  try {
    const again = parseEvents((await postChat(second.url, { key, text })).body);
    return { before, again };
  } finally {
    await second.close();
  }
}

test('with Redis, a message retried after a gateway restart is answered from the record: the model ran once', async () => {
  const { before, again } = await askAcrossRestart(redis.url, 'oa-restart-redis', 'remember me');
  assert.equal(replyText(before), 'You said remember me');
  assert.equal(replyText(again), 'You said remember me');
  assert.equal(model.requestsFor('remember me').length, 1);
});

test('in memory, a restart forgets the record: the retry asks the model again', async () => {
  const { again } = await askAcrossRestart('', 'oa-restart-memory', 'forget me');
  assert.equal(replyText(again), 'You said forget me');
  assert.equal(model.requestsFor('forget me').length, 2);
});
