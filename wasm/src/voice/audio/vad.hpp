// Voice activity detection for the shopper's microphone, one 20 ms frame at
// a time: is the shopper speaking, and how loud (for the level meter).
//
// Method: frame energy (RMS, dBFS) against an adaptive noise floor, the
// minimum energy over the last kFloorWindow frames (1 s), so steady noise
// (a fan, room tone) becomes the floor while speech, which dips between
// syllables, stands out above it.
//   * Onset: kOnsetFrames consecutive frames above floor + onset_margin_db
//     and above min_speech_dbfs.
//   * While speaking, any frame above floor + hold_margin_db renews the
//     hangover; speech ends after hangover_frames quiet frames (300 ms), so
//     pauses between words do not end the turn.
//   * Echo guard: while `agent_speaking` is true, an onset needs much more:
//     gated_onset_frames frames above floor + gated_margin_db AND above
//     gated_min_dbfs. The agent's own voice leaking back from the speakers
//     is quieter than a shopper talking over it, so barge-in needs clear,
//     loud speech. Speech already in progress is not cut by the gate.
// Limits: a noise that starts suddenly reads as speech until the floor
// window catches up (at most 1 s); this is energy only, not a classifier.
//
// Contracts: no allocation (the floor history is a fixed array), no
// exceptions; frames of any length > 0 are accepted.
#pragma once

#include <array>

namespace natter::voice {

struct VadConfig {
  float onset_margin_db = 9;
  float hold_margin_db = 6;
  float min_speech_dbfs = -50;
  int onset_frames = 2;
  int hangover_frames = 15;
  float gated_margin_db = 24;
  float gated_min_dbfs = -30;
  int gated_onset_frames = 3;
};

struct VadResult {
  bool speaking = false;        // the state after this frame
  bool started = false;         // this frame began a turn
  bool ended = false;           // this frame ended one
  float level = 0;              // 0..1 for a meter (-60..0 dBFS), fast up, slow down
  float energy_dbfs = -100;     // this frame's RMS
  float floor_dbfs = -100;      // the noise floor used
};

class Vad {
 public:
  static constexpr int kFloorWindow = 50;  // frames (1 s at 20 ms)

  explicit Vad(const VadConfig& config = {}) : config_(config) {}

  // Classifies one frame of float samples in [-1, 1].
  VadResult process(const float* frame, int samples, bool agent_speaking);

  bool speaking() const { return speaking_; }
  void reset();

 private:
  VadConfig config_;
  std::array<float, kFloorWindow> history_{};
  int history_count_ = 0, history_next_ = 0;
  bool speaking_ = false;
  int loud_run_ = 0, quiet_run_ = 0;
  float level_ = 0;
};

}  // namespace natter::voice
