// When the page reloads for a release (wasm/src/session/release_watch.hpp,
// docs/protocol.md "Releases and reloads"): only when the server does not
// serve this client, or when the channel the page follows moved; never for
// the welcome's build alone, at most once per tab per 10 minutes (a guard
// persisted across the reload), and only when nothing would be lost.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"

namespace natter::testing {
namespace {

constexpr int64_t kWall = 1'800'000'000'000;  // the host's Date.now() when it built the config
constexpr int64_t kMinute = 60'000;
const char* kChannel = "https://cdn.test/natter/channels/latest.json";

std::string welcome_with(const std::string& extra) {
  std::string w = welcome(true);
  return w.substr(0, w.size() - 1) + "," + extra + "}";
}

Config page(bool follows_channel, int64_t last_reload_wall_ms = 0) {
  Config c = session_config();
  c.build = "build-a";
  c.version = "1.0.0";
  c.wall_now_ms = kWall;
  c.last_reload_wall_ms = last_reload_wall_ms;
  if (follows_channel) c.channel_url = kChannel;
  return c;
}

struct Page {
  Harness h;
  uint32_t conn = 0;
  explicit Page(Config c) : h(std::move(c)) {}

  // A new socket up to (and including) the welcome.
  void welcome(const std::string& frame) {
    if (conn == 0) h.feed(SessionWanted{});
    else {
      h.feed(WsClosed{conn, 1006, "", true});
      while (h.client.connection().state() != ConnState::ExpectOpen && h.advance_to_deadline()) {}
    }
    conn = last_conn(h);
    h.feed(WsOpened{conn});
    h.feed(WsFrame{conn, frame});
  }
  size_t reloads() const { return h.all_of<ReloadPage>().size(); }
  size_t checks() const { return h.all_of<ChannelCheck>().size(); }
  std::string last_status_code() const {
    auto s = h.all_of<StatusChanged>();
    return s.empty() ? "" : s.back().code;
  }
  // The persisted guard record, or null.
  nlohmann::json reload_record() const {
    nlohmann::json out;
    for (const auto& p : h.all_of<Persist>())
      if (p.key == ReleaseWatch::kPersistKey) out = nlohmann::json::parse(p.value);
    return out;
  }
};

TEST(ReleaseVersions, CompareNumericallyWithPreReleasesFirst) {
  EXPECT_EQ(compare_versions("1.0.0", "1.0.0"), 0);
  EXPECT_EQ(compare_versions("1.9.0", "1.10.0"), -1);
  EXPECT_EQ(compare_versions("2.0", "1.99.99"), 1);
  EXPECT_EQ(compare_versions("1.0", "1.0.0"), 0);
  EXPECT_EQ(compare_versions("1.1.0-b", "1.1.0"), -1);
  EXPECT_EQ(compare_versions("1.1.0", "1.1.0-b"), 1);
  EXPECT_EQ(compare_versions("1.0.0-a", "1.0.0-b"), -1);
  EXPECT_EQ(compare_versions("1.0.0+meta", "1.0.0"), 0);
  EXPECT_FALSE(compare_versions("latest", "1.0.0"));
  EXPECT_FALSE(compare_versions("1..0", "1.0.0"));
  EXPECT_FALSE(compare_versions("", "1.0.0"));
}

TEST(ReleaseWatch, APinnedPageNeverReloadsNorReadsAChannelWhateverBuildTheServerServes) {
  Page p(page(false));
  for (int i = 0; i < 20; ++i) p.welcome(welcome_with(R"("build":"build-b","min_protocol":1,"min_client":"")"));
  EXPECT_EQ(p.h.client.stats().sessions_opened, 20u);
  EXPECT_EQ(p.reloads(), 0u);
  EXPECT_EQ(p.checks(), 0u);
}

TEST(ReleaseWatch, AChannelPageReadsTheChannelAfterEveryWelcomeAndStaysWhileItNamesOurBuild) {
  Page p(page(true));
  for (int i = 0; i < 3; ++i) {
    p.welcome(welcome_with(R"("build":"build-other")"));  // a gateway serving another build: no reason
    ASSERT_EQ(p.checks(), static_cast<size_t>(i + 1));
    EXPECT_EQ(p.h.all_of<ChannelCheck>().back().url, kChannel);
    p.h.feed(ChannelRead{true, "1.0.0", "build-a"});
  }
  p.h.feed(ChannelRead{true, "1.0.1", "build-b"});  // unasked: ignored
  EXPECT_EQ(p.reloads(), 0u);
}

TEST(ReleaseWatch, AMovedChannelReloadsAnIdlePageOnceAfterPersistingTheGuard) {
  Page p(page(true));
  p.welcome(welcome());
  p.h.advance(2 * kMinute);
  const auto effects = p.h.feed(ChannelRead{true, "1.0.1", "build-b"});
  // The guard record first, then the reload: the host carries them out in order.
  std::vector<std::string> order;
  for (const auto& e : effects) {
    if (auto* persist = std::get_if<Persist>(&e); persist && persist->key == ReleaseWatch::kPersistKey) order.push_back("persist");
    if (std::holds_alternative<ReloadPage>(e)) order.push_back("reload");
  }
  EXPECT_EQ(order, (std::vector<std::string>{"persist", "reload"}));
  const auto reload = p.h.all_of<ReloadPage>().at(0);
  EXPECT_EQ(reload.build, "build-b");
  EXPECT_EQ(reload.reason, "channel");
  const auto record = p.reload_record();
  EXPECT_EQ(record["at"], kWall + 2 * kMinute) << "the host's wall clock, moved on by the core's own time";
  EXPECT_EQ(record["reason"], "channel");
  EXPECT_EQ(record["build"], "build-b");
  // Nothing the server or the channel says makes a second one on this page.
  p.welcome(welcome());
  p.h.feed(ChannelRead{true, "1.0.2", "build-c"});
  p.h.feed(WsClosed{p.conn, 4001, "unsupported version", true});
  EXPECT_EQ(p.reloads(), 1u);
}

TEST(ReleaseWatch, TheNextPageWithinTenMinutesDoesNotReloadAgainAfterThatItMay) {
  // The page the reload produced, 4 minutes later: the channel moved again (or rolled back).
  Page p(page(true, kWall - 4 * kMinute));
  p.welcome(welcome());
  p.h.feed(ChannelRead{true, "1.0.1", "build-b"});
  EXPECT_EQ(p.reloads(), 0u) << "one reload per tab per 10 minutes";
  // Still running, 7 minutes on (11 since the reload): the next welcome's read may reload.
  p.h.advance(7 * kMinute);
  p.welcome(welcome());
  p.h.feed(ChannelRead{true, "1.0.1", "build-b"});
  EXPECT_EQ(p.reloads(), 1u);
}

TEST(ReleaseWatch, AReloadRecordWithoutAWallClockToCompareBlocks) {
  Config c = page(true, kWall - 60 * kMinute);
  c.wall_now_ms = 0;  // the host did not say
  Page p(c);
  p.welcome(welcome());
  p.h.feed(ChannelRead{true, "1.0.1", "build-b"});
  EXPECT_EQ(p.reloads(), 0u);
}

TEST(ReleaseWatch, AChannelMovedBackBeforeTheSafeMomentCancelsTheReload) {
  Page p(page(true));
  p.h.feed(ComposerChanged{4});  // the shopper is typing
  p.welcome(welcome());
  p.h.feed(ChannelRead{true, "1.0.1", "build-b"});
  EXPECT_EQ(p.reloads(), 0u);
  p.welcome(welcome());
  p.h.feed(ChannelRead{true, "1.0.0", "build-a"});  // rolled back to what we run
  p.h.feed(ComposerChanged{0});
  EXPECT_EQ(p.reloads(), 0u);
}

TEST(ReleaseWatch, AnUnreadableChannelChangesNothing) {
  Page p(page(true));
  p.welcome(welcome());
  p.h.feed(ChannelRead{false, "", ""});
  EXPECT_EQ(p.reloads(), 0u);
  EXPECT_TRUE(p.h.client.connection().live());
  p.welcome(welcome());
  EXPECT_EQ(p.checks(), 2u) << "asked again after the next welcome";
}

struct Refusal : ::testing::TestWithParam<std::string> {};

// Each way a server says it does not serve this client.
void refuse(Page& p, const std::string& how) {
  if (how == "close 4001") {
    p.h.feed(SessionWanted{});
    p.conn = last_conn(p.h);
    p.h.feed(WsOpened{p.conn});
    p.h.feed(WsClosed{p.conn, 4001, "unsupported version", true});
  } else if (how == "error frame") {
    p.h.feed(SessionWanted{});
    p.conn = last_conn(p.h);
    p.h.feed(WsOpened{p.conn});
    p.h.feed(WsFrame{p.conn, R"({"type":"error","code":"unsupported_version","message":"no","min_protocol":2,"max_protocol":2})"});
  } else if (how == "min_protocol") {
    p.welcome(welcome_with(R"("min_protocol":2,"min_client":"")"));
  } else {
    p.welcome(welcome_with(R"("min_protocol":1,"min_client":"1.2.0")"));
  }
}

TEST_P(Refusal, ReloadsOnceWhenIdleAndStopsTheSession) {
  Page p(page(false));  // pinned: only the refusal can make it reload
  refuse(p, GetParam());
  EXPECT_EQ(p.h.client.connection().state(), ConnState::Failed);
  EXPECT_FALSE(p.h.client.timers().armed(TimerName::Reconnect)) << "no reconnect loop";
  EXPECT_EQ(p.last_status_code(), "update_required");
  ASSERT_EQ(p.reloads(), 1u);
  EXPECT_EQ(p.h.all_of<ReloadPage>()[0].reason, "unsupported");
  EXPECT_EQ(p.reload_record()["reason"], "unsupported");
  EXPECT_EQ(p.reload_record()["at"], kWall);
}

TEST_P(Refusal, AfterTheOneReloadTheShopperIsToldInsteadOfLooping) {
  Page p(page(false, kWall - 20'000));  // this page is the reload, 20 s ago
  refuse(p, GetParam());
  EXPECT_EQ(p.h.client.connection().state(), ConnState::Failed);
  EXPECT_EQ(p.last_status_code(), "unsupported_client");
  EXPECT_EQ(p.reloads(), 0u);
  bool named_the_fix = false;
  for (const auto& l : p.h.all_of<Log>())
    named_the_fix |= l.level == "warn" && l.text.find("no longer serves this widget") != std::string::npos &&
                     l.text.find("data-version") != std::string::npos;
  EXPECT_TRUE(named_the_fix) << "the console says what to change";
  // Much later, nothing brings the loop back on this page.
  p.h.advance(30 * kMinute);
  p.h.feed(ComposerChanged{0});
  EXPECT_EQ(p.reloads(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Ways, Refusal, ::testing::Values("close 4001", "error frame", "min_protocol", "min_client"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& ch : n) if (ch == ' ') ch = '_';
                           return n;
                         });

TEST(ReleaseWatch, AClientTooOldForTheServerSendsNothingOnThatSocket) {
  Config c = page(false);
  c.outbox_json = R"([{"id":"m-1","text":"queued before"}])";
  Page p(c);
  p.welcome(welcome_with(R"("min_protocol":1,"min_client":"2.0.0")"));
  EXPECT_TRUE(sent_frames(p.h, "msg").empty()) << "the outbox is not flushed into a session that does not serve us";
  EXPECT_FALSE(p.h.all_of<WsClose>().empty());
  EXPECT_EQ(p.reloads(), 0u) << "something unsent: no reload";
  EXPECT_EQ(p.last_status_code(), "update_required");
}

TEST(ReleaseWatch, ANewerOrEqualOrUncomparableClientIsServed) {
  for (const std::string min : {"1.0.0", "0.9.12", "1.0.0-rc.1", "nightly"}) {
    Page p(page(false));
    p.welcome(welcome_with(R"("min_protocol":1,"min_client":")" + min + "\""));
    EXPECT_TRUE(p.h.client.connection().live()) << min;
    EXPECT_EQ(p.reloads(), 0u) << min;
  }
}

// Moved here from voice_call_test.cpp: the trigger used to be any other
// welcome.build; it is a moved channel now. The safety rules are the same.
TEST(ReleaseWatch, NeverMidCallNorOverTypedOrUnansweredText) {
  Page p(page(true));
  Harness& h = p.h;
  h.feed(ComposerChanged{3});  // the shopper is typing
  p.welcome(welcome());
  const uint32_t conn = p.conn;
  h.feed(ChannelRead{true, "1.0.1", "build-b"});
  EXPECT_TRUE(h.all_of<ReloadPage>().empty());
  h.feed(VoiceStartClicked{});
  h.feed(MicAnswered{"granted"});
  h.feed(ComposerChanged{0});
  EXPECT_TRUE(h.all_of<ReloadPage>().empty()) << "mid-call";
  h.feed(EnterPressed{"", false, false, false});  // ignored in voice mode
  h.feed(ComposerChanged{5});                     // typing while the call ends
  h.feed(VoiceEndClicked{});
  const std::string call = nlohmann::json::parse(sent_frames(h, "voice.start").front())["call_id"].get<std::string>();
  h.feed(WsFrame{conn, R"({"type":"voice.closed","call_id":")" + call + "\"}"});
  EXPECT_TRUE(h.all_of<ReloadPage>().empty()) << "text in the composer";
  // The call is over; the text goes out and is unanswered: still no reload.
  h.feed(EnterPressed{"hello", false, false, false});
  EXPECT_TRUE(h.all_of<ReloadPage>().empty()) << "a message unanswered";
  const auto msg = nlohmann::json::parse(sent_frames(h, "msg").front());
  const std::string id = msg["message_id"].get<std::string>();
  h.feed(WsFrame{conn, ack(id)});
  h.feed(WsFrame{conn, event(1, id, "delta", R"({"text":"Yes "})")});
  EXPECT_TRUE(h.all_of<ReloadPage>().empty()) << "the reply is streaming";
  h.feed(WsFrame{conn, event(2, id, "done", "{}")});
  ASSERT_EQ(h.all_of<ReloadPage>().size(), 1u);
  h.feed(ComposerChanged{0});
  EXPECT_EQ(h.all_of<ReloadPage>().size(), 1u) << "once";
}

}  // namespace
}  // namespace natter::testing
