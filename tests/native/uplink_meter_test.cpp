// The data channel's path meter (voice/call/uplink_meter.hpp): numbered pings
// matched to their pongs give the round trip; the gateway's cumulative
// rx=<received>/<expected> gives the loss over the last reports; a lost
// pong loses nothing, counters going back start a new baseline, and text
// the meter does not know is skipped, never trusted.
#include <gtest/gtest.h>

#include "voice/call/uplink_meter.hpp"

namespace natter::voice {
namespace {

TEST(UplinkMeter, PingsAreNumberedAndAnEchoedNumberGivesTheRoundTrip) {
  UplinkMeter m;
  EXPECT_EQ(m.ping(1'000), "ping 1");
  EXPECT_EQ(m.ping(2'000), "ping 2");
  EXPECT_EQ(m.rtt_ms(), -1);
  EXPECT_FALSE(m.pong("pong 2", 2'080)) << "no loss report in it";
  EXPECT_EQ(m.rtt_ms(), 80);
  m.pong("pong 2", 2'500);
  EXPECT_EQ(m.rtt_ms(), 80) << "a duplicated pong is one sample";
  m.pong("pong 1", 2'600);  // late, but still the first ping's
  EXPECT_EQ(m.rtt_ms(), (3 * 80 + 1'600) / 4);
  m.pong("pong 9", 2'700);  // never sent
  m.pong("pong", 2'700);    // an old widget's echo: liveness only
  EXPECT_EQ(m.rtt_ms(), (3 * 80 + 1'600) / 4);
}

TEST(UplinkMeter, LossIsTheShareOfExpectedFramesNotReceivedOverTheWindow) {
  UplinkMeter m;
  EXPECT_FALSE(m.pong("pong 1 rx=100/100", 0)) << "the first report is the baseline";
  EXPECT_LT(m.quality().loss_pct, 0);
  EXPECT_TRUE(m.pong("pong 2 rx=148/150", 1'000));
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 4.0);  // 2 of 50
  EXPECT_TRUE(m.pong("pong 4 rx=246/250", 3'000));  // pong 3 was lost: its frames count all the same
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 100.0 * 4 / 150);
}

TEST(UplinkMeter, TheWindowForgetsReportsOlderThanItsLength) {
  UplinkMeter m;
  m.pong("pong rx=0/0", 0);
  m.pong("pong rx=25/50", 0);  // a bad second
  uint32_t received = 25, expected = 50;
  for (int i = 0; i < LossWindow::kWindowReports - 1; ++i) {
    received += 50, expected += 50;
    m.pong("pong rx=" + std::to_string(received) + "/" + std::to_string(expected), 0);
  }
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 100.0 * 25 / 250);
  m.pong("pong rx=" + std::to_string(received + 50) + "/" + std::to_string(expected + 50), 0);
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 0.0);
}

TEST(UplinkMeter, TooFewFramesLeaveTheLossUnknown) {
  UplinkMeter m;
  m.pong("pong rx=10/10", 0);
  m.pong("pong rx=40/49", 0);
  EXPECT_LT(m.quality().loss_pct, 0) << "49 frames: under a second's worth";
  EXPECT_FALSE(m.pong("pong rx=40/49", 0)) << "muted: nothing expected, the window keeps what it had";
  EXPECT_TRUE(m.pong("pong rx=52/61", 0));
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 100.0 * 9 / 51);  // 42 of 51
}

TEST(UplinkMeter, CountersGoingBackStartANewBaseline) {
  UplinkMeter m;
  m.pong("pong rx=5000/5000", 0);
  EXPECT_FALSE(m.pong("pong rx=10/12", 0)) << "another gateway instance took the call";
  EXPECT_TRUE(m.pong("pong rx=60/62", 0));
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 0.0);
}

TEST(UplinkMeter, MoreReceivedThanExpectedIsCappedAtNoLoss) {
  UplinkMeter m;
  m.pong("pong rx=0/0", 0);
  m.pong("pong rx=80/60", 0);
  EXPECT_DOUBLE_EQ(m.quality().loss_pct, 0.0);
}

TEST(UplinkMeter, TextItDoesNotKnowIsSkipped) {
  UplinkMeter m;
  m.ping(0);
  EXPECT_FALSE(m.pong("ping 1 rx=1/1", 10));
  EXPECT_FALSE(m.pong("pong rx=1/", 10));
  EXPECT_FALSE(m.pong("pong rx=/1", 10));
  EXPECT_FALSE(m.pong("pong rx=1/1x", 10));
  EXPECT_FALSE(m.pong("pong rx=99999999999/1", 10)) << "over 32 bits";
  EXPECT_FALSE(m.pong("pong " + std::string(UplinkMeter::kMaxPongChars, '1'), 10));
  EXPECT_EQ(m.rtt_ms(), -1);
  m.pong("pong:1 1x tx=4 1", 10);  // only the bare number is read
  EXPECT_EQ(m.rtt_ms(), 10);
}

TEST(UplinkMeter, ResetForgetsThePathButKeepsNumberingSoALatePongMatchesNothing) {
  UplinkMeter m;
  m.ping(0);
  m.pong("pong rx=0/0", 0);
  m.pong("pong rx=40/60", 0);
  m.reset();
  EXPECT_LT(m.quality().loss_pct, 0);
  EXPECT_EQ(m.ping(100), "ping 2");
  m.pong("pong 1", 150);
  EXPECT_EQ(m.rtt_ms(), -1);
}

}  // namespace
}  // namespace natter::voice
