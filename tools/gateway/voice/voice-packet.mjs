// The 8-byte voice frame header of docs/protocol.md ("Voice frames"), the JS
// twin of wasm/src/voice/audio/voice_packet.hpp: version, flags, seq (u16 BE),
// timestamp (u32 BE), then one Opus packet. Pure and total.

export const VOICE_PACKET_VERSION = 1;
export const VOICE_HEADER_BYTES = 8;
export const MAX_VOICE_PAYLOAD_BYTES = 1275;
export const FLAG_SPEECH_START = 0x01;
export const FLAG_CODEC_16K = 0x02;
const KNOWN_FLAGS = FLAG_SPEECH_START | FLAG_CODEC_16K;

// One packet as bytes. Reserved flag bits are cleared, seq and timestamp
// wrapped, as the C++ encoder does.
export function encodeVoicePacket({ flags = 0, seq, timestamp, payload }) {
  const out = Buffer.allocUnsafe(VOICE_HEADER_BYTES + payload.length);
  out[0] = VOICE_PACKET_VERSION;
  out[1] = flags & KNOWN_FLAGS;
  out.writeUInt16BE(seq & 0xffff, 2);
  out.writeUInt32BE(timestamp >>> 0, 4);
  out.set(payload, VOICE_HEADER_BYTES);
  return out;
}

// { ok: true, packet: { flags, seq, timestamp, payload } } (payload is a view
// into `bytes`), or { ok: false, error: 'too_short' | 'bad_version' |
// 'empty_payload' | 'payload_too_long' } with the C++ decoder's error names.
export function decodeVoicePacket(bytes) {
  if (bytes.length < VOICE_HEADER_BYTES) return { ok: false, error: 'too_short' };
  if (bytes[0] !== VOICE_PACKET_VERSION) return { ok: false, error: 'bad_version' };
  const payloadBytes = bytes.length - VOICE_HEADER_BYTES;
  if (payloadBytes === 0) return { ok: false, error: 'empty_payload' };
  if (payloadBytes > MAX_VOICE_PAYLOAD_BYTES) return { ok: false, error: 'payload_too_long' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    ok: true,
    packet: {
      flags: bytes[1] & KNOWN_FLAGS,
      seq: view.getUint16(2),
      timestamp: view.getUint32(4),
      payload: bytes.subarray(VOICE_HEADER_BYTES),
    },
  };
}
