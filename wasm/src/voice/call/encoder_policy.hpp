// How the microphone's Opus encoder should run on the path a call's frames
// ride: a pure policy (no clock, no state of its own) from measured uplink
// loss and round-trip time to {bitrate, inband FEC, expected loss}. The
// voice ladder (voice_ladder.hpp) measures the data channel (uplink_meter.hpp),
// asks choose_encoder_level() after each report, and emits VoiceEncoderSet
// only when the level changes; the shim applies it to the CaptureStream.
//
// The levels, mildest first (kEncoderLevels):
//   Clean      24 kbit/s, FEC on, loss 10 %  the setting before the path was measured
//   Lossy      20 kbit/s, FEC on, loss 10 %  3 % loss or more
//   Heavy      16 kbit/s, FEC on, loss 20 %  10 % loss or more
//   Congested  12 kbit/s, FEC off, loss 20 % 3 % loss or more with RTT of 400 ms or more
// Each level has an entry condition and a looser one to stay in it
// (hysteresis): a level is left only when the path is clearly better than
// the bar that put it there, so a loss rate near a threshold does not flap.
// Unknown loss (too few frames in the window) keeps the current level.
//
// Example:
//   int level = kCleanLevel;
//   int next = choose_encoder_level(level, PathQuality{4.0, 120});   // 1: Lossy
//   if (next != level) emit(kEncoderLevels[next].setting), level = next;
#pragma once

#include <cstdint>

namespace natter::voice {

struct EncoderSetting {
  int bitrate = 24000;   // bits per second
  bool fec = true;       // Opus inband FEC (LBRR): frame N's coarse copy rides in N+1
  int loss_perc = 10;    // OPUS_SET_PACKET_LOSS_PERC: how much the encoder plans for loss
  bool operator==(const EncoderSetting& o) const {
    return bitrate == o.bitrate && fec == o.fec && loss_perc == o.loss_perc;
  }
  bool operator!=(const EncoderSetting& o) const { return !(*this == o); }
};

// What the meter measured over its window. loss_pct < 0: unknown (too few
// frames expected, or the gateway does not report); rtt_ms < 0: unknown
// (taken as short).
struct PathQuality {
  double loss_pct = -1;
  int64_t rtt_ms = -1;
};

struct EncoderLevel {
  const char* name;
  EncoderSetting setting;
  // Entered when loss_pct >= enter_loss and rtt >= enter_rtt_ms;
  // kept while loss_pct >= stay_loss and rtt >= stay_rtt_ms.
  double enter_loss, stay_loss;
  int64_t enter_rtt_ms, stay_rtt_ms;
};

constexpr int kCleanLevel = 0;
constexpr int kEncoderLevelCount = 4;
extern const EncoderLevel kEncoderLevels[kEncoderLevelCount];

// The level for `current` and what was measured: the most severe level
// whose condition holds (its entry condition if it is more severe than
// `current`, else its stay condition); Clean when none does. Unknown loss:
// `current`. An out-of-range `current` is taken as Clean.
int choose_encoder_level(int current, const PathQuality& q);

}  // namespace natter::voice
