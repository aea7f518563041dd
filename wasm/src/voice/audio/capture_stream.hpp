// The send half of the voice path, as the browser's voice worker runs it:
// microphone chunks at the device rate in, wire-ready voice packets out.
//   chunk (any size) -> Resampler -> FrameAssembler (20 ms) -> Vad
//   -> OpusEncoder -> voice packet (voice_packet.hpp)
// The VAD verdict travels with the stream (speaking(), level()) and marks
// the first packet of each talk spurt with kFlagSpeechStart.
//
// Contracts: every buffer is allocated by the constructor; push() never
// allocates. Packets made by one push() stay readable until the next push()
// (at most kMaxPacketsPerPush; beyond that the oldest are dropped and
// counted, which only happens when a chunk is longer than ~160 ms).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "voice/audio/frame_assembler.hpp"
#include "voice/audio/opus_codec.hpp"
#include "voice/audio/resampler.hpp"
#include "voice/audio/vad.hpp"
#include "voice/audio/voice_packet.hpp"

namespace natter::voice {

struct CaptureConfig {
  int device_rate = 48000;
  int codec_rate = 48000;     // 48000 or 16000
  int bitrate = 24000;
  int complexity = 5;
  bool inband_fec = true;
  int max_chunk = 4096;       // largest push(), in device samples
  int packet_loss_perc = 10;  // the Clean level of encoder_policy.hpp
};

class CaptureStream {
 public:
  static constexpr int kMaxPacketsPerPush = 8;

  explicit CaptureStream(const CaptureConfig& config);
  // 0 when usable; else the resampler's or the encoder's error.
  int status() const { return status_; }
  int frame_samples() const { return framer_.frame_samples(); }

  // Float samples in [-1, 1] at the device rate, written by the caller.
  float* input() { return input_.data(); }
  int max_chunk() const { return config_.max_chunk; }
  // Processes the first n input samples. Returns the number of packets
  // now readable (>= 0), or a negative error (n out of range, encoder error).
  int push(int n);

  const uint8_t* packet(int i) const { return packets_[static_cast<size_t>(i)].data(); }
  int packet_bytes(int i) const { return sizes_[static_cast<size_t>(i)]; }

  bool speaking() const { return vad_.speaking(); }
  float level() const { return level_; }
  // The agent is audible: the VAD needs louder speech (vad.hpp).
  void set_echo_guard(bool on) { echo_guard_ = on; }
  // The core's VoiceEncoderSet (encoder_policy.hpp), from the next frame on.
  // OPUS_OK, or the first libopus error (what came before it is applied).
  int set_encoder(int bitrate, bool inband_fec, int packet_loss_perc) {
    const int rc = enc_.set_bitrate(bitrate);
    return rc != OPUS_OK ? rc : enc_.set_loss_protection(inband_fec, packet_loss_perc);
  }
  const EncoderConfig& encoder() const { return enc_.config(); }
  uint64_t frames_encoded() const { return encoded_; }
  uint64_t dropped_packets() const { return dropped_; }

 private:
  CaptureConfig config_;
  Resampler resampler_;
  FrameAssembler framer_;
  Vad vad_;
  OpusEncoder enc_;
  std::vector<float> input_, resampled_;
  std::array<std::array<uint8_t, kMaxVoicePacketBytes>, kMaxPacketsPerPush> packets_{};
  std::array<int, kMaxPacketsPerPush> sizes_{};
  std::array<uint8_t, kMaxPacketBytes> opus_{};
  int status_ = 0;
  bool echo_guard_ = false;
  float level_ = 0;
  uint64_t encoded_ = 0, dropped_ = 0;
};

}  // namespace natter::voice
