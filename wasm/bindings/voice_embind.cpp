// Glue between the voice codec (wasm/src/voice/) and JavaScript. Output:
// natter.voice.{js,wasm}, loaded with createNatterVoice({ wasmBinary }).
//
// Audio crosses through buffers that each object allocates ONCE, inside the
// object, when it is constructed; nothing is allocated per frame.
//
//   const V = await createNatterVoice({ wasmBinary });
//   const enc = new V.VoiceEncoder(48000, 24000, 5);   // rate, bitrate, complexity
//   if (enc.status() !== 0) throw new Error(V.errorName(enc.status()));
//   const pcm = new Int16Array(V.HEAPU8.buffer, enc.inputPtr(), V.maxFrameSamples);
//   pcm.set(frame);                       // 960 samples = 20 ms at 48 kHz
//   const n = enc.encode(960);            // bytes, or < 0: V.errorName(n)
//   const packet = V.HEAPU8.slice(enc.outputPtr(), enc.outputPtr() + n);  // JS copy
//   enc.delete();                         // frees the object and its buffers
//
// Ownership: the C++ object owns every buffer; a pointer stays valid until
// delete(). JS owns nothing on the heap. A typed-array view of a buffer is
// valid only while the heap does not grow (ALLOW_MEMORY_GROWTH): recreate a
// view when `view.buffer !== V.HEAPU8.buffer`. Output buffers are overwritten
// by the next call on the same object: copy (slice) what you keep.
#include <emscripten/bind.h>

#include <array>
#include <cstdint>
#include <string>

#include "voice/opus_codec.hpp"

namespace {

using natter::voice::kMaxFrameSamples;
using natter::voice::kMaxPacketBytes;

uintptr_t addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

class VoiceEncoder {
 public:
  VoiceEncoder(int sample_rate, int bitrate, int complexity)
      : enc_(natter::voice::EncoderConfig{sample_rate, 1, bitrate, complexity, true, 10}) {}

  // 0 when usable, else a libopus error code (see errorName).
  int status() const { return enc_.status(); }
  // Int16 input, maxFrameSamples long. Fill it, then call encode().
  uintptr_t inputPtr() const { return addr(pcm16_.data()); }
  // Float32 input in [-1, 1], maxFrameSamples long. Fill, then encodeFloat().
  uintptr_t inputFloatPtr() const { return addr(pcmf_.data()); }
  // Uint8 output, maxPacketBytes long: the packet of the last encode call.
  uintptr_t outputPtr() const { return addr(packet_.data()); }

  // Encode the first frameSamples of the input: packet bytes, or < 0 error.
  int encode(int frame_samples) {
    return enc_.encode(pcm16_.data(), frame_samples, packet_.data(), kMaxPacketBytes);
  }
  int encodeFloat(int frame_samples) {
    return enc_.encode(pcmf_.data(), frame_samples, packet_.data(), kMaxPacketBytes);
  }
  int lookahead() const { return enc_.lookahead(); }
  int setBitrate(int bits_per_second) { return enc_.set_bitrate(bits_per_second); }

 private:
  natter::voice::OpusEncoder enc_;
  std::array<int16_t, kMaxFrameSamples> pcm16_{};
  std::array<float, kMaxFrameSamples> pcmf_{};
  std::array<uint8_t, kMaxPacketBytes> packet_{};
};

class VoiceDecoder {
 public:
  explicit VoiceDecoder(int sample_rate) : dec_(natter::voice::DecoderConfig{sample_rate, 1}) {}

  int status() const { return dec_.status(); }
  // Uint8 input, maxPacketBytes long: copy one received packet here.
  uintptr_t packetPtr() const { return addr(packet_.data()); }
  // Int16 output (decode, decodeLost, decodeFec), maxFrameSamples long.
  uintptr_t outputPtr() const { return addr(pcm16_.data()); }
  // Float32 output (decodeFloat, decodeLostFloat), maxFrameSamples long.
  uintptr_t outputFloatPtr() const { return addr(pcmf_.data()); }

  // Decode packetBytes from the packet buffer: samples written, or < 0.
  int decode(int packet_bytes) {
    if (packet_bytes > kMaxPacketBytes) return OPUS_BAD_ARG;
    return dec_.decode(packet_.data(), packet_bytes, pcm16_.data(), kMaxFrameSamples);
  }
  int decodeFloat(int packet_bytes) {
    if (packet_bytes > kMaxPacketBytes) return OPUS_BAD_ARG;
    return dec_.decode(packet_.data(), packet_bytes, pcmf_.data(), kMaxFrameSamples);
  }
  // A packet was lost: conceal frameSamples of audio (PLC).
  int decodeLost(int frame_samples) {
    return dec_.decode(nullptr, 0, pcm16_.data(), frame_samples);
  }
  int decodeLostFloat(int frame_samples) {
    return dec_.decode(nullptr, 0, pcmf_.data(), frame_samples);
  }
  // The previous packet was lost and the packet buffer holds the next one:
  // rebuild the lost frame (frameSamples long) from its FEC data.
  int decodeFec(int packet_bytes, int frame_samples) {
    if (packet_bytes > kMaxPacketBytes) return OPUS_BAD_ARG;
    return dec_.decode_fec(packet_.data(), packet_bytes, pcm16_.data(), frame_samples);
  }

 private:
  natter::voice::OpusDecoder dec_;
  std::array<uint8_t, kMaxPacketBytes> packet_{};
  std::array<int16_t, kMaxFrameSamples> pcm16_{};
  std::array<float, kMaxFrameSamples> pcmf_{};
};

std::string error_name(int code) { return natter::voice::opus_error_name(code); }

}  // namespace

EMSCRIPTEN_BINDINGS(natter_voice) {
  using emscripten::class_;
  emscripten::constant("maxFrameSamples", kMaxFrameSamples);
  emscripten::constant("maxPacketBytes", kMaxPacketBytes);
  emscripten::function("errorName", &error_name);

  class_<VoiceEncoder>("VoiceEncoder")
      .constructor<int, int, int>()
      .function("status", &VoiceEncoder::status)
      .function("inputPtr", &VoiceEncoder::inputPtr)
      .function("inputFloatPtr", &VoiceEncoder::inputFloatPtr)
      .function("outputPtr", &VoiceEncoder::outputPtr)
      .function("encode", &VoiceEncoder::encode)
      .function("encodeFloat", &VoiceEncoder::encodeFloat)
      .function("lookahead", &VoiceEncoder::lookahead)
      .function("setBitrate", &VoiceEncoder::setBitrate);

  class_<VoiceDecoder>("VoiceDecoder")
      .constructor<int>()
      .function("status", &VoiceDecoder::status)
      .function("packetPtr", &VoiceDecoder::packetPtr)
      .function("outputPtr", &VoiceDecoder::outputPtr)
      .function("outputFloatPtr", &VoiceDecoder::outputFloatPtr)
      .function("decode", &VoiceDecoder::decode)
      .function("decodeFloat", &VoiceDecoder::decodeFloat)
      .function("decodeLost", &VoiceDecoder::decodeLost)
      .function("decodeLostFloat", &VoiceDecoder::decodeLostFloat)
      .function("decodeFec", &VoiceDecoder::decodeFec);
}
