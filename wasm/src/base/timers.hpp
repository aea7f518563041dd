// All of the core's timers, in one table keyed by name. A timer is a
// deadline, nothing more: the host arms one real timer for next_deadline()
// and feeds Tick; the core asks take_due() which named timers fired.
// Re-arming a name replaces its deadline, so there is never more than one
// of each (no stray retry timer can survive).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace natter {

enum class TimerName : uint8_t {
  SendRetry,        // back-off before re-sending a message with the same id
  ResponseTimeout,  // no response headers / no body progress for too long
  ConnectTimeout,   // the socket did not open, or no welcome after it opened
  Reconnect,        // back-off before the next connection attempt
  Heartbeat,        // time to send the next ping on the live socket
  Liveness,         // silence this long means the socket is dead
  StableUptime,     // live long enough to forget the outage (reset back-off)
  GapResync,        // server events still missing after a gap: resume to get them
  MicPrompt,        // the microphone prompt has gone unanswered this long: tell the shopper
  AudioStart,       // the mic was allowed but the browser's audio never started: give up the call
  ContinueExpiry,   // the continue link shown runs out (device_link.hpp)
  StaffTyping,      // no typing signal from the person for this long: they are no longer typing
  RtcDeadline,      // the voice ladder's bound for its state (voice_ladder.hpp): setup, liveness or climb
  RtcPing,          // time to ping on the voice data channel
  ReplyRedraw,      // a streaming reply's newest text waits to be drawn (reply_assembler.hpp)
  ActionRetry,      // an action asks the gateway again, reports again, or its handler's time is up (chat/actions.hpp)
  kCount
};

class Timers {
 public:
  void set(TimerName name, int64_t at_ms) { at_[index(name)] = at_ms; }
  void cancel(TimerName name) { at_[index(name)].reset(); }
  bool armed(TimerName name) const { return at_[index(name)].has_value(); }
  std::optional<int64_t> deadline(TimerName name) const { return at_[index(name)]; }

  std::optional<int64_t> next_deadline() const {
    std::optional<int64_t> best;
    for (const auto& t : at_)
      if (t && (!best || *t < *best)) best = t;
    return best;
  }

  // Disarms and returns the earliest timer due at `now_ms`, if any. Call in
  // a loop: handling one timer may arm or cancel others.
  std::optional<TimerName> take_due(int64_t now_ms) {
    std::optional<TimerName> due;
    for (size_t i = 0; i < at_.size(); ++i)
      if (at_[i] && *at_[i] <= now_ms && (!due || *at_[i] < *at_[index(*due)]))
        due = static_cast<TimerName>(i);
    if (due) at_[index(*due)].reset();
    return due;
  }

 private:
  static size_t index(TimerName n) { return static_cast<size_t>(n); }
  std::array<std::optional<int64_t>, static_cast<size_t>(TimerName::kCount)> at_{};
};

}  // namespace natter
