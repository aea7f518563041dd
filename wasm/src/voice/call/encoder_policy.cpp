#include "voice/call/encoder_policy.hpp"

namespace natter::voice {

// Why these numbers (libopus 1.3.1, opus_encoder.c decide_fec): inband FEC
// is not free, it is carved out of the bitrate. The encoder codes it only
// when the bitrate beats a threshold for the audio band (narrow 12, medium
// 14, wide 16, super-wide 20, full 22 kbit/s) scaled by
// (125 - min(loss_perc, 25)) / 100; above 5 % it narrows the band until FEC
// fits, at 5 % or less it drops FEC instead. So:
//   Clean      24 kbit/s at 10 %: FEC fits at super-wideband (23 kbit/s):
//              a stray loss is rebuilt, speech keeps 12 kHz of band. The
//              setting the encoder had before adaptation, and the one a
//              call starts with (CaptureConfig).
//   Lossy      20 kbit/s at 10 %: FEC at wideband (18.4 kbit/s), the primary
//              coding a little leaner so the redundancy has room; less load
//              on a path that has begun to drop.
//   Heavy      16 kbit/s at 20 %: FEC at medium band (14.7 kbit/s); 20 %
//              also makes SILK lean less on the previous frame, so a loss
//              costs less even where FEC cannot repair it.
//   Congested  12 kbit/s, FEC off, 20 %: loss with a long round trip is a
//              queue overflowing, not a noisy radio: it comes in bursts that
//              one-frame FEC cannot repair, and the only cure is fewer bytes.
//              FEC would not fit anyway (narrowband needs 12.6 kbit/s at 20 %);
//              12 kbit/s keeps wideband speech.
// Thresholds: a window holds ~250 frames (uplink_meter.hpp), so one lost
// frame is 0.4 %; 3 % is ~8 lost in 5 s, where PLC alone starts to be heard.
// Each stay bar is about two thirds of its entry bar.
const EncoderLevel kEncoderLevels[kEncoderLevelCount] = {
    {"clean", {24000, true, 10}, 0, 0, 0, 0},
    {"lossy", {20000, true, 10}, 3.0, 1.5, 0, 0},
    {"heavy", {16000, true, 20}, 10.0, 7.0, 0, 0},
    {"congested", {12000, false, 20}, 3.0, 1.5, 400, 300},
};

int choose_encoder_level(int current, const PathQuality& q) {
  if (current < 0 || current >= kEncoderLevelCount) current = kCleanLevel;
  if (q.loss_pct < 0) return current;
  const int64_t rtt = q.rtt_ms < 0 ? 0 : q.rtt_ms;
  for (int level = kEncoderLevelCount - 1; level > kCleanLevel; --level) {
    const EncoderLevel& l = kEncoderLevels[level];
    const bool entering = level > current;
    const double loss_bar = entering ? l.enter_loss : l.stay_loss;
    const int64_t rtt_bar = entering ? l.enter_rtt_ms : l.stay_rtt_ms;
    if (q.loss_pct >= loss_bar && rtt >= rtt_bar) return level;
  }
  return kCleanLevel;
}

}  // namespace natter::voice
