// Retry delays as a pure function of the attempt number and one random
// draw, so the policy is tested on its own and the simulator can replay it.
#pragma once

#include <algorithm>
#include <cstdint>

namespace natter {

struct BackoffPolicy {
  int64_t first_ms = 250;  // the first retry comes quickly
  int64_t base_ms = 500;   // then full jitter over base * 2^(attempt-1)
  int64_t cap_ms = 2000;
};

// attempt counts from 1 (the first retry). random01 is uniform in [0, 1).
// Attempt 1 waits first_ms scaled into [first/2, first); later attempts use
// full jitter: uniform in [0, min(cap, base * 2^(attempt-1))).
inline int64_t retry_delay_ms(uint32_t attempt, double random01, const BackoffPolicy& p = {}) {
  if (attempt <= 1) return p.first_ms / 2 + static_cast<int64_t>(random01 * (p.first_ms / 2));
  const uint32_t shift = std::min<uint32_t>(attempt - 1, 20);
  const int64_t ceiling = std::min<int64_t>(p.cap_ms, p.base_ms << shift);
  return static_cast<int64_t>(random01 * static_cast<double>(ceiling));
}

// Reconnect delays for the live session (docs/reliability.md defaults).
// The first attempt after a drop is spread over [0, 1200) ms: quick for one
// shopper, and a server restart that drops every client at once sees no
// 100 ms window with more than ~10 % of the reconnects. Later attempts use
// full jitter (at least 100 ms, never a hot loop) under a ceiling that grows
// with the attempt and with how long the outage has lasted: 2 s for the
// first 30 s, 8 s up to the resume window, 30 s after. A server's
// Retry-After is honoured up to 60 s.
struct ReconnectPolicy {
  int64_t first_spread_ms = 1200;
  int64_t base_ms = 500;
  int64_t early_cap_ms = 2000, middle_cap_ms = 8000, late_cap_ms = 30000;
  int64_t early_until_ms = 30000, middle_until_ms = 120000;
  int64_t min_ms = 100;
  int64_t max_retry_after_ms = 60000;
};

inline int64_t reconnect_delay_ms(uint32_t attempt, int64_t outage_ms, double random01,
                                  int64_t retry_after_ms = -1, const ReconnectPolicy& p = {}) {
  int64_t delay;
  if (attempt <= 1) {
    delay = static_cast<int64_t>(random01 * static_cast<double>(p.first_spread_ms));
  } else {
    const int64_t cap = outage_ms < p.early_until_ms    ? p.early_cap_ms
                        : outage_ms < p.middle_until_ms ? p.middle_cap_ms
                                                        : p.late_cap_ms;
    const uint32_t shift = std::min<uint32_t>(attempt - 1, 20);
    const int64_t ceiling = std::max(p.min_ms + 1, std::min<int64_t>(cap, p.base_ms << shift));
    delay = p.min_ms + static_cast<int64_t>(random01 * static_cast<double>(ceiling - p.min_ms));
  }
  if (retry_after_ms >= 0) delay = std::max(delay, std::min(retry_after_ms, p.max_retry_after_ms));
  return delay;
}

}  // namespace natter
