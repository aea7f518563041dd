// docs/reliability.md L2 with no browser signal: after an outage of up to
// 30 s that the browser never reports (no offline, no online, no visible),
// the client's own timers get it live again within 3 s of the network's
// return. The network refuses every attempt during the outage (a 1006 before
// open, 50 ms after the attempt) and accepts the first one after it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "session_harness.hpp"

namespace natter {
namespace {

using namespace natter::testing;

constexpr int64_t kBoundMs = 3000;
constexpr int64_t kRoundTripMs = 50;  // each hop of a connect

// Live, then an outage of outage_ms from t = 10 s; returns how long after
// the outage ended the client was live again (-1: not within a minute).
int64_t recovery_ms(uint64_t seed, int64_t outage_ms, uint32_t canaries = 0) {
  Config c = session_config();
  c.seed_hi = seed;
  c.seed_lo = seed * 0x2545F4914F6CDD1DULL;
  c.canaries = canaries;
  Harness h(c);
  go_live(h);
  h.advance(10000 - h.now);  // stable: back-off forgotten
  const int64_t down_at = h.now, up_at = down_at + outage_ms;
  h.feed(WsClosed{h.client.connection().conn_id(), 1006, "", true});
  size_t handled = h.all_of<WsConnect>().size();
  while (h.now < up_at + 60000) {
    if (h.client.connection().live()) return h.now - up_at;
    const auto connects = h.all_of<WsConnect>();
    if (connects.size() > handled) {  // a new attempt: the network answers one round trip later
      handled = connects.size();
      const uint32_t id = connects.back().conn_id;
      h.now += kRoundTripMs;
      if (h.now < up_at) {
        h.feed(WsClosed{id, 1006, "", false});
      } else {
        h.feed(WsOpened{id});
        h.now += 2 * kRoundTripMs;
        h.feed(WsFrame{id, welcome()});
      }
      continue;
    }
    // (probes go unanswered: the network is down)
    if (!h.advance_to_deadline()) return -1;
  }
  return -1;
}

TEST(RecoveryBound, AnUnsignalledOutageOfUpTo30sEndsLiveWithin3sByTimersAlone) {
  int64_t worst = 0;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    for (int64_t outage : {500, 2000, 5000, 12000, 20000, 29000, 30000}) {
      const int64_t r = recovery_ms(seed, outage);
      ASSERT_GE(r, 0) << "seed " << seed << ", outage " << outage << " ms: never live again";
      EXPECT_LE(r, kBoundMs) << "seed " << seed << ", outage " << outage << " ms: live " << r << " ms after the network returned";
      worst = std::max(worst, r);
    }
  }
  std::printf("[recovery] worst: live %lld ms after an unsignalled outage of up to 30 s ended (bound %lld ms)\n",
              static_cast<long long>(worst), static_cast<long long>(kBoundMs));
}

}  // namespace
}  // namespace natter
