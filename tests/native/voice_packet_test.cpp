// The voice frame wire layout (wasm/src/voice/audio/voice_packet.hpp and
// docs/protocol.md "Voice frames"): round trips, exact bytes, and every
// malformed input comes back as an error value.
#include <gtest/gtest.h>

#include <vector>

#include "voice/audio/voice_packet.hpp"

namespace {

using namespace natter::voice;

TEST(VoicePacket, WritesTheDocumentedBytes) {
  const uint8_t opus[] = {0xAA, 0xBB, 0xCC};
  uint8_t out[32];
  const auto r = encode_voice_packet({kFlagSpeechStart, 0x1234, 0x89ABCDEF, opus, 3}, out, sizeof out);
  ASSERT_EQ(r.error, PacketError::kOk);
  ASSERT_EQ(r.bytes, 11u);
  const std::vector<uint8_t> expected = {1, 0x01, 0x12, 0x34, 0x89, 0xAB, 0xCD, 0xEF, 0xAA, 0xBB, 0xCC};
  EXPECT_EQ(std::vector<uint8_t>(out, out + r.bytes), expected);
}

TEST(VoicePacket, RoundTripsEveryFieldIncludingTheLargestPayload) {
  std::vector<uint8_t> opus(kMaxVoicePayloadBytes);
  for (size_t i = 0; i < opus.size(); ++i) opus[i] = uint8_t(i * 31);
  std::vector<uint8_t> wire(kMaxVoicePacketBytes);
  for (uint16_t seq : {uint16_t{0}, uint16_t{1}, uint16_t{65535}}) {
    const VoicePacket in{kFlagCodec16k, seq, 0xFFFFFC40u, opus.data(), opus.size()};
    const auto e = encode_voice_packet(in, wire.data(), wire.size());
    ASSERT_EQ(e.error, PacketError::kOk);
    const auto d = decode_voice_packet(wire.data(), e.bytes);
    ASSERT_EQ(d.error, PacketError::kOk);
    EXPECT_EQ(d.packet.flags, kFlagCodec16k);
    EXPECT_EQ(d.packet.seq, seq);
    EXPECT_EQ(d.packet.timestamp, 0xFFFFFC40u);
    ASSERT_EQ(d.packet.payload_bytes, opus.size());
    EXPECT_EQ(std::vector<uint8_t>(d.packet.payload, d.packet.payload + d.packet.payload_bytes), opus);
  }
}

TEST(VoicePacket, RejectsMalformedInputWithANamedError) {
  const uint8_t good[] = {1, 0, 0, 5, 0, 0, 0, 0, 0x42};
  EXPECT_EQ(decode_voice_packet(good, sizeof good).error, PacketError::kOk);
  for (size_t n = 0; n < kVoiceHeaderBytes; ++n) {
    EXPECT_EQ(decode_voice_packet(good, n).error, PacketError::kTooShort) << n;
  }
  EXPECT_EQ(decode_voice_packet(good, kVoiceHeaderBytes).error, PacketError::kEmptyPayload);
  uint8_t v2[sizeof good];
  std::copy(good, good + sizeof good, v2);
  v2[0] = 2;
  EXPECT_EQ(decode_voice_packet(v2, sizeof v2).error, PacketError::kBadVersion);
  v2[0] = 0;
  EXPECT_EQ(decode_voice_packet(v2, sizeof v2).error, PacketError::kBadVersion);
  std::vector<uint8_t> huge(kMaxVoicePacketBytes + 1, 0);
  huge[0] = 1;
  EXPECT_EQ(decode_voice_packet(huge.data(), huge.size()).error, PacketError::kPayloadTooLong);
  EXPECT_EQ(decode_voice_packet(nullptr, 20).error, PacketError::kNullPointer);
  EXPECT_STREQ(packet_error_name(PacketError::kBadVersion), "bad_version");
}

TEST(VoicePacket, IgnoresReservedFlagBitsOnBothSides) {
  uint8_t wire[] = {1, 0xFF, 0, 1, 0, 0, 3, 0xC0, 7};
  const auto d = decode_voice_packet(wire, sizeof wire);
  ASSERT_EQ(d.error, PacketError::kOk);
  EXPECT_EQ(d.packet.flags, kFlagSpeechStart | kFlagCodec16k);
  uint8_t out[16];
  const uint8_t p = 9;
  ASSERT_EQ(encode_voice_packet({0xF0, 1, 2, &p, 1}, out, sizeof out).error, PacketError::kOk);
  EXPECT_EQ(out[1], 0);
}

TEST(VoicePacket, RefusesToEncodeWhatCannotBeSent) {
  uint8_t out[16];
  const uint8_t p[20] = {};
  EXPECT_EQ(encode_voice_packet({0, 1, 2, p, 0}, out, sizeof out).error, PacketError::kEmptyPayload);
  EXPECT_EQ(encode_voice_packet({0, 1, 2, p, 9}, out, sizeof out).error, PacketError::kBufferTooSmall);
  EXPECT_EQ(encode_voice_packet({0, 1, 2, p, 8}, out, sizeof out).bytes, 16u);
  EXPECT_EQ(encode_voice_packet({0, 1, 2, nullptr, 3}, out, sizeof out).error, PacketError::kNullPointer);
  std::vector<uint8_t> big(kMaxVoicePayloadBytes + 1), wire(2000);
  EXPECT_EQ(encode_voice_packet({0, 1, 2, big.data(), big.size()}, wire.data(), wire.size()).error,
            PacketError::kPayloadTooLong);
}

}  // namespace
