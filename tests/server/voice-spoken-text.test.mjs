// The agent's Markdown read aloud while it streams (tools/gateway/voice/spoken-text.mjs):
// however the reply is cut into deltas, the pieces joined are what
// speakable() makes of the whole reply; the first piece is short; a link
// split over deltas is never read as its URL; the pieces are bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FIRST_PIECE_CHARS, MAX_SPOKEN_CHARS, MIN_LATER_PIECE_CHARS, createSpokenStream, speakable,
} from '../../tools/gateway/voice/spoken-text.mjs';

const REPLIES = [
  'Yes! We have **two**:\n- [Astro Bot](https://x.example/a) for **£49.99**\n- *GT7*',
  'Yes! We have 3 PS5 games: Astro Bot (PS5) for £49.99. Gran Turismo 7 (PS5) for £39.99, and more. See [the list](https://a.b/c).',
  'The price of this wonderful console that everyone wants, as you asked, is £499.99. Ok. Yes. That is all, thanks.',
  'Sentence number one is here. '.repeat(40),
  'A [link with no end',
  '[1] note: see. And [x] (y) more. Fine.',
  '# Title\n\nFirst line\n\n1. one\n2. two',
];

// A seeded generator: the same deltas on every run.
function seeded(seed) {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
}

function streamed(reply, random) {
  const stream = createSpokenStream();
  const pieces = [];
  for (let i = 0; i < reply.length;) {
    const n = 1 + Math.floor(random() * 9);
    pieces.push(...stream.push(reply.slice(i, i + n)));
    i += n;
  }
  return [...pieces, ...stream.end()];
}

test('any cut into deltas: the pieces joined are speakable() of the whole reply', () => {
  const random = seeded(55);
  for (const reply of REPLIES) {
    for (let trial = 0; trial < 150; trial++) assert.equal(streamed(reply, random).join(' '), speakable(reply), JSON.stringify(reply));
  }
});

test('a piece is out as soon as its sentence is whole; a long first sentence first up to its comma', () => {
  const stream = createSpokenStream();
  assert.deepEqual(stream.push('Yes! We have'), ['Yes!'], 'the first sentence, short as it is');
  assert.deepEqual(stream.push(' three PS5 games.'), [], 'a full stop may be a price\'s: not before what follows');
  assert.deepEqual(stream.push(' Astro'), ['We have three PS5 games.']);
  const long = createSpokenStream();
  const first = long.push('The price of this wonderful console that everyone wants, as you');
  assert.deepEqual(first, ['The price of this wonderful console that everyone wants,']);
  assert.ok('The price of this wonderful console that everyone wants, as you'.length > FIRST_PIECE_CHARS);
});

test('a link split over deltas is held until it is whole, then read as its label', () => {
  const stream = createSpokenStream();
  assert.deepEqual(stream.push('Yes! See [Astro Bot](https://shop.exa'), ['Yes!']);
  assert.deepEqual(stream.push('mple/a) for £49.99. It is '), ['See Astro Bot for £49.99.']);
  assert.deepEqual(stream.end(), ['It is.']);
});

test('bounded: at most MAX_SPOKEN_CHARS said, short later sentences joined, nothing read past the cap', () => {
  const stream = createSpokenStream();
  const pieces = [];
  for (let i = 0; i < 2000; i++) pieces.push(...stream.push('No. '));
  pieces.push(...stream.end());
  assert.ok(pieces.join(' ').length <= MAX_SPOKEN_CHARS);
  assert.ok(pieces.slice(1, -1).every((p) => p.length >= MIN_LATER_PIECE_CHARS), JSON.stringify(pieces.slice(0, 4)));
  assert.ok(pieces.length <= MAX_SPOKEN_CHARS / MIN_LATER_PIECE_CHARS + 2, `${pieces.length} pieces`);
  assert.deepEqual(stream.push('More. '), [], 'nothing after the cap');
});
