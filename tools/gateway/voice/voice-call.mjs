// One voice call's state, kept with its session so that a resumed connection
// continues the call: whether it was greeted, the agent's utterance counter
// and frame counter (seq), the shopper's decoded audio, and the counters the
// test controls read. What is live (the connection, the playing utterance)
// is set and cleared by voice-gateway.mjs.
import { TurnTaker, TURN_SETTINGS } from './turn-taking.mjs';
import { createFrameCount } from '../../../wasm/bindings/frame-count.js';
import { SendRate } from '../session/send-rate.mjs';
import { CLIENT_BOUNDS } from '../session/client-bounds.mjs';

export const MAX_RECORDED_FRAMES = 6000; // 120 s of the shopper's audio per call

export class VoiceCall {
  greeted = false;
  utterances = 0; // agent utterances started; the last one's number
  repliesGiven = 0; // picks the next scripted reply
  framesSent = 0; // agent frames made (dropped by a fault or not): seq = framesSent mod 2^16
  framesReceived = 0;
  badPackets = 0;
  packetsOverRate = 0; // the shopper's packets dropped past the call's packet rate
  segmentsHeard = 0;
  bargeIns = 0;

  // Live, while the call streams on a connection:
  session = null; // its Session (the event log its live transcript goes to)
  conn = null; // the connection it streams on, or null
  out = null; // its audio-out.mjs on that connection
  queue = []; // { text, products } the agent will say next, in order
  speaking = null; // { text, products, n (0 until its start frame), player, sent, total (frames) }
  decoder = null; // uplink-decoder.mjs, made on the first packet (restarted on each connection)
  backlog = []; // packets that came while the voice module was loading
  turns = new TurnTaker(TURN_SETTINGS.fixed); // when the shopper's turn ends (the gateway sets its own)
  attempts = new Map(); // speculative recognitions of the turn in progress: id -> Promise<words>
  lastVoicedAt = null; // when the turn's last loud frame arrived (gateway clock): turn-timing.mjs
  uplink = createFrameCount(); // the shopper's frames received / expected (the pong's loss report)
  #recorded = []; // Int16Array frames, oldest first, at most MAX_RECORDED_FRAMES

  answering = Promise.resolve(); // the voice agent's answers, one after another (voice-gateway.mjs)

  // `sessionId`: the conversation the call belongs to (the voice agent's turns);
  // `bounds`: session/client-bounds.mjs (the packet rate and what is a flood).
  constructor(id, sessionId = null, bounds = CLIENT_BOUNDS) {
    this.id = id;
    this.sessionId = sessionId;
    // Per call, whichever path (socket or data channel) a packet came on,
    // so moving between them buys no extra budget.
    this.packetRate = new SendRate({ burst: bounds.voicePacketBurst, perSecond: bounds.voicePacketsPerSecond });
    this.floodRate = new SendRate({ burst: bounds.voiceFloodDrops, perSecond: bounds.voiceFloodDropsPerSecond });
  }

  // The part kept in the gateway's store (survives a reconnect to another
  // instance), and putting it back.
  durable() {
    return { greeted: this.greeted, utterances: this.utterances, repliesGiven: this.repliesGiven, framesSent: this.framesSent };
  }

  restore({ greeted, utterances, repliesGiven, framesSent }) {
    Object.assign(this, { greeted: Boolean(greeted), utterances, repliesGiven, framesSent });
  }

  // The call ended or lost its connection: what only an open call needs
  // (its decoded audio, its decoder, packets waiting for the voice module)
  // goes now, not when the session ends; the counters stay for a resume.
  release() {
    this.#recorded = [];
    this.backlog.length = 0;
    this.decoder?.close();
    this.decoder = null;
    this.turns.reset();
    this.attempts.clear();
    this.lastVoicedAt = null;
  }

  // 20 ms frames of the shopper's audio held now (the gateway's totals).
  get recordedFrames() { return this.#recorded.length; }

  record(samples) {
    this.#recorded.push(samples);
    if (this.#recorded.length > MAX_RECORDED_FRAMES) this.#recorded.shift();
  }

  // The shopper's decoded audio so far (the last 120 s), 48 kHz mono.
  recording() {
    const out = new Int16Array(this.#recorded.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const frame of this.#recorded) { out.set(frame, at); at += frame.length; }
    return out;
  }

  // The last `samples` samples recorded (all of them when fewer), 48 kHz mono.
  recentAudio(samples) {
    const frames = [];
    let n = 0;
    for (let i = this.#recorded.length - 1; i >= 0 && n < samples; i -= 1) {
      frames.unshift(this.#recorded[i]);
      n += this.#recorded[i].length;
    }
    const out = new Int16Array(n);
    let at = 0;
    for (const frame of frames) { out.set(frame, at); at += frame.length; }
    return out;
  }

  // The counters of GET /__natter/voice/calls.
  summary() {
    return {
      call_id: this.id,
      open: this.conn !== null,
      greeted: this.greeted,
      utterances_sent: this.utterances,
      frames_received: this.framesReceived,
      bad_packets: this.badPackets,
      packets_over_rate: this.packetsOverRate,
      segments_heard: this.segmentsHeard,
      barge_ins: this.bargeIns,
      uplink: this.uplink.counts(), // {received, expected}: what the pong reports
    };
  }
}
