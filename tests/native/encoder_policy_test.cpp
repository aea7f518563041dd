// The encoder's policy (voice/call/encoder_policy.hpp): loss and round-trip time
// in, a level out; entry bars, looser stay bars (no flapping near a
// threshold), unknown loss keeps what is set, and the table's settings are
// the ones its comment justifies.
#include <gtest/gtest.h>

#include "voice/call/encoder_policy.hpp"

namespace natter::voice {
namespace {

constexpr int kClean = 0, kLossy = 1, kHeavy = 2, kCongested = 3;

int choose(int current, double loss, int64_t rtt = 50) { return choose_encoder_level(current, PathQuality{loss, rtt}); }

TEST(EncoderPolicy, TheLevelsAreTheSettingsTheCommentJustifies) {
  EXPECT_EQ(kEncoderLevels[kClean].setting, (EncoderSetting{24000, true, 10}));
  EXPECT_EQ(kEncoderLevels[kLossy].setting, (EncoderSetting{20000, true, 10}));
  EXPECT_EQ(kEncoderLevels[kHeavy].setting, (EncoderSetting{16000, true, 20}));
  EXPECT_EQ(kEncoderLevels[kCongested].setting, (EncoderSetting{12000, false, 20}));
  EXPECT_EQ(kEncoderLevels[kClean].setting, EncoderSetting{}) << "a call starts Clean: the encoder's defaults";
}

TEST(EncoderPolicy, LossAboveEachEntryBarMovesUpFromClean) {
  EXPECT_EQ(choose(kClean, 0.0), kClean);
  EXPECT_EQ(choose(kClean, 2.9), kClean);
  EXPECT_EQ(choose(kClean, 3.0), kLossy);
  EXPECT_EQ(choose(kClean, 9.9), kLossy);
  EXPECT_EQ(choose(kClean, 10.0), kHeavy);
  EXPECT_EQ(choose(kClean, 40.0), kHeavy);
}

TEST(EncoderPolicy, LossWithALongRoundTripIsCongestionAndOnlyFewerBytesHelp) {
  EXPECT_EQ(choose(kClean, 3.0, 399), kLossy);
  EXPECT_EQ(choose(kClean, 3.0, 400), kCongested);
  EXPECT_EQ(choose(kClean, 20.0, 800), kCongested);
  EXPECT_EQ(choose(kClean, 0.5, 2000), kClean) << "a long round trip without loss changes nothing";
  EXPECT_FALSE(kEncoderLevels[kCongested].setting.fec);
}

TEST(EncoderPolicy, ALevelIsLeftOnlyBelowItsLooserStayBar) {
  EXPECT_EQ(choose(kLossy, 2.0), kLossy) << "below the 3 % entry bar, above the 1.5 % stay bar";
  EXPECT_EQ(choose(kLossy, 1.5), kLossy);
  EXPECT_EQ(choose(kLossy, 1.4), kClean);
  EXPECT_EQ(choose(kHeavy, 8.0), kHeavy) << "below 10 %, above the 7 % stay bar";
  EXPECT_EQ(choose(kHeavy, 6.9), kLossy);
  EXPECT_EQ(choose(kHeavy, 1.0), kClean);
  EXPECT_EQ(choose(kCongested, 2.0, 320), kCongested);
  EXPECT_EQ(choose(kCongested, 2.0, 299), kLossy) << "the round trip came down: loss alone decides";
  EXPECT_EQ(choose(kCongested, 1.4, 900), kClean);
}

TEST(EncoderPolicy, ALossRateWanderingAroundAThresholdDoesNotFlap) {
  int level = kClean, changes = 0;
  const double losses[] = {2.8, 3.1, 2.6, 3.4, 2.2, 3.0, 1.9, 2.9, 3.2, 2.5};
  for (double loss : losses) {
    const int next = choose(level, loss);
    changes += next != level;
    level = next;
  }
  EXPECT_EQ(changes, 1) << "up once at 3.1 %, and kept above 1.5 %";
  EXPECT_EQ(level, kLossy);
}

TEST(EncoderPolicy, UnknownLossKeepsTheCurrentLevel) {
  EXPECT_EQ(choose_encoder_level(kHeavy, PathQuality{-1, 900}), kHeavy);
  EXPECT_EQ(choose_encoder_level(kClean, PathQuality{-1, -1}), kClean);
  EXPECT_EQ(choose_encoder_level(kLossy, PathQuality{5.0, -1}), kLossy) << "unknown RTT is taken as short";
}

TEST(EncoderPolicy, AnOutOfRangeCurrentLevelIsTakenAsClean) {
  EXPECT_EQ(choose(-3, 2.0), kClean);
  EXPECT_EQ(choose(kEncoderLevelCount, 2.0), kClean);
}

}  // namespace
}  // namespace natter::voice
