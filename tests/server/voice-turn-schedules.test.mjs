// Seeded schedules for the voice gateway's end of turn
// (tools/gateway/voice/turn-taking.mjs): a shopper speaks turns of words with
// pauses inside them (after "um", "and", "the": still thinking) and between
// them; a recogniser answers each speculative attempt after a random delay,
// with the words said up to the attempt's audio. Every seed checks:
//   - each turn ends exactly once, after its last loud frame: the agent
//     never answers a turn the shopper had not finished;
//   - the words a turn ends with are the whole turn's, never those of an
//     attempt the shopper spoke past (cancelled), and no attempt ends two
//     turns: no answer is spoken twice or to half a question;
//   - at most one recognition is in flight;
//   - the turn ends within the stretched window of its last loud frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TurnTaker, TURN_SETTINGS } from '../../tools/gateway/voice/turn-taking.mjs';

const FRAME_MS = 20;

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

// A shopper's script: frames (loud or quiet), with for each turn its words
// and the frame of its last loud frame.
function script(rand, settings) {
  const frames = []; // {loud, turn, word: the words said so far in the turn when this frame is heard}
  const turns = [];
  frames.push(...Array.from({ length: 10 }, () => ({ loud: false, turn: -1 })));
  const nTurns = 2 + Math.floor(rand() * 4);
  for (let t = 0; t < nTurns; t++) {
    const words = [];
    const nWords = 1 + Math.floor(rand() * 5);
    for (let w = 0; w < nWords; w++) {
      const last = w === nWords - 1;
      // Inside a turn: a long pause only after a word that promises more.
      const thinking = !last && rand() < 0.4;
      const word = last ? 'games' : thinking ? ['um', 'and', 'the'][Math.floor(rand() * 3)] : `w${w}`;
      const len = 10 + Math.floor(rand() * 15); // 200..480 ms: every turn is speech, not a cough
      for (let i = 0; i < len; i++) frames.push({ loud: true, turn: t, words: [...words, word] });
      words.push(word);
      if (last) break;
      // A short gap (< the speculation delay) after an ordinary word; up to
      // most of the stretched window after a thinking word.
      const gapMs = thinking ? settings.speculateMs + rand() * (settings.unfinishedQuietMs - settings.speculateMs - 200)
        : rand() * (settings.speculateMs - FRAME_MS);
      for (let i = 0; i < Math.floor(gapMs / FRAME_MS); i++) frames.push({ loud: false, turn: t, words: [...words] });
    }
    turns.push({ words, lastLoud: frames.length - 1 });
    const between = 1500 + rand() * 1500; // past every window
    for (let i = 0; i < between / FRAME_MS; i++) frames.push({ loud: false, turn: t, words: [...words] });
  }
  return { frames, turns };
}

function runSchedule(seed, settings) {
  const rand = rng(seed);
  const { frames, turns } = script(rand, settings);
  const taker = new TurnTaker(settings, { recognises: true });
  const attempts = new Map(); // id -> {words, back: frame index it answers at, cancelled}
  const ends = [];
  let inFlight = 0;
  const apply = (actions, at) => {
    for (const a of actions) {
      if (a.speculate) {
        inFlight += 1;
        assert.ok(inFlight <= 1, `seed ${seed}: two recognitions in flight at frame ${at}`);
        attempts.set(a.speculate.id, { words: frames[at].words ?? [], back: at + 1 + Math.floor(rand() * 40), cancelled: false, used: false });
      } else if (a.cancel) {
        const x = attempts.get(a.cancel);
        assert.ok(x && !x.used, `seed ${seed}: cancel of an unknown or used attempt`);
        x.cancelled = true;
      } else if (a.end) {
        ends.push({ at, ...a.end });
      }
    }
  };
  for (let at = 0; at < frames.length; at++) {
    apply(taker.frame(frames[at].loud), at);
    for (const [id, x] of attempts) {
      if (x.back === at) {
        inFlight -= 1;
        x.back = -1;
        apply(taker.recognized(id, x.words.join(' ')), at);
      }
    }
  }
  // Each turn ends once, after its last loud frame and before the next turn's first.
  assert.equal(ends.length, turns.length, `seed ${seed}: ${ends.length} ends for ${turns.length} turns`);
  ends.forEach((end, t) => {
    assert.ok(end.at > turns[t].lastLoud, `seed ${seed}: turn ${t} ended at frame ${end.at}, before its last word (${turns[t].lastLoud})`);
    const window = Math.max(settings.unfinishedQuietMs ?? 0, settings.quietMs) / FRAME_MS;
    assert.ok(end.at <= turns[t].lastLoud + window + 2, `seed ${seed}: turn ${t} ended ${end.at - turns[t].lastLoud} frames after its last word`);
    if (end.id != null) {
      const x = attempts.get(end.id);
      assert.ok(!x.cancelled, `seed ${seed}: turn ${t} ended with the words of a cancelled attempt`);
      assert.ok(!x.used, `seed ${seed}: attempt ${end.id} ended two turns`);
      x.used = true;
      assert.deepEqual(x.words, turns[t].words, `seed ${seed}: turn ${t} ended with half its words`);
    }
  });
  return { ends, attempts: [...attempts.values()] };
}

test('adaptive end of turn: 300 seeded schedules, each turn answered once, whole, after its last word', () => {
  let speculative = 0, cancelled = 0, early = 0;
  for (let seed = 1; seed <= 300; seed++) {
    const r = runSchedule(seed, TURN_SETTINGS.adaptive);
    speculative += r.attempts.length;
    cancelled += r.attempts.filter((a) => a.cancelled).length;
    early += r.ends.filter((e) => e.id != null).length;
  }
  // The schedules reach the cases that matter: attempts cancelled by the
  // shopper going on, and turns ended on a speculative attempt's words.
  assert.ok(cancelled > 50, `only ${cancelled} of ${speculative} attempts cancelled`);
  assert.ok(early > 200, `only ${early} turns ended on a speculative attempt`);
});

test('a finished question ends the turn when its words come back, well before the fixed 600 ms', () => {
  const taker = new TurnTaker(TURN_SETTINGS.adaptive, { recognises: true });
  const actions = [];
  for (let i = 0; i < 30; i++) actions.push(...taker.frame(true));
  let quiet = 0;
  let attempt = null;
  while (!attempt) { quiet += 1; attempt = taker.frame(false).find((a) => a.speculate); }
  assert.equal(quiet * FRAME_MS, TURN_SETTINGS.adaptive.speculateMs);
  for (let i = 0; i < 5; i++) assert.deepEqual(taker.frame(false), []);
  assert.deepEqual(taker.recognized(attempt.speculate.id, 'do you have xbox games'), [{ end: { ms: 600, id: attempt.speculate.id } }]);
});

test('after "um" the window stretches: no end at 600 ms, the end at the stretched window', () => {
  const taker = new TurnTaker(TURN_SETTINGS.adaptive, { recognises: true });
  for (let i = 0; i < 30; i++) taker.frame(true);
  let attempt = null;
  let quiet = 0;
  while (!attempt) { quiet += 1; attempt = taker.frame(false).find((a) => a.speculate); }
  assert.deepEqual(taker.recognized(attempt.speculate.id, 'do you have um'), []);
  let end = null;
  while (!end) { quiet += 1; end = taker.frame(false).find((a) => a.end); }
  assert.equal(quiet * FRAME_MS, TURN_SETTINGS.adaptive.unfinishedQuietMs);
  assert.equal(end.end.id, attempt.speculate.id);
});

test('fixed turns: no speculation, the end after 600 ms of quiet, whatever a recogniser would say', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const taker = new TurnTaker(TURN_SETTINGS.fixed, { recognises: true });
    for (let i = 0; i < 20; i++) assert.deepEqual(taker.frame(true), []);
    let quiet = 0;
    let out = [];
    while (out.length === 0) { quiet += 1; out = taker.frame(false); }
    assert.equal(quiet * FRAME_MS, 600);
    assert.deepEqual(out, [{ end: { ms: 400, id: null } }]);
  }
});
