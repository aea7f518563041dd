// How many of a stream's frames were lost lately, from cumulative counts
// reported now and then by the side that receives them ("<received> of
// <expected> since the stream began", expected judged from seq gaps:
// wasm/bindings/frame-count.js counts them at both ends). Keeps the differences
// between consecutive reports over the last kWindowReports (at a report a
// second, about 5 s or ~250 frames), so a lost report (they ride the
// unreliable data channel) loses nothing but its timing.
// Used for both directions of a call on a data channel (voice_ladder.hpp):
// the uplink's counts come in the gateway's pongs (uplink_meter.hpp), the
// downlink's from the widget's own channel with each pong.
// Counters going back (another gateway took the call, a new channel counts
// from zero) start a new baseline rather than a negative loss.
#pragma once

#include <array>
#include <cstdint>

namespace natter::voice {

class LossWindow {
 public:
  static constexpr int kWindowReports = 5;
  // Fewer frames expected in the window than this (1 s of frames): the
  // loss is unknown (a muted microphone, a silent agent sends none).
  static constexpr uint32_t kMinExpected = 50;

  void reset() { *this = LossWindow{}; }
  // Returns true when the report moved the window (loss_pct() may have changed).
  bool report(uint32_t received, uint32_t expected);
  // Percent of the window's expected frames not received; < 0 when unknown.
  double loss_pct() const;

 private:
  struct Delta { uint32_t received = 0, expected = 0; };
  bool have_base_ = false;
  uint32_t base_received_ = 0, base_expected_ = 0;
  std::array<Delta, kWindowReports> window_{};
  int window_at_ = 0;
};

}  // namespace natter::voice
