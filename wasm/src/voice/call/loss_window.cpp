#include "voice/call/loss_window.hpp"

#include <algorithm>

namespace natter::voice {

bool LossWindow::report(uint32_t received, uint32_t expected) {
  const bool forward = have_base_ && expected >= base_expected_ && received >= base_received_;
  const bool moved = forward && expected > base_expected_;
  if (moved) {
    const uint32_t de = expected - base_expected_;
    window_[static_cast<std::size_t>(window_at_)] = Delta{std::min(received - base_received_, de), de};
    window_at_ = (window_at_ + 1) % kWindowReports;
  }
  // Nothing expected since the last report (muted): the window keeps what it had.
  have_base_ = true;
  base_received_ = received;
  base_expected_ = expected;
  return moved;
}

double LossWindow::loss_pct() const {
  uint64_t received = 0, expected = 0;
  for (const Delta& d : window_) {
    received += d.received;
    expected += d.expected;
  }
  if (expected < kMinExpected) return -1;
  return 100.0 * static_cast<double>(expected - received) / static_cast<double>(expected);
}

}  // namespace natter::voice
