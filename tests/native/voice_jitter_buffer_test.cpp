// The jitter buffer (wasm/src/voice/audio/jitter_buffer.hpp) against a simulated
// network: a sender makes one packet every 20 ms, the network delays, drops,
// duplicates and reorders them, and the player pulls every 20 ms. Each test
// checks the promise: every packet played at most once and in order, every
// hole reported as lost exactly once, and the depth following the jitter.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

#include "voice/audio/jitter_buffer.hpp"

namespace {

using natter::voice::InsertResult;
using natter::voice::JitterBuffer;
using natter::voice::PullResult;

struct Delivery {
  int64_t at_ms;
  int64_t ext;  // the sender's unwrapped seq; the wire carries its low 16 bits
};

struct Played {
  int64_t ext;   // -1 for kEmpty
  PullResult::Kind kind;
  bool had_fec;
};

// Runs deliveries and a pull every 20 ms (at 20k + 10 ms) until `until_ms`.
// Payloads carry the full ext so the test can check identity across wraps.
std::vector<Played> run(JitterBuffer& jb, std::vector<Delivery> d, int64_t until_ms,
                        std::vector<int>* depth_trace = nullptr) {
  std::stable_sort(d.begin(), d.end(), [](const Delivery& a, const Delivery& b) { return a.at_ms < b.at_ms; });
  std::vector<Played> out;
  size_t i = 0;
  for (int64_t pull_at = 10; pull_at < until_ms; pull_at += 20) {
    for (; i < d.size() && d[i].at_ms <= pull_at; ++i) {
      const int64_t e = d[i].ext;
      uint8_t payload[8];
      for (int b = 0; b < 8; ++b) payload[b] = uint8_t(uint64_t(e) >> (8 * b));
      jb.insert(uint16_t(e), uint32_t(e * 960), payload, sizeof payload, d[i].at_ms);
    }
    const PullResult r = jb.pull();
    if (depth_trace) depth_trace->push_back(jb.target_depth_frames());
    if (r.kind == PullResult::kPacket) {
      int64_t e = 0;
      for (int b = 0; b < 8; ++b) e |= int64_t(r.payload[b]) << (8 * b);
      EXPECT_EQ(r.seq, uint16_t(e));
      EXPECT_EQ(r.timestamp, uint32_t(e * 960));
      out.push_back({e, r.kind, false});
    } else if (r.kind == PullResult::kLost) {
      out.push_back({r.seq, r.kind, r.fec != nullptr});
    } else {
      out.push_back({-1, r.kind, false});
    }
  }
  return out;
}

// Unwraps the 16-bit seqs reported as lost against the played sequence.
std::vector<int64_t> timeline(const std::vector<Played>& p, int64_t first) {
  std::vector<int64_t> t;
  int64_t last = first - 1;
  for (const Played& x : p) {
    if (x.kind == PullResult::kEmpty) continue;
    const int64_t e = x.kind == PullResult::kPacket ? x.ext : last + int16_t(uint16_t(x.ext) - uint16_t(last));
    t.push_back(e);
    last = e;
  }
  return t;
}

// Reordering within the minimum depth (40 ms) costs nothing, from the first
// packet on. (Larger jitter is learned: see DeepensUnderJitter... below.)
TEST(VoiceJitterBuffer, PlaysEveryPacketOnceInOrderDespiteReorderingAndDuplicates) {
  std::mt19937 rng(1);
  std::vector<Delivery> d;
  for (int64_t s = 0; s < 500; ++s) {
    const int64_t at = s * 20 + 50 + (s % 3 == 1 ? 35 : 0);  // every third packet overtaken by the next
    d.push_back({at, s});
    if (rng() % 10 == 0) d.push_back({at + int64_t(rng() % 30), s});  // duplicate
  }
  JitterBuffer jb;
  const auto played = run(jb, d, 500 * 20 + 400);
  const auto t = timeline(played, 0);
  ASSERT_EQ(t.size(), 500u);
  for (int64_t s = 0; s < 500; ++s) ASSERT_EQ(t[s], s);
  EXPECT_EQ(jb.stats().played, 500u);
  EXPECT_EQ(jb.stats().lost, 0u);
  EXPECT_GT(jb.stats().duplicates, 20u);
}

TEST(VoiceJitterBuffer, ReportsEachLostPacketAsLostExactlyOnceAndOffersTheNextForFec) {
  std::mt19937 rng(2);
  std::vector<Delivery> d;
  std::vector<bool> sent(400);
  for (int64_t s = 0; s < 400; ++s) {
    sent[s] = s == 0 || rng() % 10 != 0;  // ~10% loss
    if (sent[s]) d.push_back({s * 20 + 30, s});
  }
  JitterBuffer jb;
  const auto played = run(jb, d, 400 * 20 + 400);
  std::vector<Played> real;
  for (const Played& p : played) if (p.kind != PullResult::kEmpty) real.push_back(p);
  const int64_t last_sent = d.back().ext;
  ASSERT_EQ(real.size(), size_t(last_sent + 1));
  size_t lost = 0;
  for (int64_t s = 0; s <= last_sent; ++s) {
    if (sent[s]) {
      ASSERT_EQ(real[s].kind, PullResult::kPacket) << s;
      ASSERT_EQ(real[s].ext, s);
    } else {
      ++lost;
      ASSERT_EQ(real[s].kind, PullResult::kLost) << s;
      ASSERT_EQ(real[s].ext, s);
      EXPECT_EQ(real[s].had_fec, bool(sent[s + 1])) << "FEC comes from the next packet when it is here";
    }
  }
  EXPECT_EQ(jb.stats().lost, lost);
  EXPECT_GT(lost, 20u);
}

TEST(VoiceJitterBuffer, KeepsOrderAcrossTheSeqWraparound) {
  std::vector<Delivery> d;
  const int64_t first = 65400;  // wraps after 136 packets
  for (int64_t s = first; s < first + 400; ++s) d.push_back({(s - first) * 20 + 40 + (s % 2 ? 15 : 0), s});
  JitterBuffer jb;
  const auto t = timeline(run(jb, d, 400 * 20 + 400), first);
  ASSERT_EQ(t.size(), 400u);
  for (size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t[i], first + int64_t(i));
  EXPECT_EQ(jb.stats().lost, 0u);
}

TEST(VoiceJitterBuffer, DeepensUnderJitterAndComesBackDownWhenItStops) {
  std::mt19937 rng(4);
  std::vector<Delivery> d;
  for (int64_t s = 0; s < 750; ++s) {
    // 5 s steady, 5 s with 0..120 ms of random extra delay, 5 s steady.
    const bool jittery = s >= 250 && s < 500;
    d.push_back({s * 20 + 30 + (jittery ? int64_t(rng() % 121) : 0), s});
  }
  JitterBuffer jb;
  std::vector<int> target;
  const auto played = run(jb, d, 750 * 20 + 600, &target);
  const int calm = target[240], stormy = target[495], after = target[740];
  std::printf("  target depth: calm %d ms, under 0..120 ms jitter %d ms, 5 s later %d ms; "
              "lost %llu, late %llu, dropped for latency %llu\n",
              calm * 20, stormy * 20, after * 20, (unsigned long long)jb.stats().lost,
              (unsigned long long)jb.stats().late, (unsigned long long)jb.stats().dropped_for_latency);
  EXPECT_EQ(calm, 2);
  EXPECT_GE(stormy, 7);   // 120 ms of spread -> 6 frames + 1
  EXPECT_LE(stormy, 10);  // never beyond 200 ms
  EXPECT_EQ(after, 2);
  EXPECT_LE(jb.buffered_frames(), 2 + 2) << "the extra delay is shed once the jitter stops";
  EXPECT_GT(jb.stats().dropped_for_latency, 0u);
  // Once deepened, the jitter is absorbed: only the first spikes may cost packets.
  EXPECT_LT(jb.stats().lost + jb.stats().late, 15u);
  // Still in order, nothing played twice.
  int64_t last = -1;
  for (const Played& p : played) {
    if (p.kind != PullResult::kPacket) continue;
    ASSERT_GT(p.ext, last);
    last = p.ext;
  }
}

TEST(VoiceJitterBuffer, DropsAPacketThatArrivesAfterItsTurn) {
  JitterBuffer jb;
  const auto played = run(jb, {{30, 0}, {50, 1}, {70, 3}, {90, 4}, {130, 2}, {110, 5}}, 400);
  const auto t = timeline(played, 0);
  ASSERT_EQ(t.size(), 6u);
  EXPECT_EQ(jb.stats().lost, 1u);
  EXPECT_EQ(jb.stats().late, 1u);
  EXPECT_EQ(jb.stats().played, 5u);
}

TEST(VoiceJitterBuffer, APauseInTheStreamDoesNotBecomeABurstOfLostFrames) {
  std::vector<Delivery> d;
  for (int64_t s = 0; s < 50; ++s) d.push_back({s * 20 + 30, s});
  for (int64_t s = 150; s < 200; ++s) d.push_back({s * 20 + 30, s});  // 2 s muted, seq jumped 100
  JitterBuffer jb;
  const auto t = timeline(run(jb, d, 200 * 20 + 400), 0);
  EXPECT_EQ(jb.stats().played, 100u);
  EXPECT_EQ(jb.stats().lost, 0u);
  EXPECT_EQ(t.size(), 100u);
}

// The agent's answers: one talkspurt, seconds of nothing, the next one with
// seq and timestamp going on where the last ended (the gateway numbers
// frames, not wall time). The pause is not jitter: the next answer starts
// at the calm depth, not held back by the whole 200 ms maximum.
TEST(VoiceJitterBuffer, ANewTalkspurtAfterAPauseStartsAtTheCalmDepth) {
  std::vector<Delivery> d;
  for (int64_t s = 0; s < 50; ++s) d.push_back({s * 20 + 30, s});
  const int64_t second_at = 50 * 20 + 30 + 3000;  // 3 s later, seq 50 on
  for (int64_t s = 50; s < 100; ++s) d.push_back({second_at + (s - 50) * 20, s});
  JitterBuffer jb;
  std::vector<int> target;
  const auto played = run(jb, d, second_at + 50 * 20 + 400, &target);
  int64_t first_of_second = -1;
  for (size_t i = 0; i < played.size(); ++i) {
    if (played[i].kind == PullResult::kPacket && played[i].ext == 50) first_of_second = 10 + int64_t(i) * 20;
  }
  ASSERT_GE(first_of_second, 0);
  std::printf("  second talkspurt: first frame played %lld ms after it arrived\n", (long long)(first_of_second - second_at));
  EXPECT_LE(first_of_second - second_at, 80);
  EXPECT_EQ(target[static_cast<size_t>((second_at + 200) / 20)], 2);
  EXPECT_EQ(jb.stats().played, 100u);
  EXPECT_EQ(jb.stats().lost, 0u);
}

TEST(VoiceJitterBuffer, RestartsFromAPacketFarAheadAndRejectsBadInput) {
  JitterBuffer jb;
  const uint8_t p[1] = {1};
  EXPECT_EQ(jb.insert(10, 0, p, 1, 0), InsertResult::kStored);
  EXPECT_EQ(jb.insert(10, 0, p, 1, 5), InsertResult::kDuplicate);
  EXPECT_EQ(jb.insert(10 + JitterBuffer::kSlots, 0, p, 1, 10), InsertResult::kRestarted);
  EXPECT_EQ(jb.insert(11, 0, nullptr, 1, 10), InsertResult::kInvalid);
  EXPECT_EQ(jb.insert(11, 0, p, 0, 10), InsertResult::kInvalid);
  std::vector<uint8_t> big(2000);
  EXPECT_EQ(jb.insert(11, 0, big.data(), big.size(), 10), InsertResult::kInvalid);
}

}  // namespace
