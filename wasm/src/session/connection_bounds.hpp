#pragma once
// The connection machine's bounds and small helpers, shared by its files:
// connection_machine.cpp (connecting, liveness, timers) and
// connection_close.cpp (what each close code and probe answer means).

#include <cstdint>
#include <string>

namespace natter::conn {

inline constexpr int64_t kConnectTimeoutMs = 10000;
inline constexpr int64_t kStableAfterMs = 5000;
inline constexpr int64_t kOfflineSafetyNetMs = 30000;
inline constexpr int64_t kQuickDropMs = 2000;
// Close 1013 "try again later": the server is at capacity (connections or
// sessions, docs/protocol.md "Limits"). The next attempt waits at least this
// long, spread over [k, 2k) so refused clients do not return together.
inline constexpr int64_t kTryAgainLaterMs = 4000;
inline constexpr int64_t kVerifyAfterWakeMs = 5000;  // a ping must be answered this fast after online/visible
inline constexpr uint32_t kDiagnoseAfter = 2;        // consecutive failures before naming a proxy problem

inline std::string seconds_text(int64_t ms) {
  const int64_t s = (ms + 999) / 1000;
  return std::to_string(s < 1 ? 1 : s) + " s";
}

}  // namespace natter::conn
