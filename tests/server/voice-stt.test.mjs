// The voice agent hears what was asked: espeak-ng recordings (the shopper's
// voice of voice-helpers.mjs, not the agent's) of ten shop
// questions go through the offline recogniser (pocketsphinx with the
// grammar built from the shop's catalogue) and then the text agent.
// Word error rate on the set is held under WER_LIMIT, and at least 8 of the
// 10 answers must be about the product asked for.
//
// WER_LIMIT 0.25: with the grammar the recogniser makes 10 errors in 59
// words on this set (0.169: "a" slipped in before "PS5", a trailing
// "games" or "horizon" dropped, "Have you got Mario Kart?" not recognised
// at all: "kart" is not in the dictionary); the same recordings without the
// grammar score 0.983 (58/59). The pipeline is deterministic (espeak-ng,
// sox without dither, pocketsphinx), so the figure is the same every run;
// the limit leaves room for espeak-ng and pocketsphinx updates and still
// fails a grammar that stops covering the catalogue.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { shopperSpeech } from './voice-helpers.mjs';
import { createPocketsphinxStt } from '../../tools/gateway/voice/stt-pocketsphinx.mjs';
import { spokenForm } from '../../tools/gateway/voice/shop-grammar.mjs';
import { loadCatalogue } from '../../tools/gateway/agents/shop-catalogue.mjs';
import { DEMO_CATALOGUE } from '../../tools/gateway/agents/config.mjs';
import { composeReply } from '../../tools/gateway/agents/demo/storefront-agent.mjs';
import { QUESTIONS, wordErrors } from './voice-questions.mjs';

export const WER_LIMIT = 0.25;

function answersAbout(text, expected) {
  const reply = composeReply(text);
  if (expected === 'trade-in') return /\*\*trade in\*\*/.test(reply.text);
  const ids = reply.products.map((p) => p.id);
  return expected.every((id) => ids.includes(id));
}

let stt;
let heard;
before(async () => {
  stt = createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE) });
  heard = [];
  for (const [question] of QUESTIONS) heard.push(await stt.transcribe(shopperSpeech(question)));
});

test('the word error rate on ten spoken shop questions stays under the limit', () => {
  let errors = 0;
  let words = 0;
  const lines = [];
  for (const [i, [question]] of QUESTIONS.entries()) {
    const reference = spokenForm(question);
    const e = wordErrors(reference, spokenForm(heard[i]));
    errors += e;
    words += reference.split(' ').length;
    lines.push(`${JSON.stringify(question)} heard ${JSON.stringify(heard[i])} (${e} errors)`);
  }
  const wer = errors / words;
  console.log(`# word error rate ${errors}/${words} = ${wer.toFixed(3)}\n# ${lines.join('\n# ')}`);
  assert.ok(wer <= WER_LIMIT, `WER ${wer.toFixed(3)} over ${WER_LIMIT}:\n${lines.join('\n')}`);
});

test('at least 8 of the 10 spoken questions get an answer about the product asked for', () => {
  const about = QUESTIONS.map(([, expected], i) => answersAbout(heard[i], expected));
  const misses = QUESTIONS.filter((_, i) => !about[i]).map(([q], i) => `${q} (heard ${JSON.stringify(heard[i])})`);
  assert.ok(about.filter(Boolean).length >= 8, `missed: ${misses.join('; ')}`);
});

test('the word error rate counts substitutions, insertions and deletions', () => {
  assert.equal(wordErrors('do you have xbox games', 'do you have xbox games'), 0);
  assert.equal(wordErrors('do you have xbox games', 'do you have xbox'), 1);
  assert.equal(wordErrors('have you got mario kart', 'have you got a mario console'), 2);
  assert.equal(wordErrors('a b', ''), 2);
});

// The recogniser reads only the grammar's words from the dictionary (a
// third of the time per utterance): it must hear exactly what it heard with
// the whole dictionary.
test('the grammar\'s own dictionary hears the same words as the whole one', async () => {
  const whole = createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE), wholeDictionary: true });
  const heardWhole = [];
  for (const [question] of QUESTIONS) heardWhole.push(await whole.transcribe(shopperSpeech(question)));
  assert.deepEqual(heard, heardWhole);
});

// The resident decoder (one pocketsphinx kept loaded, recogniser/) hears
// exactly what a fresh pocketsphinx_continuous hears for each utterance,
// whatever it heard before: the ten questions forwards (the shared `stt`,
// resident) and backwards against one process per utterance.
test('the resident decoder hears what a fresh pocketsphinx hears, in any order', async () => {
  assert.equal(stt.engine, 'resident', `the resident decoder did not start: ${stt.why}`);
  const fresh = createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE), resident: false });
  assert.equal(fresh.engine, 'per-utterance');
  const heardFresh = [];
  for (const [question] of QUESTIONS) heardFresh.push(await fresh.transcribe(shopperSpeech(question)));
  assert.deepEqual(heard, heardFresh);
  const backwards = [];
  for (const [question] of [...QUESTIONS].reverse()) backwards.unshift(await stt.transcribe(shopperSpeech(question)));
  assert.deepEqual(backwards, heardFresh);
});

// Recognisers of one catalogue share one folder, and an utterance's file is
// removed once heard: a start or a test run leaves nothing new behind.
test('recognisers leave no folder or utterance file behind', async () => {
  const { readdirSync } = await import('node:fs');
  const a = createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE) });
  const b = createPocketsphinxStt({ products: loadCatalogue(DEMO_CATALOGUE) });
  assert.equal(a.folder, stt.folder);
  assert.equal(b.folder, stt.folder);
  await a.transcribe(shopperSpeech(QUESTIONS[0][0]));
  await b.transcribe(shopperSpeech(QUESTIONS[0][0]));
  const files = readdirSync(stt.folder);
  assert.ok(files.includes('shop.gram') && files.includes('shop.dict'));
  // Other processes (another test run) may share the folder: only this one's utterances are looked at.
  assert.deepEqual(files.filter((f) => f.startsWith(`utterance-${process.pid}-`)), []);
});
