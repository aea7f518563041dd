#include "voice/audio/voice_packet.hpp"

#include <cstring>

namespace natter::voice {

const char* packet_error_name(PacketError e) {
  switch (e) {
    case PacketError::kOk: return "ok";
    case PacketError::kTooShort: return "too_short";
    case PacketError::kBadVersion: return "bad_version";
    case PacketError::kEmptyPayload: return "empty_payload";
    case PacketError::kPayloadTooLong: return "payload_too_long";
    case PacketError::kBufferTooSmall: return "buffer_too_small";
    case PacketError::kNullPointer: return "null_pointer";
  }
  return "unknown";
}

EncodeResult encode_voice_packet(const VoicePacket& p, uint8_t* out, size_t cap) {
  if (out == nullptr || (p.payload == nullptr && p.payload_bytes > 0)) return {PacketError::kNullPointer, 0};
  if (p.payload_bytes == 0) return {PacketError::kEmptyPayload, 0};
  if (p.payload_bytes > kMaxVoicePayloadBytes) return {PacketError::kPayloadTooLong, 0};
  const size_t total = kVoiceHeaderBytes + p.payload_bytes;
  if (cap < total) return {PacketError::kBufferTooSmall, 0};
  out[0] = kVoicePacketVersion;
  out[1] = p.flags & (kFlagSpeechStart | kFlagCodec16k);
  out[2] = static_cast<uint8_t>(p.seq >> 8);
  out[3] = static_cast<uint8_t>(p.seq);
  out[4] = static_cast<uint8_t>(p.timestamp >> 24);
  out[5] = static_cast<uint8_t>(p.timestamp >> 16);
  out[6] = static_cast<uint8_t>(p.timestamp >> 8);
  out[7] = static_cast<uint8_t>(p.timestamp);
  std::memmove(out + kVoiceHeaderBytes, p.payload, p.payload_bytes);
  return {PacketError::kOk, total};
}

DecodeResult decode_voice_packet(const uint8_t* data, size_t bytes) {
  DecodeResult r;
  if (data == nullptr) return {PacketError::kNullPointer, {}};
  if (bytes < kVoiceHeaderBytes) return {PacketError::kTooShort, {}};
  if (data[0] != kVoicePacketVersion) return {PacketError::kBadVersion, {}};
  const size_t payload = bytes - kVoiceHeaderBytes;
  if (payload == 0) return {PacketError::kEmptyPayload, {}};
  if (payload > kMaxVoicePayloadBytes) return {PacketError::kPayloadTooLong, {}};
  r.packet.flags = data[1] & (kFlagSpeechStart | kFlagCodec16k);
  r.packet.seq = static_cast<uint16_t>((data[2] << 8) | data[3]);
  r.packet.timestamp = (uint32_t(data[4]) << 24) | (uint32_t(data[5]) << 16) |
                       (uint32_t(data[6]) << 8) | uint32_t(data[7]);
  r.packet.payload = data + kVoiceHeaderBytes;
  r.packet.payload_bytes = payload;
  return r;
}

}  // namespace natter::voice
