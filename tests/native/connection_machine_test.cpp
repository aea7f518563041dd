// The live session's connection: stories from docs/reliability.md's fault
// catalogue, one at a time, on a fake clock.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/backoff.hpp"
#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

TEST(Connection, HelloGoesOutOnlyAfterTheSocketOpensAndTheWelcomeMakesItLive) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  ASSERT_EQ(h.all_of<WsConnect>().size(), 1u);
  EXPECT_EQ(h.all_of<WsConnect>()[0].url, "ws://shop.test/api/session");
  EXPECT_TRUE(sent_frames(h, "hello").empty());
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  ASSERT_EQ(sent_frames(h, "hello").size(), 1u);
  EXPECT_NE(sent_frames(h, "hello")[0].find("\"session_id\":\"conv-1\""), std::string::npos);
  EXPECT_NE(sent_frames(h, "hello")[0].find("\"tab_id\":\"tab-1\""), std::string::npos);
  h.feed(WsFrame{id, welcome()});
  EXPECT_TRUE(h.client.connection().live());
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "connected");
}

TEST(Connection, EventsFromAnOldSocketNeverActOnTheNewOne) {
  Harness h(session_config());
  const uint32_t old_id = go_live(h);
  h.feed(WsClosed{old_id, 1006, "", true});
  h.advance_to_deadline();
  const uint32_t new_id = last_conn(h);
  ASSERT_NE(new_id, old_id);
  h.feed(WsOpened{new_id});
  h.feed(WsFrame{new_id, welcome()});
  ASSERT_TRUE(h.client.connection().live());
  // The old socket's late close and frames arrive now: nothing changes.
  const size_t before = h.all.size();
  h.feed(WsClosed{old_id, 1006, "", true});
  h.feed(WsFrame{old_id, welcome(false)});
  h.feed(WsOpened{old_id});
  EXPECT_EQ(h.all.size(), before);
  EXPECT_TRUE(h.client.connection().live());
}

// Eight sockets that open, are welcomed and drop 50 ms later; returns the
// reconnect delay armed after each drop.
std::vector<int64_t> quick_drop_delays(Harness& h) {
  h.feed(SessionWanted{});
  std::vector<int64_t> delays;
  for (int i = 0; i < 8; ++i) {
    const uint32_t id = last_conn(h);
    h.feed(WsOpened{id});
    h.feed(WsFrame{id, welcome()});
    h.now += 50;
    h.feed(WsClosed{id, 1006, "", true});
    delays.push_back(*h.client.next_deadline() - h.now);
    h.advance_to_deadline();
  }
  return delays;
}

TEST(Connection, ASocketThatConnectsAndDropsAtOnceKeepsBackingOff) {
  Harness h(session_config());
  const std::vector<int64_t> delays = quick_drop_delays(h);
  // Never reset on open: the ceiling grows to the 2 s cap; no hot loop.
  for (int64_t d : delays) EXPECT_GE(d, 0);
  int64_t late = 0;
  for (size_t i = 4; i < delays.size(); ++i) late += delays[i];
  EXPECT_GT(late, 4 * 300) << "late retries should average well above the first ones";
  EXPECT_GE(h.client.stats().connect_attempts, 9u);
  EXPECT_NE(h.all_of<StatusChanged>().back().diagnosis, "") << "repeated quick drops name a likely proxy problem";
  EXPECT_EQ(h.all_of<StatusChanged>().back().diagnosis_code, "drops_after_open");
}

// The same story under many random draws, so the verdict does not depend on
// one seed's luck. A back-off reset on open makes every retry a first retry,
// drawn from [0, 1200) ms: no draw can take it to 1200 ms or more, and most
// draws fall under the 100 ms floor of later retries. Kept back-off draws
// later retries from [100, 2000) ms; across 32 seeds x 5 draws some exceed
// 1200 ms (each does with probability 0.42). Returns what went wrong, or "".
std::string backoff_under_quick_drops(uint32_t canaries) {
  const ReconnectPolicy policy;
  int64_t longest_late = 0;
  for (uint64_t seed = 1; seed <= 32; ++seed) {
    Config c = session_config();
    c.seed_hi = seed;
    c.seed_lo = seed * 0x9E3779B97F4A7C15ULL;
    c.canaries = canaries;
    Harness h(c);
    const std::vector<int64_t> delays = quick_drop_delays(h);
    for (size_t i = 3; i < delays.size(); ++i) {  // retry 4 on: the ceiling is 2 s
      if (delays[i] < policy.min_ms)
        return "seed " + std::to_string(seed) + ", retry " + std::to_string(i + 1) + " waited " +
               std::to_string(delays[i]) + " ms, under the later retries' floor";
      longest_late = std::max(longest_late, delays[i]);
    }
  }
  if (longest_late < policy.first_spread_ms)
    return "no late retry waited longer than a first retry can (" + std::to_string(longest_late) + " ms)";
  return "";
}

TEST(Connection, QuickDropsNeverResetTheBackOffWhateverTheDraw) {
  EXPECT_EQ(backoff_under_quick_drops(0), "");
}

TEST(Connection, TheQuickDropCheckCatchesABackOffResetOnOpen) {
  EXPECT_NE(backoff_under_quick_drops(kCanaryResetBackoffOnOpen), "") << "the check above cannot fail";
}

TEST(Connection, SessionMsCountsTheTimeTheSessionIsUpAcrossReconnects) {
  Harness h(session_config());
  EXPECT_EQ(h.client.stats().session_ms, 0u) << "never connected";
  uint32_t id = go_live(h);
  h.advance(3000);
  EXPECT_EQ(h.client.stats().session_ms, 3000u);
  h.feed(WsClosed{id, 1006, "", true});
  h.advance(400);  // down: not counted (the reconnect may already be under way)
  EXPECT_EQ(h.client.stats().session_ms, 3000u);
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  h.advance(1500);
  EXPECT_EQ(h.client.stats().session_ms, 4500u) << "summed over both welcomes";
}

TEST(Connection, BackOffResetsAfterFiveStableSeconds) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  for (int i = 0; i < 5; ++i) {  // build up a long back-off
    h.feed(WsClosed{id, 1006, "", true});
    h.advance_to_deadline();
    id = last_conn(h);
    h.feed(WsOpened{id});
    h.feed(WsFrame{id, welcome()});
  }
  h.advance(5000);  // stable
  h.feed(WsClosed{id, 1006, "", true});
  EXPECT_LT(*h.client.next_deadline() - h.now, 1200) << "first retry after a stable session is quick again";
}

TEST(Connection, OnlineAndVisibleAttemptAtOnce) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(NetworkChanged{false});
  h.feed(WsClosed{id, 1006, "", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "offline");
  ASSERT_TRUE(h.client.next_deadline().has_value()) << "a safety-net retry stays armed while offline";
  const size_t connects = h.all_of<WsConnect>().size();
  h.feed(NetworkChanged{true});
  EXPECT_EQ(h.all_of<WsConnect>().size(), connects + 1);
  id = last_conn(h);
  h.feed(WsClosed{id, 1006, "", false});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "reconnecting");
  h.feed(VisibilityChanged{true});
  EXPECT_EQ(h.all_of<WsConnect>().size(), connects + 2);
}

TEST(Connection, ASilentSocketIsDeclaredDeadWithinTwoHeartbeats) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  const int64_t live_at = h.now;
  while (h.client.connection().live() && h.now - live_at < 60000) h.advance_to_deadline();
  EXPECT_FALSE(h.client.connection().live());
  EXPECT_LE(h.now - live_at, 30000);
  EXPECT_GE(sent_frames(h, "ping").size(), 1u);
  auto closes = h.all_of<WsClose>();
  ASSERT_FALSE(closes.empty());
  EXPECT_EQ(closes.back().conn_id, id);
}

TEST(Connection, AnyServerFrameCountsAsLife) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  for (int i = 0; i < 10; ++i) {
    h.now += 10000;
    h.feed(WsFrame{id, R"({"type":"pong","t":1})"});
    h.feed(Tick{});
  }
  EXPECT_TRUE(h.client.connection().live());
}

TEST(Connection, ReplacedByAnotherTabStopsInsteadOfFightingBack) {
  Harness h(session_config());
  const uint32_t id = go_live(h);
  const size_t connects = h.all_of<WsConnect>().size();
  h.feed(WsClosed{id, 4000, "replaced:tab", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "closed");
  EXPECT_TRUE(h.all_of<StatusChanged>().back().can_retry_now) << "offers 'use here'";
  while (h.advance_to_deadline(600000)) {}
  EXPECT_EQ(h.all_of<WsConnect>().size(), connects) << "no replace loop";
  h.feed(RetryNowClicked{});
  EXPECT_EQ(h.all_of<WsConnect>().size(), connects + 1);
}

// A server at capacity closes a fresh socket with 1013 "try again later"
// (docs/protocol.md "Limits"): the client backs off for at least 4 s each
// time, keeps trying (never failed), and does not blame a proxy for the
// quick closes.
TEST(Connection, TryAgainLaterBacksOffAndKeepsTrying) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  for (int i = 0; i < 4; ++i) {
    const uint32_t id = last_conn(h);
    h.feed(WsOpened{id});
    h.now += 5;
    h.feed(WsClosed{id, 1013, "try again later: connections", true});
    EXPECT_EQ(h.all_of<StatusChanged>().back().state, "reconnecting");
    const int64_t wait = *h.client.next_deadline() - h.now;
    EXPECT_GE(wait, 4000) << "attempt " << i;
    EXPECT_LT(wait, 8000) << "attempt " << i;
    const size_t connects = h.all_of<WsConnect>().size();
    h.advance_to_deadline();
    EXPECT_EQ(h.all_of<WsConnect>().size(), connects + 1) << "tries again";
  }
  for (const auto& s : h.all_of<StatusChanged>()) EXPECT_NE(s.state, "failed");
  for (const auto& l : h.all_of<Log>()) EXPECT_EQ(l.text.find("proxy"), std::string::npos) << l.text;
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  EXPECT_TRUE(h.client.connection().live()) << "served once there is room";
}

// A draining gateway closes its sockets with 1001 "going away" and answers a
// new socket with the same while it leaves (docs/protocol.md, "Close codes"):
// a stable session's reconnect goes at once, a second 1001 before a welcome
// backs off, and however quickly the sockets close, no proxy trouble is named.
TEST(Connection, AGoingAwayCloseReconnectsAtOnceAndIsNoProxyTrouble) {
  Harness h(session_config());
  const uint32_t first = go_live(h);
  h.advance(6'000);  // stable: up 5 s
  h.feed(WsClosed{first, 1001, "going away", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "reconnecting");
  EXPECT_EQ(*h.client.next_deadline(), h.now) << "no back-off for the first try";
  const size_t connects = h.all_of<WsConnect>().size();
  h.advance_to_deadline();
  ASSERT_EQ(h.all_of<WsConnect>().size(), connects + 1);
  // The balancer sent it to the leaving instance again: it answers 1001.
  const uint32_t second = last_conn(h);
  h.feed(WsOpened{second});
  h.now += 5;
  h.feed(WsClosed{second, 1001, "going away: draining", true});
  EXPECT_GT(*h.client.next_deadline(), h.now) << "a second 1001 before a welcome backs off";
  h.advance_to_deadline();
  const uint32_t third = last_conn(h);
  h.feed(WsOpened{third});
  h.feed(WsFrame{third, welcome()});
  ASSERT_TRUE(h.client.connection().live()) << "live on the other instance";
  // That instance drains later too: at once again.
  h.advance(6'000);
  h.feed(WsClosed{third, 1001, "going away", true});
  EXPECT_EQ(*h.client.next_deadline(), h.now);
  for (const auto& s : h.all_of<StatusChanged>()) {
    EXPECT_EQ(s.diagnosis, "") << "no proxy warning for a drain";
    EXPECT_NE(s.state, "failed");
  }
  for (const auto& l : h.all_of<Log>()) EXPECT_EQ(l.text.find("proxy"), std::string::npos) << l.text;
}

// A server (or something in front of it) that welcomes each socket and
// closes it 1001 at once is not draining: a 1001 before the session was
// stable backs off, so the widget never loops on it.
TEST(Connection, AGoingAwaySoonAfterAWelcomeBacksOff) {
  Harness h(session_config());
  const uint32_t first = go_live(h);
  h.now += 300;
  h.feed(WsClosed{first, 1001, "going away", true});
  EXPECT_GE(*h.client.next_deadline(), h.now + 100) << "not stable yet: back-off";
  for (const auto& s : h.all_of<StatusChanged>()) EXPECT_EQ(s.diagnosis, "") << "still no proxy warning";
}

TEST(Connection, AFailedUpgradeIsProbedAndAProxyDroppingHeadersIsNamed) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  for (int i = 0; i < 2; ++i) {
    const uint32_t id = last_conn(h);
    h.feed(WsClosed{id, 1006, "", false});
    auto probes = h.all_of<HttpProbe>();
    ASSERT_EQ(probes.size(), static_cast<size_t>(i + 1));
    EXPECT_EQ(probes.back().url, "http://shop.test/api/session");
    h.feed(ProbeAnswered{id, 426, -1});
    h.advance_to_deadline();
  }
  EXPECT_NE(h.all_of<StatusChanged>().back().diagnosis.find("Upgrade"), std::string::npos);
  EXPECT_EQ(h.all_of<StatusChanged>().back().diagnosis_code, "upgrade_headers_dropped");
}

TEST(Connection, AProxyErrorDiagnosisCarriesItsStatusAndClearsOnceStable) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  for (int i = 0; i < 2; ++i) {
    const uint32_t id = last_conn(h);
    h.feed(WsClosed{id, 1006, "", false});
    h.feed(ProbeAnswered{id, 502, -1});
    h.advance_to_deadline();
  }
  auto shown = h.all_of<StatusChanged>().back();
  EXPECT_EQ(shown.diagnosis_code, "proxy_error");
  EXPECT_EQ(shown.diagnosis_status, 502);
  const uint32_t id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsFrame{id, welcome()});
  h.advance(6000);  // past StableUptime
  shown = h.all_of<StatusChanged>().back();
  EXPECT_EQ(shown.code, "connected");
  EXPECT_EQ(shown.diagnosis_code, "");
  EXPECT_EQ(shown.diagnosis_status, 0);
}

TEST(Connection, RetryAfterFromAProxy503IsHonoured) {
  Harness h(session_config());
  h.feed(SessionWanted{});
  const uint32_t id = last_conn(h);
  h.feed(WsClosed{id, 1006, "", false});
  h.feed(ProbeAnswered{id, 503, 7000});
  EXPECT_GE(*h.client.next_deadline() - h.now, 7000);
  EXPECT_EQ(h.all_of<StatusChanged>().back().retry_in_ms, 7000);
}

TEST(Connection, UnsupportedVersionFailsForGoodButRefusedCredentialsAreRetriedOnce) {
  Harness h(session_config());
  uint32_t id = go_live(h);
  h.feed(WsClosed{id, 4003, "unauthorized", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "reconnecting");
  h.advance_to_deadline();
  id = last_conn(h);
  h.feed(WsOpened{id});
  h.feed(WsClosed{id, 4003, "unauthorized", true});
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "failed");
  EXPECT_EQ(h.all_of<StatusChanged>().back().code, "credentials_refused");
  Harness v(session_config());
  id = go_live(v);
  v.feed(WsClosed{id, 4001, "unsupported version", true});
  EXPECT_EQ(v.all_of<StatusChanged>().back().state, "failed");
  EXPECT_EQ(v.all_of<StatusChanged>().back().code, "update_required");
  EXPECT_FALSE(v.client.next_deadline().has_value());
}

TEST(Connection, ClosingByTheHostLeavesNoTimerBehind) {
  Harness h(session_config());
  go_live(h);
  h.feed(SessionClosedByHost{});
  EXPECT_FALSE(h.client.next_deadline().has_value());
  EXPECT_EQ(h.all_of<StatusChanged>().back().state, "closed");
}

TEST(ConnectionStates, EveryTransitionInTheTableIsBetweenDifferentOrRetriedStates) {
  EXPECT_GT(kConnTransitionCount, 10u);
  EXPECT_TRUE(is_legal(ConnState::Live, ConnState::Backoff));
  EXPECT_FALSE(is_legal(ConnState::Idle, ConnState::Live)) << "live without a welcome";
  EXPECT_FALSE(is_legal(ConnState::Closed, ConnState::Live));
}

}  // namespace
}  // namespace natter
