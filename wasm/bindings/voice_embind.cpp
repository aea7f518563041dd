// Glue between the voice codec (wasm/src/voice/audio/) and JavaScript. Output:
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

#include "voice/audio/capture_stream.hpp"
#include "voice/audio/opus_codec.hpp"
#include "voice/audio/playback_stream.hpp"

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
  // Inband FEC on/off and the loss it plans for (the gateway encodes the
  // agent's audio as the widget's measure asks: tools/gateway/voice/channel-ping.mjs).
  int setLossProtection(bool fec, int loss_perc) { return enc_.set_loss_protection(fec, loss_perc); }

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

// The voice worker's two halves (shim/voice/voice-worker.js):
//   const cap = new V.CaptureStream(deviceRate, 24000, 5);
//   new Float32Array(V.HEAPU8.buffer, cap.inputPtr(), n).set(chunk);
//   for (let i = 0, k = cap.push(n); i < k; i++) send(copy of cap.packetPtr(i), cap.packetBytes(i));
//   const play = new V.PlaybackStream(outputRate);
//   copy packet to play.inputPtr(); play.insert(bytes, performance.now());
//   const n = play.pull(); then n floats at play.outputPtr().
class CaptureBinding {
 public:
  CaptureBinding(int device_rate, int bitrate, int complexity)
      : s_(natter::voice::CaptureConfig{device_rate, 48000, bitrate, complexity, true, 4096}) {}
  int status() const { return s_.status(); }
  uintptr_t inputPtr() { return addr(s_.input()); }
  int maxChunk() const { return s_.max_chunk(); }
  int push(int n) { return s_.push(n); }
  uintptr_t packetPtr(int i) const { return addr(s_.packet(i)); }
  int packetBytes(int i) const { return s_.packet_bytes(i); }
  bool speaking() const { return s_.speaking(); }
  float level() const { return s_.level(); }
  void setEchoGuard(bool on) { s_.set_echo_guard(on); }
  // The core's voice_encoder_set (wasm/bindings/voice-api.js setEncoder).
  int setEncoder(int bps, bool fec, int loss_perc) { return s_.set_encoder(bps, fec, loss_perc); }
  double framesEncoded() const { return static_cast<double>(s_.frames_encoded()); }

 private:
  natter::voice::CaptureStream s_;
};

class PlaybackBinding {
 public:
  explicit PlaybackBinding(int output_rate) : s_(output_rate) {}
  int status() const { return s_.status(); }
  uintptr_t inputPtr() { return addr(s_.input()); }
  int maxInput() const { return s_.max_input(); }
  int insert(int bytes, double arrival_ms) { return s_.insert(bytes, arrival_ms); }
  int pull() { return s_.pull(); }
  uintptr_t outputPtr() const { return addr(s_.output()); }
  int lastKind() const { return s_.last_kind(); }
  bool drained() const { return s_.drained(); }
  void flush() { s_.flush(); }
  int targetDepthMs() const { return s_.target_depth_ms(); }
  double played() const { return static_cast<double>(s_.stats().played); }
  double lost() const { return static_cast<double>(s_.stats().lost); }

 private:
  natter::voice::PlaybackStream s_;
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
      .function("setBitrate", &VoiceEncoder::setBitrate)
      .function("setLossProtection", &VoiceEncoder::setLossProtection);

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

  class_<CaptureBinding>("CaptureStream")
      .constructor<int, int, int>()
      .function("status", &CaptureBinding::status)
      .function("inputPtr", &CaptureBinding::inputPtr)
      .function("maxChunk", &CaptureBinding::maxChunk)
      .function("push", &CaptureBinding::push)
      .function("packetPtr", &CaptureBinding::packetPtr)
      .function("packetBytes", &CaptureBinding::packetBytes)
      .function("speaking", &CaptureBinding::speaking)
      .function("level", &CaptureBinding::level)
      .function("setEchoGuard", &CaptureBinding::setEchoGuard)
      .function("setEncoder", &CaptureBinding::setEncoder)
      .function("framesEncoded", &CaptureBinding::framesEncoded);

  class_<PlaybackBinding>("PlaybackStream")
      .constructor<int>()
      .function("status", &PlaybackBinding::status)
      .function("inputPtr", &PlaybackBinding::inputPtr)
      .function("maxInput", &PlaybackBinding::maxInput)
      .function("insert", &PlaybackBinding::insert)
      .function("pull", &PlaybackBinding::pull)
      .function("outputPtr", &PlaybackBinding::outputPtr)
      .function("lastKind", &PlaybackBinding::lastKind)
      .function("drained", &PlaybackBinding::drained)
      .function("flush", &PlaybackBinding::flush)
      .function("targetDepthMs", &PlaybackBinding::targetDepthMs)
      .function("played", &PlaybackBinding::played)
      .function("lost", &PlaybackBinding::lost);
}
