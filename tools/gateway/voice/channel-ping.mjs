// The widget's liveness ping on a call's voice data channel and the
// gateway's pong (docs/protocol.md, "Voice over WebRTC"). Pure and total.
//
//   ping  "ping <n>[ dl=<bitrate>/<fec 0|1>/<loss_perc>]"
//         n: the widget's number for the round trip; dl: the encoding the
//         widget asks for the agent's audio, from the loss it measured on
//         the way down (wasm/src/voice/call/voice_ladder.hpp); absent: the clean one.
//   pong  "pong <n>[ rx=<received>/<expected>]"
//         the number echoed, and the gateway's count of the call's
//         microphone frames (frame-count.js): the uplink's loss.
// Tokens are separated by spaces; unknown ones are skipped (a newer widget),
// and a dl= out of bounds is ignored (the clean encoding), never an error:
// the channel is the widget's, and a bad ping must not end a call.
export const MAX_PING_CHARS = 96;
const MIN_BITRATE = 6000;   // libopus goes lower, speech does not
const MAX_BITRATE = 64000;

const isCount = (s) => /^\d{1,10}$/.test(s);

// -> { n: digits | '' , downlink: { bitrate, fec, lossPerc } | null }, or null
// when the text is not a ping.
export function parsePing(text) {
  if (typeof text !== 'string' || text.length > MAX_PING_CHARS || !text.startsWith('ping')) return null;
  let n = '';
  let downlink = null;
  for (const token of text.slice(4).split(' ')) {
    if (!n && isCount(token)) n = token;
    else if (token.startsWith('dl=')) downlink = parseDownlink(token.slice(3));
  }
  return { n, downlink };
}

function parseDownlink(value) {
  const [bitrate, fec, lossPerc, extra] = value.split('/');
  if (extra !== undefined || ![bitrate, fec, lossPerc].every(isCount)) return null;
  const setting = { bitrate: Number(bitrate), fec: fec === '1', lossPerc: Number(lossPerc) };
  const ok = setting.bitrate >= MIN_BITRATE && setting.bitrate <= MAX_BITRATE && (fec === '0' || fec === '1')
    && setting.lossPerc <= 100;
  return ok ? setting : null;
}

// rx: { received, expected } or null.
export const pongText = (n, rx) => `pong${n ? ` ${n}` : ''}${rx ? ` rx=${rx.received}/${rx.expected}` : ''}`;

// The same setting (null: the clean one).
export const sameDownlink = (a, b) =>
  a === b || (a !== null && b !== null && a.bitrate === b.bitrate && a.fec === b.fec && a.lossPerc === b.lossPerc);
