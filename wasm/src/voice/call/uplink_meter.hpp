// What the voice data channel's path is like, measured from the ladder's
// liveness pings (voice_ladder.hpp, docs/protocol.md "Voice over WebRTC"):
//   - round-trip time: each ping carries its number ("ping 7"), the gateway
//     echoes it ("pong 7 …"), and the meter matches it to the ping's send
//     time (a pong without a known number still counts for liveness);
//   - uplink loss: the gateway appends to its pong how many of this call's
//     microphone frames it received and expected since it took the call
//     (" rx=<received>/<expected>", cumulative, expected from seq gaps),
//     kept over a window of reports (loss_window.hpp).
// Pure bookkeeping: time comes in as now_ms, nothing is emitted; the ladder
// feeds it and asks quality() for the encoder policy (encoder_policy.hpp).
// A pong's text is the gateway's: only digits and the one known token are
// read, anything else is skipped.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "voice/call/encoder_policy.hpp"
#include "voice/call/loss_window.hpp"

namespace natter::voice {

class UplinkMeter {
 public:
  static constexpr std::size_t kMaxPongChars = 96;

  // A new channel (or a new path after an ICE restart): forget the old one's.
  void reset();
  // The text of the next ping, sent at `now`: "ping <n>", n from 1.
  std::string ping(int64_t now);
  // A pong arrived at `now`. Returns true when it carried a loss report that
  // moved the window (then quality() may have changed).
  bool pong(const std::string& text, int64_t now);

  PathQuality quality() const;
  // Smoothed round-trip time, -1 before the first matched pong.
  int64_t rtt_ms() const { return srtt_; }

 private:
  struct Sent { uint32_t n = 0; int64_t at = 0; };
  void rtt_sample(uint32_t n, int64_t now);

  std::array<Sent, 4> sent_{};  // the last pings; older pongs are past the liveness bound anyway
  uint32_t next_ = 0;
  int64_t srtt_ = -1;
  LossWindow loss_;
};

}  // namespace natter::voice
