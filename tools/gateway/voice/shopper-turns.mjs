// The shopper's turns in a voice call (voice-gateway.mjs owns the calls):
// each decoded frame is recorded and judged loud or quiet, the turn taker
// (turn-taking.mjs) decides when the turn ended, speculative recognitions
// run meanwhile, and each ended turn is answered: by the voice agent
// (`answer`: speech to text, then the text agent) or the next scripted line.
import { SAMPLE_RATE, FRAME_SAMPLES } from './opus-frames.mjs';
import { frameDbfs } from './speech-segmenter.mjs';
import { heardFrame } from './voice-frames.mjs';
import { shopperBubbleId } from './agent-speaker.mjs';
import { RECOGNISER_BUSY } from './recogniser/resident-recogniser.mjs';
import { TurnTiming } from './turn-timing.mjs';

const SEGMENT_MARGIN_MS = 1000; // heard before and after a segment's loud frames (onset, 600 ms of quiet)
const SPECULATION_MARGIN_MS = 400; // heard before a speculative attempt's segment (its onset)

// `speaker`: the agent's side of the call (agent-speaker.mjs); `now`: the
// gateway's clock (ms), which times each answered turn (turn-timing.mjs).
export function createShopperTurns({ turnSettings, transcribe, answer, lines, totals, tap, log, speaker, now }) {
  const { say, transcript } = speaker;
  // A recognition refused because the recogniser's queue was full fails like
  // any other (no words, no answer) and is counted for /metrics.
  const countRefused = (error) => { if (error?.code === RECOGNISER_BUSY) totals.recognitions_refused += 1; };
  // `arrivedAt`: when the packet that brought `pcm` arrived (the gateway's clock).
  function take(call, pcm, arrivedAt) {
    call.record(pcm);
    for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
      const loud = frameDbfs(pcm.subarray(at, at + FRAME_SAMPLES)) >= turnSettings.thresholdDbfs;
      const actions = call.turns.frame(loud);
      // A loud frame of the turn (not a click before its onset): where the shopper's wait starts.
      if (loud && call.turns.speaking) call.lastVoicedAt = arrivedAt;
      act(call, actions);
    }
  }

  // Carries out the turn taker's actions (turn-taking.mjs).
  function act(call, actions) {
    for (const a of actions) {
      if (a.speculate) speculate(call, a.speculate);
      else if (a.cancel) {
        if (call.attempts.delete(a.cancel)) totals.speculations_cancelled += 1;
      } else if (a.end) heardSegment(call, a.end.ms, a.end.id);
    }
  }

  // Recognises the turn so far while the shopper is quiet, before the turn is
  // certain: its words come back to the turn taker, which may end the turn on
  // them. At most one attempt per call is in flight (turn-taking.mjs).
  function speculate(call, { id, ms }) {
    totals.speculations += 1;
    const pcm = call.recentAudio(((ms + SPECULATION_MARGIN_MS) * SAMPLE_RATE) / 1000);
    const words = Promise.resolve().then(() => transcribe(pcm));
    words.catch(countRefused); // logged where the words are used
    call.attempts.set(id, words);
    const back = (text) => act(call, call.turns.recognized(id, text));
    words.then(back, () => back(''));
  }

  // `attemptId`: the speculative recognition that holds the turn's words, or null.
  function heardSegment(call, ms, attemptId = null) {
    const timing = new TurnTiming(now, call.lastVoicedAt);
    const heard = attemptId == null ? null : call.attempts.get(attemptId) ?? null;
    if (attemptId != null) call.attempts.delete(attemptId);
    call.segmentsHeard += 1;
    totals.segments_heard += 1;
    call.conn?.send(heardFrame(call.id, call.segmentsHeard, ms));
    tap?.turn?.({ callId: call.id, step: 'ended', utterance: call.segmentsHeard });
    if (answer) {
      // The segment with the onset before it and the quiet after it; answers
      // are said in the order their segments were heard, each sentence as
      // soon as the agent has written it (voice-agent.mjs).
      const pcm = call.recentAudio(((ms + SEGMENT_MARGIN_MS) * SAMPLE_RATE) / 1000);
      const utterance = call.segmentsHeard;
      const products = [];
      const request = {
        sessionId: call.sessionId, callId: call.id, utterance, pcm, heard,
        onHeard: (text) => {
          timing.mark('recognized');
          tap?.turn?.({ callId: call.id, step: 'recognized', utterance, text });
          transcript(call, shopperBubbleId(call, utterance), { role: 'shopper', text, final: true, cut: false });
        },
        onCard: (product) => products.push(product),
      };
      call.answering = call.answering.then(() => answer({ ...request, speak: tapped(call, utterance, timing, speaker.answer(call, products, { timing })) }))
        .catch((error) => {
          if (!heard) countRefused(error); // a speculative attempt's refusal was counted where it ran
          log(`[server] voice: no answer to utterance ${request.utterance}: ${error?.message ?? error}`);
        });
      return;
    }
    const reply = lines.replies[call.repliesGiven % lines.replies.length];
    call.repliesGiven += 1;
    say(call, reply);
  }

  // The turn's 'answered' point (and the bench's step): the first text to
  // say handed on. The filler is not the answer; when it is said first the
  // shopper hears it first, and the turn has no timing.
  function tapped(call, utterance, timing, speak) {
    let first = true;
    let spoken = false;
    return {
      ...speak,
      say(piece, { filler = false } = {}) {
        if (!spoken && filler) timing.void();
        spoken = true;
        if (first && !filler) {
          timing.mark('answered');
          tap?.turn?.({ callId: call.id, step: 'answered', utterance, text: piece });
        }
        if (!filler) first = false;
        speak.say(piece);
      },
    };
  }

  return { take };
}
