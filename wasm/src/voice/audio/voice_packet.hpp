// The wire layout of one voice frame: one Opus packet with the little header
// the receiver needs to order, time and conceal it. Sent as one binary
// WebSocket message (docs/protocol.md, "Voice frames").
//
//   offset  size  field
//   0       1     version      kVoicePacketVersion (1); anything else is rejected
//   1       1     flags        bit 0 kFlagSpeechStart: first frame of a talk spurt
//                              bit 1 kFlagCodec16k: codec rate 16 kHz (else 48 kHz)
//                              bits 2..7 reserved: sent as 0, ignored on receipt
//   2       2     seq          frame counter, big-endian, wraps 65535 -> 0
//   4       4     timestamp    first sample of the frame, in samples at the
//                              codec rate, big-endian, wraps
//   8       n     payload      one Opus packet, 1..kMaxPacketBytes (1275) bytes
//
// Contracts: no exceptions, no allocation. encode writes into the caller's
// buffer; decode returns a view into the caller's bytes (valid while they
// are). Every malformed input is an error value, never a crash.
#pragma once

#include <cstddef>
#include <cstdint>

namespace natter::voice {

constexpr uint8_t kVoicePacketVersion = 1;
constexpr size_t kVoiceHeaderBytes = 8;
constexpr size_t kMaxVoicePayloadBytes = 1275;
constexpr size_t kMaxVoicePacketBytes = kVoiceHeaderBytes + kMaxVoicePayloadBytes;
constexpr uint8_t kFlagSpeechStart = 0x01;
constexpr uint8_t kFlagCodec16k = 0x02;

enum class PacketError {
  kOk = 0,
  kTooShort,          // fewer than 8 header bytes
  kBadVersion,        // version byte is not kVoicePacketVersion
  kEmptyPayload,      // no Opus bytes after the header
  kPayloadTooLong,    // more than kMaxVoicePayloadBytes
  kBufferTooSmall,    // encode: the output buffer cannot hold the packet
  kNullPointer,
};

// Stable name ("too_short", ...) for logs; never null.
const char* packet_error_name(PacketError e);

struct VoicePacket {
  uint8_t flags = 0;
  uint16_t seq = 0;
  uint32_t timestamp = 0;
  const uint8_t* payload = nullptr;
  size_t payload_bytes = 0;
};

struct EncodeResult {
  PacketError error = PacketError::kOk;
  size_t bytes = 0;  // bytes written on success
};

struct DecodeResult {
  PacketError error = PacketError::kOk;
  VoicePacket packet;  // meaningful only when error == kOk
};

// Writes header + payload into out[0..cap). Reserved flag bits are cleared.
EncodeResult encode_voice_packet(const VoicePacket& p, uint8_t* out, size_t cap);

// Parses `bytes` bytes; the payload view points into `data`.
DecodeResult decode_voice_packet(const uint8_t* data, size_t bytes);

}  // namespace natter::voice
