// The voice runtime gate (voice_runtime.hpp): the browser's audio side is
// downloaded when a call first needs it, and what the call wants meanwhile
// is kept, not queued: End before the download means no microphone prompt,
// a greeting that starts during it plays once it is there, and a failed
// download says voice cannot run here and tries again on the next call.
// Also docs/voice-runtime-states.md, generated from kRuntimeTransitions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"
#include "state_diagram.hpp"
#include "transition_probe.hpp"

namespace natter {
namespace {

using namespace natter::testing;

const DiagramSource kSource{"Voice runtime states", "voice-runtime-states.md", "kRuntimeTransitions",
                            "wasm/src/voice/call/voice_runtime.cpp", "tests/native/voice_runtime_test.cpp",
                            "Ready lasts for the page's life; until then the call's wishes (microphone, playback,\n"
                            "echo guard) are kept and sent once it is loaded (voice_runtime.hpp).\n"};

TEST(VoiceRuntimeStates, TheDiagramInTheDocsMatchesTheTable) {
  expect_doc_matches(kSource, render_state_diagram(kSource, kRuntimeTransitions, kRuntimeTransitionCount,
                                                   RuntimeState::Absent));
}

TEST(VoiceRuntimeStates, EveryStateIsReachableFromAbsent) {
  EXPECT_EQ(reachable_states(kRuntimeTransitions, kRuntimeTransitionCount, RuntimeState::Absent), 3u);
}

TEST(VoiceRuntimeStates, AForbiddenTransitionIsRefusedReportedAndChangesNothing) {
  Harness h(session_config());
  ASSERT_FALSE(is_legal(RuntimeState::Absent, RuntimeState::Ready));
  EXPECT_FALSE(TransitionProbe::go(h.client, RuntimeState::Ready));
  EXPECT_EQ(h.client.runtime().state(), RuntimeState::Absent);
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
}

struct VoiceRuntimeGate : ::testing::Test {
  Harness h = [] {
    Harness made(session_config());
    made.runtime_answers = false;  // these stories answer the download themselves
    return made;
  }();
  uint32_t conn = 0;

  std::string call_id() const {
    auto starts = sent_frames(h, "voice.start");
    return starts.empty() ? "" : nlohmann::json::parse(starts.back())["call_id"].get<std::string>();
  }
  std::string state() const {
    auto s = h.all_of<VoiceStateChanged>();
    return s.empty() ? "" : s.back().state;
  }
};

TEST_F(VoiceRuntimeGate, TheFirstCallDownloadsTheRuntimeAndAsksForTheMicOnlyOnceItIsThere) {
  conn = go_live(h);
  auto fx = h.feed(VoiceStartClicked{});
  EXPECT_EQ(Harness::of<VoiceRuntimeLoad>(fx).size(), 1u);
  EXPECT_TRUE(Harness::of<MicrophoneRequested>(fx).empty());
  EXPECT_EQ(state(), "requesting_mic");
  EXPECT_EQ(sent_frames(h, "voice.start").size(), 1u) << "the greeting is asked for during the download";
  fx = h.feed(VoiceRuntimeLoaded{});
  EXPECT_EQ(Harness::of<MicrophoneRequested>(fx).size(), 1u);
  EXPECT_EQ(h.client.runtime().state(), RuntimeState::Ready);
  // Ended and started again: the runtime stays, the mic is asked for at once.
  h.feed(MicAnswered{"granted"});
  h.feed(VoiceEndClicked{});
  h.feed(WsFrame{conn, R"({"type":"voice.closed","call_id":")" + call_id() + R"("})"});
  fx = h.feed(VoiceStartClicked{});
  EXPECT_TRUE(Harness::of<VoiceRuntimeLoad>(fx).empty());
  EXPECT_EQ(Harness::of<MicrophoneRequested>(fx).size(), 1u);
  EXPECT_EQ(h.all_of<VoiceRuntimeLoad>().size(), 1u);
}

TEST_F(VoiceRuntimeGate, EndBeforeTheDownloadFinishesNeverPromptsForTheMicrophone) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  h.feed(VoiceEndClicked{});
  auto fx = h.feed(VoiceRuntimeLoaded{});
  EXPECT_TRUE(Harness::of<MicrophoneRequested>(fx).empty());
  EXPECT_TRUE(h.all_of<MicrophoneReleased>().empty()) << "nothing was asked of the browser, nothing to release";
  // A new call before the load, then End, then another: one prompt in all.
  Harness g(session_config());
  g.runtime_answers = false;
  go_live(g);
  g.feed(VoiceStartClicked{});
  g.feed(VoiceEndClicked{});
  g.feed(VoiceStartClicked{});
  g.feed(VoiceRuntimeLoaded{});
  EXPECT_EQ(g.all_of<MicrophoneRequested>().size(), 1u);
  EXPECT_EQ(g.all_of<VoiceRuntimeLoad>().size(), 1u);
}

TEST_F(VoiceRuntimeGate, AGreetingThatStartsDuringTheDownloadPlaysOnceItIsThere) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  const std::string call = call_id();
  h.feed(WsFrame{conn, R"({"type":"voice.started","call_id":")" + call + R"("})"});
  auto fx = h.feed(WsFrame{conn, R"({"type":"voice.agent","call_id":")" + call + R"(","state":"start","utterance":1})"});
  EXPECT_TRUE(Harness::of<VoicePlayback>(fx).empty());
  EXPECT_EQ(state(), "requesting_mic");
  fx = h.feed(VoiceRuntimeLoaded{});
  ASSERT_EQ(fx.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<MicrophoneRequested>(fx[0]));
  ASSERT_TRUE(std::holds_alternative<VoicePlayback>(fx[1]));
  EXPECT_TRUE(std::get<VoicePlayback>(fx[1]).playing);
  EXPECT_EQ(std::get<VoicePlayback>(fx[1]).conn_id, conn);
  ASSERT_TRUE(std::holds_alternative<VoiceEchoGuard>(fx[2]));
  EXPECT_TRUE(std::get<VoiceEchoGuard>(fx[2]).on);
}

TEST_F(VoiceRuntimeGate, AFailedDownloadSaysVoiceCannotRunHereAndTheNextCallTriesAgain) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  auto fx = h.feed(VoiceRuntimeFailed{"could not load https://cdn.example/natter.voiceruntime.abc.js"});
  auto logs = Harness::of<Log>(fx);
  ASSERT_FALSE(logs.empty());
  EXPECT_EQ(logs[0].level, "error");
  EXPECT_EQ(logs[0].text, "voice: the voice code could not load: could not load https://cdn.example/natter.voiceruntime.abc.js");
  auto notices = Harness::of<NoticeShown>(fx);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].code, "voice_blocked");
  EXPECT_EQ(state(), "off");
  EXPECT_TRUE(h.all_of<MicrophoneRequested>().empty());
  EXPECT_EQ(h.client.runtime().state(), RuntimeState::Absent);
  // A late answer to the failed download changes nothing.
  EXPECT_TRUE(Harness::of<MicrophoneRequested>(h.feed(VoiceRuntimeLoaded{})).empty());
  fx = h.feed(VoiceStartClicked{});
  EXPECT_EQ(Harness::of<VoiceRuntimeLoad>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<MicrophoneRequested>(h.feed(VoiceRuntimeLoaded{})).size(), 1u);
}

// The browser's WebRTC link is in the voice chunk (shim/voice/rtc-link.js):
// a call offered WebRTC stays on the WebSocket until the chunk is there, even
// when the network comes back, then climbs at once.
TEST(VoiceRuntimeGateRtc, WebRtcWaitsForTheDownloadWhileTheCallRidesTheSocket) {
  Config config = session_config();
  config.rtc = true;
  Harness h(config);
  h.runtime_answers = false;
  const uint32_t conn = go_live(h);
  h.feed(VoiceStartClicked{});
  const std::string call =
      nlohmann::json::parse(sent_frames(h, "voice.start").front())["call_id"].get<std::string>();
  h.feed(WsFrame{conn, R"({"type":"voice.started","call_id":")" + call + R"(","rtc":true})"});
  h.feed(NetworkChanged{true});
  for (int i = 0; i < 2; ++i) {  // time passes, the session kept alive
    h.feed(WsFrame{conn, R"({"type":"pong","t":0})"});
    h.advance(VoiceLadder::kRetryMs / 2);
  }
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  EXPECT_TRUE(sent_frames(h, "voice.rtc_request").empty());
  ASSERT_FALSE(h.all_of<VoiceRoute>().empty());
  EXPECT_EQ(h.all_of<VoiceRoute>().back().via, "websocket");
  h.feed(VoiceRuntimeLoaded{});
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 1u);
  // Its config opens the peer connection: the first rtc_* effect, after the load.
  h.feed(WsFrame{conn, R"({"type":"voice.rtc_config","call_id":")" + call + R"(","ice_servers":[]})"});
  EXPECT_EQ(h.all_of<RtcOpen>().size(), 1u);
}

TEST_F(VoiceRuntimeGate, BeforeAnyCallNothingIsDownloaded) {
  conn = go_live(h);
  h.feed(VoiceEndClicked{});
  h.feed(VoiceMuteClicked{true});
  h.feed(VoiceRuntimeLoaded{});  // unasked: ignored
  EXPECT_TRUE(h.all_of<VoiceRuntimeLoad>().empty());
  EXPECT_EQ(h.client.runtime().state(), RuntimeState::Absent);
}

}  // namespace
}  // namespace natter
