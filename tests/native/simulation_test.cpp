// Deterministic simulation of the live session under seeded fault schedules
// (tests/native/sim/). Every seed checks the invariants of
// docs/reliability.md after every step, then heals the world and requires
// convergence. A failing seed prints itself and the tail of its trace;
// replay it with NATTER_SIM_SEED=<seed> (and NATTER_SIM_FULL_TRACE=1 for
// every line of its trace).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "client.hpp"
#include "sim/sim_world.hpp"

namespace natter {
namespace {

using sim::SimOptions;
using sim::SimWorld;

std::string full_trace(const SimWorld& world) {
  std::string out;
  for (const auto& line : world.trace()) out += line + "\n";
  return out;
}

// Runs seeds [first, first + count); returns the first failing seed or 0.
// simulated_ms: adds the simulated time of every seed run.
// ladder: adds what every seed's voice ladder went through.
void add_ladder(SimWorld::LadderFigures& sum, const SimWorld::LadderFigures& f) {
  sum.rung_changes += f.rung_changes;
  sum.onto_channel += f.onto_channel;
  sum.back_to_websocket += f.back_to_websocket;
  sum.peer_connections += f.peer_connections;
  sum.retries += f.retries;
  sum.server_restarts += f.server_restarts;
  sum.frames_rtc += f.frames_rtc;
  sum.frames_websocket += f.frames_websocket;
  sum.ice_restarts += f.ice_restarts;
  sum.ice_restarts_reopened += f.ice_restarts_reopened;
  sum.ice_restarts_given_up += f.ice_restarts_given_up;
}

uint32_t first_failing_seed(uint32_t first, uint32_t count, SimOptions opt, std::string* why = nullptr,
                            std::string* invariant = nullptr, int64_t* simulated_ms = nullptr,
                            SimWorld::LadderFigures* ladder = nullptr) {
  for (uint32_t seed = first; seed < first + count; ++seed) {
    SimOptions fast = opt;
    fast.trace = opt.full_trace;  // tracing costs most of a run: a failing seed is run again with it
    SimWorld first_run(seed, fast);
    const bool ok = first_run.run();
    if (simulated_ms) *simulated_ms += first_run.simulated_ms();
    if (ladder) add_ladder(*ladder, first_run.ladder_figures());
    if (!ok) {
      SimWorld world(seed, opt);  // the same seed, the same run, now traced
      world.run();
      if (why) *why = world.failure() + "\n--- trace " + (opt.full_trace ? "" : "tail ") + "---\n" +
                      (opt.full_trace ? full_trace(world) : world.trace_tail());
      if (invariant) *invariant = world.failed_invariant();
      return seed;
    }
  }
  return 0;
}

// Ten thousand seeds in four quarters, one test each, so ctest spreads them
// over every core (one test of 10,000 seeds was most of the native suite's
// wall time). Together they run exactly the seeds one test ran.
constexpr uint32_t kSeedShards = 4;
class TenThousandSeededFaultSchedules : public ::testing::TestWithParam<uint32_t> {};

TEST_P(TenThousandSeededFaultSchedules, KeepEveryInvariant) {
  // NATTER_SIM_SEEDS lowers the count where each seed is slow (sanitizers).
  uint32_t first = 1, count = 10000;
  if (const char* n = std::getenv("NATTER_SIM_SEEDS")) count = static_cast<uint32_t>(std::atoi(n));
  if (const char* s = std::getenv("NATTER_SIM_SEED")) first = static_cast<uint32_t>(std::atoi(s)), count = 1;
  // NATTER_SIM_FIRST_SEED starts the run later (resuming a long hunt).
  if (const char* f = std::getenv("NATTER_SIM_FIRST_SEED")) first = static_cast<uint32_t>(std::atoi(f));
  const uint32_t per_shard = (count + kSeedShards - 1) / kSeedShards, end = first + count;
  first += GetParam() * per_shard;
  count = first >= end ? 0 : std::min(per_shard, end - first);
  if (count == 0) GTEST_SKIP() << "no seeds left for this quarter (NATTER_SIM_SEEDS/NATTER_SIM_SEED)";
  SimOptions opt;
  opt.full_trace = count == 1 && std::getenv("NATTER_SIM_FULL_TRACE");  // replaying one seed: every line
  std::string why;
  int64_t simulated_ms = 0;
  SimWorld::LadderFigures ladder;
  const auto began = std::chrono::steady_clock::now();  // a figure for the report, never asserted
  const uint32_t bad = first_failing_seed(first, count, opt, &why, nullptr, &simulated_ms, &ladder);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  EXPECT_EQ(bad, 0u) << "seed " << bad << " failed (replay: NATTER_SIM_SEED=" << bad << "): " << why;
  std::printf("[sim] seeds %u..%u: %.0f simulated minutes in %.1f s of wall time (%.0f simulated minutes per second)\n",
              first, first + count - 1, simulated_ms / 60000.0, seconds, simulated_ms / 60000.0 / std::max(seconds, 1e-9));
  std::printf("[sim] voice ladder: %d rung changes (%d onto a channel, %d back to the WebSocket), %d peer connections "
              "(%d retries within a call), %d server restarts in WebRTC worlds; uplink frames %d on rtc, %d on the WebSocket; "
              "%d ICE restarts (%d back on the same channel, %d given up for a new peer connection)\n",
              ladder.rung_changes, ladder.onto_channel, ladder.back_to_websocket, ladder.peer_connections, ladder.retries,
              ladder.server_restarts, ladder.frames_rtc, ladder.frames_websocket, ladder.ice_restarts,
              ladder.ice_restarts_reopened, ladder.ice_restarts_given_up);
}
INSTANTIATE_TEST_SUITE_P(Simulation, TenThousandSeededFaultSchedules, ::testing::Range(0u, kSeedShards));

// The schedules reach what they claim to exercise: the outbox's bounds are
// hit and refused, restarts, reloads and token worlds happen.
TEST(Simulation, TheSchedulesReachTheOutboxBoundAndRefuseMore) {
  int refusals = 0, seeds_refusing = 0;
  SimOptions opt;
  opt.trace = false;
  for (uint32_t seed = 1; seed <= 200; ++seed) {
    SimWorld world(seed, opt);
    ASSERT_TRUE(world.run()) << world.failure();
    refusals += world.outbox_refusals();
    seeds_refusing += world.outbox_refusals() > 0;
  }
  std::printf("[sim] outbox_full refused %d sends in %d of 200 seeds\n", refusals, seeds_refusing);
  EXPECT_GE(seeds_refusing, 20) << "floods rarely reach the outbox bound";
}

// What 300 seeds' schedules reach, run once for the three tests below.
struct ScheduleFigures {
  int resumed_with_previous_token = 0, seeds_resuming_with_it = 0;
  SimWorld::VoiceFigures voice;
  SimWorld::LadderFigures ladder;
  SimWorld::StaffFigures staff;
  std::string failure;  // the first seed that failed, if any
};

const ScheduleFigures& figures_of_300_seeds() {
  static const ScheduleFigures figures = [] {
    ScheduleFigures sum;
    SimOptions opt;
    opt.trace = false;
    for (uint32_t seed = 1; seed <= 300 && sum.failure.empty(); ++seed) {
      SimWorld world(seed, opt);
      if (!world.run()) sum.failure = "seed " + std::to_string(seed) + ": " + world.failure();
      const int resumed = world.server().resumed_with_previous_token;
      sum.resumed_with_previous_token += resumed;
      sum.seeds_resuming_with_it += resumed > 0;
      const auto& v = world.voice_figures();
      sum.voice.calls += v.calls;
      sum.voice.carried_across_reconnects += v.carried_across_reconnects;
      sum.voice.up_at_the_end += v.up_at_the_end;
      sum.voice.mic_denied += v.mic_denied;
      add_ladder(sum.ladder, world.ladder_figures());
      const auto f = world.staff_figures();
      sum.staff.takeovers += f.takeovers;
      sum.staff.staff_replies += f.staff_replies;
      sum.staff.held += f.held;
      sum.staff.hand_backs += f.hand_backs;
    }
    return sum;
  }();
  return figures;
}

// The server model rotates the resume token on every welcome and keeps the
// previous one good for one more hello, as the gateway does; the schedules
// reach that path (a welcome lost with the socket, the client back with the
// token before it) and every invariant still holds there.
TEST(Simulation, TheSchedulesResumeWithThePreviousTokenAfterALostWelcome) {
  const auto& f = figures_of_300_seeds();
  ASSERT_EQ(f.failure, "");
  std::printf("[sim] %d resumes with the previous token in %d of 300 seeds\n", f.resumed_with_previous_token,
              f.seeds_resuming_with_it);
  EXPECT_GE(f.seeds_resuming_with_it, 1) << "no schedule loses a welcome and resumes with the token before it";
}

// Voice worlds (half of the seeds: bit 4) carry calls through
// the same faults: calls reopened on a later socket, calls still up when
// faults stop (then held to V5), refused microphones.
TEST(Simulation, TheSchedulesCarryVoiceCallsAcrossReconnects) {
  const auto& f = figures_of_300_seeds();
  ASSERT_EQ(f.failure, "");
  std::printf("[sim] voice: %d calls, %d carried across a reconnect, %d up when faults stopped, %d refused microphones in 300 seeds\n",
              f.voice.calls, f.voice.carried_across_reconnects, f.voice.up_at_the_end, f.voice.mic_denied);
  EXPECT_GE(f.voice.carried_across_reconnects, 50) << "calls rarely live through a reconnect";
  EXPECT_GE(f.voice.up_at_the_end, 30) << "few calls reach the convergence check";
  EXPECT_GE(f.voice.mic_denied, 5) << "refused microphones are rare";
}

// WebRTC worlds (voice worlds with seed bit 5 clear, no staff) move calls between
// rungs under the ladder's own faults and every other: onto channels and
// back, retries, restarts; each move then held to R1..R7 (sim_ladder.cpp).
TEST(Simulation, TheSchedulesMoveCallsBetweenRungs) {
  const auto& f = figures_of_300_seeds();
  ASSERT_EQ(f.failure, "");
  const auto& l = f.ladder;
  std::printf("[sim] ladder: %d rung changes (%d onto a channel, %d back to the WebSocket), %d peer connections (%d retries), "
              "%d server restarts, frames %d on rtc / %d on the WebSocket, %d ICE restarts (%d back on the same channel, "
              "%d given up) in 300 seeds\n",
              l.rung_changes, l.onto_channel, l.back_to_websocket, l.peer_connections, l.retries, l.server_restarts,
              l.frames_rtc, l.frames_websocket, l.ice_restarts, l.ice_restarts_reopened, l.ice_restarts_given_up);
  EXPECT_GE(l.onto_channel, 50) << "calls rarely reach a channel";
  EXPECT_GE(l.back_to_websocket, 50) << "calls rarely fall back to the WebSocket";
  EXPECT_GE(l.retries, 30) << "the ladder rarely tries again within a call";
  EXPECT_GE(l.frames_rtc, 1000) << "few frames ride a channel";
  // The host answers RtcRestart as the shim does: network changes restart
  // ICE, and some restarts put the call back on the same peer connection
  // (the Restarting path held to R1..R7), not only into a new one.
  EXPECT_GE(l.ice_restarts, 20) << "network changes rarely restart ICE on a channel";
  EXPECT_GE(l.ice_restarts_reopened, 10) << "ICE restarts never (or rarely) reopen the same channel";
}

// Staff worlds (seed bit 6) bring a person in through the same faults:
// takeovers, staff replies (some POSTed twice), messages held for staff,
// hand-backs; each then held to H1..H3 and to every exactly-once invariant.
TEST(Simulation, TheSchedulesBringAPersonIn) {
  const auto& f = figures_of_300_seeds();
  ASSERT_EQ(f.failure, "");
  std::printf("[sim] staff: %d takeovers, %d staff replies, %d messages held for staff, %d hand-backs in 300 seeds\n",
              f.staff.takeovers, f.staff.staff_replies, f.staff.held, f.staff.hand_backs);
  EXPECT_GE(f.staff.takeovers, 50);
  EXPECT_GE(f.staff.staff_replies, 50);
  EXPECT_GE(f.staff.held, 50);
  EXPECT_GE(f.staff.hand_backs, 30);
}

TEST(Simulation, TheSameSeedGivesTheSameTrace) {
  SimOptions opt;
  opt.full_trace = true;
  SimWorld a(42, opt), b(42, opt);
  a.run();
  b.run();
  EXPECT_EQ(a.trace(), b.trace());
  EXPECT_GT(a.trace().size(), 100u);
}

// Planted bugs: the simulator must catch each within its stated number of
// seeds (30: each was caught within the first 5 when the bound was set; 60
// for the ladder's, which only WebRTC worlds reach, the first being seed 16:
// caught at seed 23 when set), by
// the invariant meant to catch it (docs/benchmarks.md lists the
// seeds each took).
struct CanaryCase {
  const char* name;
  uint32_t flag;
  const char* invariant;  // the check that must catch it first ("S1|S2": either of them)
  uint32_t within_seeds;  // the stated bound
};

class Canaries : public ::testing::TestWithParam<CanaryCase> {};

TEST_P(Canaries, ThePlantedBugIsCaughtByItsInvariantWithinItsBound) {
  const CanaryCase& c = GetParam();
  SimOptions opt;
  opt.canaries = c.flag;
  std::string why, invariant;
  const uint32_t caught = first_failing_seed(1, c.within_seeds, opt, &why, &invariant);
  ASSERT_NE(caught, 0u) << c.name << " survived " << c.within_seeds << " seeds";
  const std::string allowed = std::string("|") + c.invariant + "|";
  EXPECT_NE(allowed.find("|" + invariant + "|"), std::string::npos)
      << c.name << " was caught by another check: " << why.substr(0, why.find('\n'));
  std::printf("[canary] %s caught by %s at seed %u: %s\n", c.name, invariant.c_str(), caught,
              why.substr(0, why.find('\n')).c_str());
}

INSTANTIATE_TEST_SUITE_P(
    Simulation, Canaries,
    // A new id on a retry breaks the message's identity both ways: the agent
    // runs twice for it (S1), or, when the first attempt never arrived, the
    // id the shopper's message was accepted under never reaches it (S2).
    ::testing::Values(CanaryCase{"new_id_on_retry", kCanaryNewIdOnRetry, "S1|S2", 30},
                      CanaryCase{"backoff_reset_on_open", kCanaryResetBackoffOnOpen, "L1", 30},
                      CanaryCase{"stale_conn_ids_accepted", kCanaryAcceptStaleConnIds, "S4", 30},
                      CanaryCase{"outbox_flushed_before_welcome", kCanaryFlushBeforeWelcome, "S3", 30},
                      CanaryCase{"heartbeat_left_running_after_close", kCanaryHeartbeatAfterClose, "S6", 30},
                      CanaryCase{"refusal_is_fatal", kCanaryRefusalIsFatal, "L1", 30},
                      CanaryCase{"persistence_skipped_on_send", kCanarySkipPersistOnSend, "S2", 30},
                      CanaryCase{"voice_route_kept_on_fall", kCanaryRouteKeptOnFall, "R3", 60}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace natter

namespace natter {
namespace {

// L5: 10,000 clients whose server restarts at once. The server stays down
// for their first attempt, so each makes two; returns the largest share of
// all attempts that falls in one 100 ms window.
double largest_window_share(uint32_t canaries) {
  constexpr int kClients = 10000;
  constexpr int64_t kDropAt = 10000;
  std::map<int64_t, int> per_window;
  int attempts = 0;
  for (int i = 0; i < kClients; ++i) {
    Config c;
    c.session_url = "ws://herd.test/api/session";
    c.seed_hi = static_cast<uint64_t>(i) * 7919 + 1;
    c.seed_lo = static_cast<uint64_t>(i) ^ 0xA5A5A5A5ULL;
    c.canaries = canaries;
    Client client(c);
    auto drain = [&] { while (client.poll()) {} };
    client.handle(SessionWanted{}, 0);
    drain();
    uint32_t id = client.connection().conn_id();
    client.handle(WsOpened{id}, 50);
    client.handle(WsFrame{id, R"({"type":"welcome","session_id":"s","resume_token":"t","resumed":true})"}, 100);
    client.handle(Tick{}, 6000);  // stable: back-off forgotten
    drain();
    client.handle(WsClosed{id, 1006, "", true}, kDropAt);
    drain();
    for (int wave = 0; wave < 2; ++wave) {
      const int64_t at = *client.next_deadline();
      ++per_window[(at - kDropAt) / 100];
      ++attempts;
      client.handle(Tick{}, at);
      drain();
      id = client.connection().conn_id();
      client.handle(WsClosed{id, 1006, "", false}, at + 20);  // the server is still down
      drain();
    }
  }
  int largest = 0;
  for (const auto& [w, n] : per_window) largest = std::max(largest, n);
  return static_cast<double>(largest) / attempts;
}

TEST(Simulation, TenThousandClientsDroppedTogetherSpreadTheirReconnects) {
  const double share = largest_window_share(0);
  std::printf("[herd] largest 100 ms window holds %.1f%% of 20000 reconnect attempts\n", share * 100);
  EXPECT_LE(share, 0.10);
}

TEST(Simulation, WithoutJitterTheHerdWouldStampede) {
  EXPECT_GT(largest_window_share(kCanaryNoJitter), 0.10) << "the herd test cannot tell jitter from none";
}

}  // namespace
}  // namespace natter

namespace natter {
namespace {

// One simulated seed, recorded as a transcript scenario: its inputs replay
// through the JSON boundary natively and in WASM (tests/transcripts), so the
// two builds are held to the same trace byte for byte.
TEST(Simulation, ASeedIsRecordedAsATranscriptBothBuildsReplay) {
  constexpr uint32_t kSeed = 42;
  SimOptions opt;
  opt.full_trace = true;
  opt.steps = 25;
  opt.single_page = true;
  SimWorld world(kSeed, opt);
  ASSERT_TRUE(world.run()) << world.failure();
  nlohmann::json steps = nlohmann::json::array();
  for (const std::string& line : world.trace()) {
    const auto in = line.find(" in  ");
    if (in == std::string::npos) continue;
    steps.push_back({{"now", std::stoll(line.substr(2, in - 2))}, {"event", nlohmann::json::parse(line.substr(in + 5))}});
  }
  char lo[17];
  std::snprintf(lo, sizeof lo, "%016llx", static_cast<unsigned long long>(0x9E3779B97F4A7C15ULL ^ kSeed));
  const nlohmann::json scenario = {
      {"story", "Simulated seed 42: drops, restarts, offline flips and replays on the live session."},
      {"config", {{"session_url", "ws://sim.test/api/session"}, {"conversation_id", "conv-42"}, {"tab_id", "tab"},
                  {"seed_hi", "000000000000002a"}, {"seed_lo", lo}}},
      {"steps", steps}};
  const std::string path = std::string(NATTER_TRANSCRIPTS_DIR) + "/scenarios/sim_seed_42.json";
  if (std::getenv("NATTER_UPDATE_TRANSCRIPTS")) std::ofstream(path) << scenario.dump(1) << "\n";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(nlohmann::json::parse(ss.str(), nullptr, false), scenario) << path << " is stale: re-record transcripts";
  EXPECT_GT(steps.size(), 50u);
}

}  // namespace
}  // namespace natter
