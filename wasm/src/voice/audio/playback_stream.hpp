// The receive half of the voice path, as the browser's voice worker runs it:
// agent voice packets in (any order, any timing), one 20 ms frame of audio
// at the output rate out per pull().
//   packet -> JitterBuffer -> OpusDecoder (FEC / PLC on loss) -> Resampler
//
// pull() kinds: kAudio (a packet played), kConcealed (lost: rebuilt from
// the next packet's FEC, else PLC), kSilence (nothing due: buffering, or
// the stream ran dry). `drained()` is true once the stream has played and
// then gone dry, the moment the agent's utterance has been fully heard.
//
// Contracts: buffers allocated by the constructor; insert() and pull()
// never allocate. flush() drops everything queued (barge-in) and restarts.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "voice/audio/jitter_buffer.hpp"
#include "voice/audio/opus_codec.hpp"
#include "voice/audio/resampler.hpp"

namespace natter::voice {

class PlaybackStream {
 public:
  enum Kind { kAudio = 0, kConcealed = 1, kSilence = 2 };

  PlaybackStream(int output_rate, int codec_rate = 48000);
  int status() const { return status_; }

  // Wire bytes of one received voice packet, written by the caller.
  uint8_t* input() { return input_.data(); }
  int max_input() const { return static_cast<int>(input_.size()); }
  // Parses and queues the first `bytes` input bytes that arrived at
  // arrival_ms. Returns an InsertResult as int (0 stored, 1 duplicate,
  // 2 late, 3 invalid, 4 restarted), or -1 for a malformed packet.
  int insert(int bytes, double arrival_ms);

  // One frame period: returns the samples written to output() (a frame at
  // the output rate, give or take one sample), or a negative error.
  int pull();
  const float* output() const { return output_.data(); }
  int last_kind() const { return last_kind_; }
  bool drained() const { return drained_; }

  void flush();
  const JitterStats& stats() const { return jb_.stats(); }
  int target_depth_ms() const { return jb_.target_depth_ms(); }
  uint64_t malformed() const { return malformed_; }

 private:
  int codec_rate_, frame_;
  JitterBuffer jb_;
  OpusDecoder dec_;
  Resampler resampler_;
  std::vector<uint8_t> input_;
  std::vector<float> decoded_, output_;
  std::vector<int16_t> decoded16_;
  int status_ = 0;
  int last_kind_ = kSilence;
  bool played_ = false;   // a packet played since the last dry spell
  bool drained_ = false;
  uint64_t malformed_ = 0;
};

}  // namespace natter::voice
