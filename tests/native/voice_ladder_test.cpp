// The voice transport ladder (voice_ladder.hpp) inside the whole client: a
// call starts on the WebSocket and climbs to a WebRTC data channel, falls
// back within the stated bounds, climbs again with back-off, and a rung
// change never ends the call, prompts for the microphone or greets again;
// frames that come both ways across a change are played once. Also
// docs/voice-ladder-states.md, generated from kLadderTransitions (after
// changing the table: NATTER_UPDATE_DOCS=1 natter_tests
// --gtest_filter='VoiceLadderStates.*', then review the diff).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "session_harness.hpp"
#include "state_diagram.hpp"
#include "transition_probe.hpp"
#include "voice/audio/jitter_buffer.hpp"

namespace natter {
namespace {

using namespace natter::testing;

const DiagramSource kSource{"Voice ladder states", "voice-ladder-states.md", "kLadderTransitions",
                            "wasm/src/voice/call/voice_ladder.cpp", "tests/native/voice_ladder_test.cpp",
                            "Frames ride the data channel in Direct and Relayed, the session's WebSocket in every\n"
                            "other state of a live call. Bounds: `kSetupMs` 6 s to an open channel, `kLivenessMs`\n"
                            "3.5 s without a pong, the climb back after 5 s doubling to 60 s; `online` on a channel:\n"
                            "an ICE restart of the same peer connection with a fresh config within `kRestartMs` 5 s\n"
                            "(frames on the WebSocket meanwhile), else a new peer connection (voice_ladder.hpp).\n"};
constexpr const char* kFreshIceServers =
    R"([{"urls":"turn:127.0.0.1:3478?transport=tcp","username":"2:x","credential":"fresh"}])";

constexpr const char* kIceServers = R"([{"urls":"turn:127.0.0.1:3478?transport=tcp","username":"1:x","credential":"c"}])";

std::string frame(const std::string& type, const std::string& call_id, const std::string& extra = "") {
  return R"({"type":")" + type + R"(","call_id":")" + call_id + "\"" + extra + "}";
}

struct VoiceLadderCall : ::testing::Test {
  Config config() {
    Config c = session_config();
    c.rtc = true;
    return c;
  }
  Harness h{config()};
  uint32_t conn = 0;
  std::string call;

  // Live session, call started, microphone granted, voice.started (rtc: offered).
  void start_call(bool offered = true) {
    conn = go_live(h);
    h.feed(VoiceStartClicked{});
    h.feed(MicAnswered{"granted"});
    call = nlohmann::json::parse(sent_frames(h, "voice.start").front())["call_id"].get<std::string>();
    h.feed(WsFrame{conn, frame("voice.started", call, offered ? R"(,"rtc":true)" : "")});
  }
  // The gateway's config, then the browser's offer: returns the pc_id.
  uint32_t open_pc() {
    h.feed(WsFrame{conn, frame("voice.rtc_config", call, std::string(R"(,"ice_servers":)") + kIceServers)});
    auto opens = h.all_of<RtcOpen>();
    if (opens.empty()) return 0;
    const uint32_t pc = opens.back().pc_id;
    h.feed(RtcOfferReady{pc, "v=0 offer"});
    return pc;
  }
  uint32_t climb_to(const std::string& candidate, const std::string& relay = "") {
    const uint32_t pc = open_pc();
    h.feed(WsFrame{conn, frame("voice.rtc_answer", call, R"(,"pc_id":)" + std::to_string(pc) + R"(,"sdp":"v=0 answer")")});
    h.feed(RtcChannelOpen{pc, candidate, relay});
    return pc;
  }
  // Time passes with the session kept alive (a pong now and then, as the
  // gateway answers the heartbeat), landing exactly `ms` later.
  void pass(int64_t ms) {
    while (ms > 0) {
      const int64_t step = std::min<int64_t>(ms, 5'000);
      h.feed(WsFrame{conn, R"({"type":"pong","t":0})"});
      h.advance(step);
      ms -= step;
    }
  }
  int64_t until_rtc_deadline() const { return *h.client.timers().deadline(TimerName::RtcDeadline) - h.now; }
  std::string route() const {
    auto r = h.all_of<VoiceRoute>();
    return r.empty() ? "" : r.back().rung;
  }
};

TEST(VoiceLadderStates, TheDiagramInTheDocsMatchesTheTable) {
  expect_doc_matches(kSource, render_state_diagram(kSource, kLadderTransitions, kLadderTransitionCount, Ladder::Off));
}

TEST(VoiceLadderStates, EveryStateIsReachableFromOff) {
  EXPECT_EQ(reachable_states(kLadderTransitions, kLadderTransitionCount, Ladder::Off), 8u);
}

TEST(VoiceLadderStates, AForbiddenTransitionIsRefusedReportedAndChangesNothing) {
  Harness h(session_config());
  ASSERT_FALSE(is_legal(Ladder::Off, Ladder::Direct));
  EXPECT_FALSE(TransitionProbe::go(h.client, Ladder::Direct));
  EXPECT_EQ(h.client.ladder().state(), Ladder::Off);
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
}

TEST_F(VoiceLadderCall, TheHelloOffersRtcOnlyWhenTheBrowserHasIt) {
  go_live(h);
  EXPECT_NE(sent_frames(h, "hello")[0].find(R"("features":["handoff","presence","suggestions","actions","rtc"])"), std::string::npos);
  Harness plain(session_config());
  go_live(plain);
  EXPECT_NE(sent_frames(plain, "hello")[0].find(R"("features":["handoff","presence","suggestions","actions"])"), std::string::npos);
}

// The route says "websocket" for the whole call, so the support dump and the
// voice bar name the rung the call rides (it read "" before).
TEST_F(VoiceLadderCall, AGatewayThatDoesNotOfferWebRtcLeavesTheCallOnTheWebSocketAndSaysSo) {
  start_call(false);
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  EXPECT_TRUE(sent_frames(h, "voice.rtc_request").empty());
  EXPECT_TRUE(h.all_of<RtcOpen>().empty());
  ASSERT_EQ(h.all_of<VoiceRoute>().size(), 1u);
  const VoiceRoute r = h.all_of<VoiceRoute>()[0];
  EXPECT_EQ(r.via, "websocket");
  EXPECT_EQ(r.rung, "websocket");
  EXPECT_EQ(r.pc_id, 0u);
  EXPECT_TRUE(h.all_of<VoiceEncoderSet>().empty()) << "the encoder starts clean: nothing to reset";
}

TEST_F(VoiceLadderCall, TheRouteEndsWithTheCallOnTheWebSocketToo) {
  start_call(false);
  h.feed(VoiceEndClicked{});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Off);
  const auto routes = h.all_of<VoiceRoute>();
  ASSERT_EQ(routes.size(), 2u) << "the call's, then its end's";
  EXPECT_EQ(routes[0].rung, "websocket");
  EXPECT_EQ(routes[1].rung, "") << "between calls the dump shows no rung";
  EXPECT_EQ(routes[1].via, "websocket");
}

TEST_F(VoiceLadderCall, ABrowserWithoutWebRtcNeverTriesItEvenWhenOffered) {
  Harness plain(session_config());
  const uint32_t c = go_live(plain);
  plain.feed(VoiceStartClicked{});
  plain.feed(MicAnswered{"granted"});
  const auto id = nlohmann::json::parse(sent_frames(plain, "voice.start").front())["call_id"].get<std::string>();
  plain.feed(WsFrame{c, frame("voice.started", id, R"(,"rtc":true)")});
  EXPECT_TRUE(sent_frames(plain, "voice.rtc_request").empty());
  ASSERT_EQ(plain.all_of<VoiceRoute>().size(), 1u);
  EXPECT_EQ(plain.all_of<VoiceRoute>()[0].rung, "websocket");
}

TEST_F(VoiceLadderCall, ACallStartsOnTheWebSocketAndClimbsToADirectChannel) {
  start_call();
  EXPECT_EQ(route(), "websocket") << "frames ride the socket while WebRTC is tried";
  ASSERT_EQ(sent_frames(h, "voice.rtc_request").size(), 1u);
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  const uint32_t pc = open_pc();
  ASSERT_NE(pc, 0u);
  EXPECT_EQ(nlohmann::json::parse(h.all_of<RtcOpen>().back().ice_servers_json)[0]["username"], "1:x");
  auto offers = sent_frames(h, "voice.rtc_offer");
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(offers[0])["pc_id"], pc);
  EXPECT_EQ(nlohmann::json::parse(offers[0])["sdp"], "v=0 offer");
  h.feed(WsFrame{conn, frame("voice.rtc_answer", call, R"(,"pc_id":)" + std::to_string(pc) + R"(,"sdp":"v=0 answer")")});
  ASSERT_EQ(h.all_of<RtcRemoteAnswer>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcRemoteAnswer>()[0].sdp, "v=0 answer");
  h.feed(RtcChannelOpen{pc, "host", ""});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  const auto r = h.all_of<VoiceRoute>().back();
  EXPECT_EQ(r.via, "rtc");
  EXPECT_EQ(r.pc_id, pc);
  EXPECT_EQ(r.rung, "webrtc_direct");
  EXPECT_EQ(r.max_buffered_bytes, VoiceLadder::kMaxBufferedBytes);
}

TEST_F(VoiceLadderCall, AChannelThroughTurnReportsTheRelayProtocol) {
  start_call();
  climb_to("relay", "tcp");
  EXPECT_EQ(h.client.ladder().state(), Ladder::Relayed);
  EXPECT_EQ(route(), "turn_tcp");
}

TEST_F(VoiceLadderCall, AMalformedIceServerListIsIgnoredAndTheSetupBoundStillHolds) {
  start_call();
  h.feed(WsFrame{conn, frame("voice.rtc_config", call, R"(,"ice_servers":[{"urls":"http://evil.test/"}])")});
  EXPECT_TRUE(h.all_of<RtcOpen>().empty());
  EXPECT_EQ(h.client.stats().protocol_errors, 1u);
  h.advance(VoiceLadder::kSetupMs);
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
}

TEST_F(VoiceLadderCall, NoChannelWithinTheSetupBoundLeavesTheCallOnTheWebSocket) {
  start_call();
  const uint32_t pc = open_pc();
  h.advance(VoiceLadder::kSetupMs - 1);
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectChannel);
  h.advance(1);
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  ASSERT_EQ(h.all_of<RtcClose>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcClose>()[0].pc_id, pc);
  EXPECT_EQ(sent_frames(h, "voice.rtc_close").size(), 1u) << "the gateway frees its side";
  EXPECT_EQ(route(), "websocket");
  h.feed(RtcChannelOpen{pc, "host", ""});  // too late: that connection was given up
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
}

TEST_F(VoiceLadderCall, AChannelLivesOnPongsAndIsGivenUpAfterTheLivenessBound) {
  start_call();
  const uint32_t pc = climb_to("host");
  for (int i = 0; i < 10; ++i) {  // 10 s of pings, each answered
    h.advance(VoiceLadder::kPingMs);
    h.feed(RtcPong{pc});
  }
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  EXPECT_EQ(h.all_of<RtcPing>().size(), 10u);
  h.advance(VoiceLadder::kLivenessMs - 1);
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  h.advance(1);
  // It answered, then went silent: most likely a network change the browser
  // did not announce, so an ICE restart on the same peer connection first.
  EXPECT_EQ(h.client.ladder().state(), Ladder::RestartConfig);
  EXPECT_EQ(route(), "websocket") << "frames ride the floor at once";
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 2u) << "a fresh config for the restart";
  EXPECT_TRUE(h.all_of<RtcClose>().empty()) << "the same peer connection";
  // The restarted channel opens but never answers: no second restart, the WebSocket.
  h.feed(WsFrame{conn, frame("voice.rtc_config", call, std::string(R"(,"ice_servers":)") + kFreshIceServers)});
  ASSERT_EQ(h.all_of<RtcRestart>().size(), 1u);
  h.feed(RtcChannelOpen{pc, "host", ""});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  h.advance(VoiceLadder::kLivenessMs);
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  EXPECT_EQ(h.all_of<RtcRestart>().size(), 1u);
  EXPECT_TRUE(h.client.voice().active());
}

TEST_F(VoiceLadderCall, AChannelThatNeverAnsweredFallsToTheWebSocketWithoutARestart) {
  start_call();
  climb_to("host");
  h.advance(VoiceLadder::kLivenessMs);
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  EXPECT_EQ(route(), "websocket");
  EXPECT_TRUE(h.all_of<RtcRestart>().empty());
  EXPECT_EQ(h.all_of<RtcClose>().size(), 1u);
}

// navigator.connection says the link changed (wifi -> cellular) without an
// `online` event: the same ICE restart; its change for speed estimates alone is nothing.
TEST_F(VoiceLadderCall, ANewLinkTypeRestartsIceAndASpeedEstimateDoesNot) {
  h.feed(NetworkChanged{true, "wifi", false});
  start_call();
  const uint32_t pc = climb_to("host");
  h.feed(NetworkChanged{true, "wifi", true});      // effectiveType or rtt changed: same link
  h.feed(NetworkChanged{true, "", true});          // a browser that does not tell the type
  h.feed(NetworkChanged{true, "unknown", true});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  h.feed(NetworkChanged{true, "cellular", true});
  EXPECT_EQ(h.client.ladder().state(), Ladder::RestartConfig);
  EXPECT_TRUE(h.all_of<RtcClose>().empty());
  h.feed(WsFrame{conn, frame("voice.rtc_config", call, std::string(R"(,"ice_servers":)") + kFreshIceServers)});
  ASSERT_EQ(h.all_of<RtcRestart>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcRestart>()[0].pc_id, pc);
}

TEST_F(VoiceLadderCall, ARungChangeNeverEndsTheCallNorPromptsNorGreetsAgain) {
  start_call();
  const uint32_t pc = climb_to("host");
  const auto prompts = h.all_of<MicrophoneRequested>().size();
  const auto uplinks = h.all_of<VoiceUplink>().size();
  const auto states = h.all_of<VoiceStateChanged>().size();
  h.feed(WsFrame{conn, frame("voice.rtc_closed", call, R"(,"pc_id":)" + std::to_string(pc) + R"(,"reason":"test")")});
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  EXPECT_TRUE(sent_frames(h, "voice.rtc_close").empty()) << "the gateway closed it already";
  h.advance(VoiceLadder::kRetryMs);  // and climbing again
  climb_to("relay", "udp");
  h.feed(RtcFailed{h.client.ladder().pc_id(), "ice_failed"});
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket);

  EXPECT_EQ(h.all_of<MicrophoneRequested>().size(), prompts);
  EXPECT_TRUE(h.all_of<MicrophoneReleased>().empty());
  EXPECT_EQ(sent_frames(h, "voice.start").size(), 1u) << "no new call, so no new greeting";
  EXPECT_TRUE(sent_frames(h, "voice.end").empty());
  EXPECT_EQ(h.all_of<VoiceUplink>().size(), uplinks) << "the uplink stayed open on the live socket";
  EXPECT_EQ(h.all_of<VoiceStateChanged>().size(), states);
  EXPECT_TRUE(h.client.voice().active());
}

TEST_F(VoiceLadderCall, ClimbingBackWaitsLongerAfterEachFailureInARowUpToTheCap) {
  start_call();
  std::vector<int64_t> waits;
  for (int i = 0; i < 6; ++i) {
    pass(VoiceLadder::kSetupMs);  // no config ever comes: given up
    ASSERT_EQ(h.client.ladder().state(), Ladder::WebSocket);
    waits.push_back(until_rtc_deadline());
    pass(waits.back() - 1);
    ASSERT_EQ(h.client.ladder().state(), Ladder::WebSocket);
    pass(1);
    ASSERT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  }
  EXPECT_EQ(waits, (std::vector<int64_t>{5'000, 10'000, 20'000, 40'000, 60'000, 60'000}));
  EXPECT_TRUE(h.client.voice().active());
}

TEST_F(VoiceLadderCall, AChannelThatHeldForgetsEarlierFailures) {
  start_call();
  for (int i = 0; i < 2; ++i) {  // two failures: the next wait would be 20 s
    pass(VoiceLadder::kSetupMs);
    pass(until_rtc_deadline());
  }
  const uint32_t pc = climb_to("host");
  for (int64_t t = 0; t < VoiceLadder::kStableMs; t += VoiceLadder::kPingMs) {
    pass(VoiceLadder::kPingMs);
    h.feed(RtcPong{pc});
  }
  h.feed(RtcFailed{pc, "closed"});
  EXPECT_EQ(until_rtc_deadline(), VoiceLadder::kRetryMs);
}

TEST_F(VoiceLadderCall, ComingBackOnlineClimbsAtOnce) {
  start_call();
  h.advance(VoiceLadder::kSetupMs);
  ASSERT_EQ(h.client.ladder().state(), Ladder::WebSocket);
  h.feed(NetworkChanged{true});
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 2u);
}

// The ladder's rule: "on online or a network change, an ICE restart with fresh TURN
// credentials first, then a new peer connection, then the WebSocket".
TEST_F(VoiceLadderCall, OnlineOnAChannelRestartsIceOnTheSamePeerConnectionWithAFreshConfig) {
  start_call();
  const uint32_t pc = climb_to("host");
  const auto prompts = h.all_of<MicrophoneRequested>().size();
  h.advance(VoiceLadder::kPingMs);
  h.feed(RtcPong{pc});
  const auto pings = h.all_of<RtcPing>().size();
  h.feed(NetworkChanged{true});
  EXPECT_EQ(h.client.ladder().state(), Ladder::RestartConfig);
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 2u) << "a fresh config first";
  EXPECT_EQ(route(), "websocket") << "frames ride the floor while the path is restarted";
  EXPECT_TRUE(h.all_of<RtcClose>().empty()) << "the same peer connection";
  h.feed(WsFrame{conn, frame("voice.rtc_config", call, std::string(R"(,"ice_servers":)") + kFreshIceServers)});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Restarting);
  ASSERT_EQ(h.all_of<RtcRestart>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcRestart>()[0].pc_id, pc);
  EXPECT_EQ(nlohmann::json::parse(h.all_of<RtcRestart>()[0].ice_servers_json)[0]["credential"], "fresh");
  EXPECT_EQ(h.all_of<RtcOpen>().size(), 1u) << "no new peer connection";
  h.feed(RtcOfferReady{pc, "v=0 restart"});
  const auto offers = sent_frames(h, "voice.rtc_offer");
  ASSERT_EQ(offers.size(), 2u);
  const auto offer = nlohmann::json::parse(offers[1]);
  EXPECT_EQ(offer["pc_id"], pc);
  EXPECT_EQ(offer["sdp"], "v=0 restart");
  EXPECT_EQ(offer["restart"], true);
  EXPECT_FALSE(nlohmann::json::parse(offers[0]).contains("restart")) << "a first offer is the frame it always was";
  h.feed(WsFrame{conn, frame("voice.rtc_answer", call, R"(,"pc_id":)" + std::to_string(pc) + R"(,"sdp":"v=0 re")")});
  ASSERT_EQ(h.all_of<RtcRemoteAnswer>().size(), 2u);
  EXPECT_EQ(h.all_of<RtcRemoteAnswer>()[1].sdp, "v=0 re");
  h.advance(VoiceLadder::kPingMs * 2);
  EXPECT_EQ(h.all_of<RtcPing>().size(), pings) << "no pings while restarting";
  h.feed(RtcChannelOpen{pc, "relay", "udp"});  // the new network needs the relay
  EXPECT_EQ(h.client.ladder().state(), Ladder::Relayed);
  EXPECT_EQ(route(), "turn_udp");
  EXPECT_EQ(h.all_of<VoiceRoute>().back().pc_id, pc);
  EXPECT_EQ(until_rtc_deadline(), VoiceLadder::kLivenessMs) << "liveness on the restarted channel";
  EXPECT_EQ(h.all_of<MicrophoneRequested>().size(), prompts);
  EXPECT_EQ(sent_frames(h, "voice.start").size(), 1u);
  EXPECT_TRUE(sent_frames(h, "voice.end").empty());
  EXPECT_TRUE(h.client.voice().active());
}

TEST_F(VoiceLadderCall, ARestartWithoutAnOpenChannelWithinItsBoundMakesANewPeerConnectionThenFallsToTheWebSocket) {
  start_call();
  const uint32_t pc = climb_to("host");
  h.feed(NetworkChanged{true});
  h.feed(WsFrame{conn, frame("voice.rtc_config", call, std::string(R"(,"ice_servers":)") + kFreshIceServers)});
  h.feed(RtcOfferReady{pc, "v=0 restart"});
  h.advance(VoiceLadder::kRestartMs - 1);
  EXPECT_EQ(h.client.ladder().state(), Ladder::Restarting);
  h.advance(1);
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  ASSERT_EQ(h.all_of<RtcClose>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcClose>()[0].pc_id, pc);
  EXPECT_EQ(sent_frames(h, "voice.rtc_close").size(), 1u) << "the gateway frees the restarted leg";
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 3u) << "then a fresh config for a new connection";
  h.feed(RtcChannelOpen{pc, "host", ""});  // the given-up connection's late report
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  const uint32_t next = open_pc();
  EXPECT_NE(next, pc);
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectChannel);
  h.advance(VoiceLadder::kSetupMs);
  EXPECT_EQ(h.client.ladder().state(), Ladder::WebSocket) << "and then the floor";
  EXPECT_TRUE(h.client.voice().active());
}

TEST_F(VoiceLadderCall, ARestartTheGatewayClosesOrThatFailsMakesANewPeerConnection) {
  start_call();
  uint32_t pc = climb_to("relay", "tcp");
  h.feed(NetworkChanged{true});
  h.feed(WsFrame{conn, frame("voice.rtc_closed", call, R"(,"pc_id":)" + std::to_string(pc) + R"(,"reason":"gone")")});
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig) << "closed while the config was asked for";
  EXPECT_TRUE(sent_frames(h, "voice.rtc_close").empty()) << "the gateway closed it already";
  pc = climb_to("host");
  h.feed(NetworkChanged{true});
  h.feed(WsFrame{conn, frame("voice.rtc_config", call, std::string(R"(,"ice_servers":)") + kFreshIceServers)});
  h.feed(RtcFailed{pc, "answer_refused"});
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig) << "failed while restarting";
  EXPECT_EQ(sent_frames(h, "voice.rtc_close").size(), 1u);
  EXPECT_EQ(h.client.ladder().failures(), 0u) << "a restart is no failure of the ladder: no back-off yet";
}

TEST_F(VoiceLadderCall, OnlineWhileAChannelIsBeingSetUpStartsAgainWithAFreshConfig) {
  start_call();
  const uint32_t pc = open_pc();
  ASSERT_EQ(h.client.ladder().state(), Ladder::ExpectChannel);
  h.feed(NetworkChanged{true});
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  ASSERT_EQ(h.all_of<RtcClose>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcClose>()[0].pc_id, pc);
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 2u);
  h.feed(NetworkChanged{true});  // again, while that config is on its way: nothing more
  EXPECT_EQ(sent_frames(h, "voice.rtc_request").size(), 2u);
  EXPECT_EQ(until_rtc_deadline(), VoiceLadder::kSetupMs);
}

TEST_F(VoiceLadderCall, EndingTheCallClosesThePeerConnectionAndDisarmsTheLadder) {
  start_call();
  const uint32_t pc = climb_to("host");
  h.feed(VoiceEndClicked{});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Off);
  ASSERT_EQ(h.all_of<RtcClose>().size(), 1u);
  EXPECT_EQ(h.all_of<RtcClose>()[0].pc_id, pc);
  EXPECT_FALSE(h.client.timers().armed(TimerName::RtcDeadline));
  EXPECT_FALSE(h.client.timers().armed(TimerName::RtcPing));
  EXPECT_EQ(route(), "");
  EXPECT_EQ(h.all_of<VoiceRoute>().back().via, "websocket") << "no frame aims at the closed channel";
}

TEST_F(VoiceLadderCall, LosingTheSessionClosesThePeerConnectionAndTheResumedCallClimbsAgain) {
  start_call();
  climb_to("host");
  h.feed(WsClosed{conn, 1006, "", true});
  EXPECT_EQ(h.client.ladder().state(), Ladder::Off);
  EXPECT_EQ(h.all_of<RtcClose>().size(), 1u);
  ASSERT_TRUE(h.advance_to_deadline());  // the reconnect
  conn = last_conn(h);
  h.feed(WsOpened{conn});
  h.feed(WsFrame{conn, welcome()});
  ASSERT_EQ(sent_frames(h, "voice.start").size(), 2u);  // the call resumes (no greeting asked, no prompt)
  h.feed(WsFrame{conn, frame("voice.started", call, R"(,"rtc":true)")});
  EXPECT_EQ(h.client.ladder().state(), Ladder::ExpectConfig);
  EXPECT_EQ(h.all_of<MicrophoneRequested>().size(), 1u);
}

// Found by the seeded simulation (R3, seed 24 once a restarted gateway may
// stop offering WebRTC): a call on a channel lost with its socket, resumed
// where WebRTC is not offered, kept the dead channel's route, so the host
// aimed frames at a closed peer connection and the status named its rung.
TEST_F(VoiceLadderCall, ACallResumedWithoutWebRtcDoesNotKeepTheLostChannelsRoute) {
  start_call();
  climb_to("host");
  ASSERT_EQ(route(), "webrtc_direct");
  h.feed(WsClosed{conn, 1006, "", true});
  ASSERT_TRUE(h.advance_to_deadline());  // the reconnect
  conn = last_conn(h);
  h.feed(WsOpened{conn});
  h.feed(WsFrame{conn, welcome()});
  h.feed(WsFrame{conn, frame("voice.started", call)});  // this gateway offers no WebRTC
  const auto routes = h.all_of<VoiceRoute>();
  ASSERT_FALSE(routes.empty());
  EXPECT_EQ(routes.back().via, "websocket");
  EXPECT_EQ(routes.back().pc_id, 0u);
  EXPECT_NE(routes.back().rung, "webrtc_direct");
}

// The sender numbers frames once; the receiver's jitter buffer plays each
// seq at most once, so frames that arrive on both rungs around a change
// (the socket's last ones and the channel's first ones) are heard once.
// The encoder follows the channel: each pong answers a numbered
// ping and carries the gateway's cumulative count of the call's frames.
struct VoiceEncoderAdapt : VoiceLadderCall {
  uint32_t received = 0, expected = 0;  // the gateway's count of the microphone's frames
  uint32_t got = 0, sent = 0;           // the host's count of the agent's frames
  int64_t since_ping = 0;
  // One second on the channel: the next ping goes out, its pong comes back
  // `rtt_ms` later echoing its number, with 50 more microphone frames
  // expected, `lost` of them missing, and the host's count of the agent's
  // 50, `lost_down` missing (the session's own heartbeat answered too, so it
  // stays up).
  void second(uint32_t pc, int lost, int64_t rtt_ms = 40, int lost_down = 0) {
    h.feed(WsFrame{conn, R"({"type":"pong","t":0})"});
    h.advance(VoiceLadder::kPingMs - since_ping);
    const std::string ping = h.all_of<RtcPing>().back().text;
    h.advance(rtt_ms);
    since_ping = rtt_ms;
    expected += 50;
    received += 50 - static_cast<uint32_t>(lost);
    sent += 50;
    got += 50 - static_cast<uint32_t>(lost_down);
    const std::string number = ping.substr(4, ping.find(' ', 5) - 4);  // " <n>", without a dl=
    h.feed(RtcPong{pc, "pong" + number + " rx=" + std::to_string(received) + "/" + std::to_string(expected), got, sent});
  }
  std::vector<VoiceEncoderSet> sets() const { return h.all_of<VoiceEncoderSet>(); }
};

TEST_F(VoiceEncoderAdapt, PingsCarryTheirNumberAndACleanPathChangesNothing) {
  start_call();
  const uint32_t pc = climb_to("host");
  for (int i = 0; i < 10; ++i) second(pc, 0);
  const auto pings = h.all_of<RtcPing>();
  ASSERT_GE(pings.size(), 10u);
  EXPECT_EQ(pings[0].text, "ping 1");
  EXPECT_EQ(pings[1].text, "ping 2");
  EXPECT_TRUE(sets().empty()) << "no change, no effect";
  EXPECT_EQ(h.client.ladder().meter().rtt_ms(), 40);
}

TEST_F(VoiceEncoderAdapt, LossReportedInPongsLowersTheBitrateOnceAndRecoveryRaisesItAgain) {
  start_call();
  const uint32_t pc = climb_to("host");
  second(pc, 0);  // the baseline report
  for (int i = 0; i < 5; ++i) second(pc, 3);  // 6 % loss
  ASSERT_EQ(sets().size(), 1u) << "one effect per change, not one per pong";
  EXPECT_EQ(sets()[0].bitrate, 20000);
  EXPECT_TRUE(sets()[0].fec);
  EXPECT_EQ(sets()[0].loss_perc, 10);
  EXPECT_EQ(h.client.ladder().encoder_level(), 1);
  for (int i = 0; i < 5; ++i) second(pc, 8);  // 16 %
  ASSERT_EQ(sets().size(), 2u);
  EXPECT_EQ(sets()[1].bitrate, 16000);
  EXPECT_EQ(sets()[1].loss_perc, 20);
  for (int i = 0; i < 10; ++i) second(pc, 0);  // clean again: the lossy seconds leave the window
  ASSERT_EQ(sets().size(), 4u) << "down a level at a time, as each stay bar is passed";
  EXPECT_EQ(sets()[2].bitrate, 20000);
  EXPECT_EQ(sets()[3].bitrate, 24000);
  EXPECT_EQ(sets()[3].loss_perc, 10);
  EXPECT_EQ(h.client.ladder().encoder_level(), 0);
}

TEST_F(VoiceEncoderAdapt, LossWithALongRoundTripTurnsFecOffAndSendsFewerBytes) {
  start_call();
  const uint32_t pc = climb_to("relay", "udp");
  for (int i = 0; i < 6; ++i) second(pc, 4, 600);
  ASSERT_FALSE(sets().empty());
  EXPECT_EQ(sets().back().bitrate, 12000);
  EXPECT_FALSE(sets().back().fec);
}

TEST_F(VoiceEncoderAdapt, AnOldGatewaysBareEchoKeepsTheChannelAliveAndTheEncoderAsItIs) {
  start_call();
  const uint32_t pc = climb_to("host");
  for (int i = 0; i < 10; ++i) {
    h.advance(VoiceLadder::kPingMs);
    h.feed(RtcPong{pc, "pong"});
  }
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  EXPECT_TRUE(sets().empty());
}

TEST_F(VoiceEncoderAdapt, FallingBackToTheWebSocketReturnsTheEncoderToClean) {
  start_call();
  const uint32_t pc = climb_to("host");
  second(pc, 0);
  for (int i = 0; i < 5; ++i) second(pc, 10);
  ASSERT_EQ(sets().size(), 1u);
  EXPECT_EQ(sets()[0].bitrate, 16000);
  h.feed(RtcFailed{pc, "connection_failed"});
  EXPECT_EQ(route(), "websocket");
  ASSERT_EQ(sets().size(), 2u);
  EXPECT_EQ(sets()[1].bitrate, 24000);
  EXPECT_EQ(h.client.ladder().encoder_level(), 0);
  h.advance(VoiceLadder::kRetryMs);  // climbs again: a new channel measures afresh
  const uint32_t pc2 = climb_to("host");
  since_ping = 0;
  second(pc2, 10);
  EXPECT_EQ(sets().size(), 2u) << "the new channel's first report is only its baseline";
}

TEST_F(VoiceEncoderAdapt, APongOfAnotherPeerConnectionIsNotMeasured) {
  start_call();
  const uint32_t pc = climb_to("host");
  second(pc, 0);
  for (int i = 0; i < 5; ++i) {
    h.advance(VoiceLadder::kPingMs);
    expected += 50;
    received += 40;
    h.feed(RtcPong{pc + 1, "pong rx=" + std::to_string(received) + "/" + std::to_string(expected)});
    h.feed(RtcPong{pc, "pong"});
  }
  EXPECT_EQ(h.client.ladder().state(), Ladder::Direct);
  EXPECT_TRUE(sets().empty());
}

// The downlink: the host counts the agent frames that arrive on
// the channel and reports them with each pong; the level for the gateway's
// encoder rides the following pings ("dl=<bitrate>/<fec>/<loss_perc>").
struct VoiceDownlinkAdapt : VoiceEncoderAdapt {
  // One second with the uplink clean and `lost` of the agent's 50 frames
  // missing on the way down.
  void second_down(uint32_t pc, int lost, int64_t rtt_ms = 40) { second(pc, 0, rtt_ms, lost); }
  std::string last_ping() const { return h.all_of<RtcPing>().back().text; }
  // The text of the next ping (its pong not given yet).
  std::string next_ping() {
    h.advance(VoiceLadder::kPingMs - since_ping);
    since_ping = 0;
    return last_ping();
  }
};

TEST_F(VoiceDownlinkAdapt, LossOfTheAgentsFramesAsksTheGatewayForALeanerEncodingOnEveryPing) {
  start_call();
  const uint32_t pc = climb_to("host");
  for (int i = 0; i < 3; ++i) second_down(pc, 0);
  EXPECT_EQ(h.client.ladder().downlink_level(), 0);
  EXPECT_EQ(next_ping().find(" dl="), std::string::npos) << "a clean downlink asks nothing: " << last_ping();
  for (int i = 0; i < 5; ++i) second_down(pc, 8);  // 16 %
  EXPECT_EQ(h.client.ladder().downlink_level(), 2);
  EXPECT_EQ(h.client.ladder().encoder_level(), 0) << "the uplink was clean: its encoder stays";
  EXPECT_TRUE(sets().empty()) << "the microphone's encoder is not the one to change";
  const std::string ping = next_ping();
  EXPECT_NE(ping.find(" dl=16000/1/20"), std::string::npos) << ping;
  for (int i = 0; i < 3; ++i) {
    second_down(pc, 8);
    EXPECT_NE(last_ping().find(" dl=16000/1/20"), std::string::npos) << "every ping repeats it: " << last_ping();
  }
  for (int i = 0; i < 10; ++i) second_down(pc, 0);  // clean again
  EXPECT_EQ(h.client.ladder().downlink_level(), 0);
  EXPECT_EQ(next_ping().find(" dl="), std::string::npos) << last_ping();
}

TEST_F(VoiceDownlinkAdapt, LossWithALongRoundTripAsksForFewerBytesWithoutFec) {
  start_call();
  const uint32_t pc = climb_to("relay", "tcp");
  for (int i = 0; i < 6; ++i) second_down(pc, 4, 600);
  EXPECT_EQ(h.client.ladder().downlink_level(), 3);
  EXPECT_NE(next_ping().find(" dl=12000/0/20"), std::string::npos) << last_ping();
}

TEST_F(VoiceDownlinkAdapt, FallingBackToTheWebSocketForgetsTheDownlinksLevelAndANewChannelMeasuresAfresh) {
  start_call();
  const uint32_t pc = climb_to("host");
  second_down(pc, 0);
  for (int i = 0; i < 5; ++i) second_down(pc, 10);
  ASSERT_EQ(h.client.ladder().downlink_level(), 2);
  h.feed(RtcFailed{pc, "connection_failed"});
  EXPECT_EQ(route(), "websocket");
  EXPECT_EQ(h.client.ladder().downlink_level(), 0);
  h.advance(VoiceLadder::kRetryMs);
  const uint32_t pc2 = climb_to("host");
  since_ping = 0;
  got = sent = 0;  // the host's count on the new channel starts from zero
  second_down(pc2, 10);
  EXPECT_EQ(h.client.ladder().downlink_level(), 0) << "the new channel's first report is only its baseline";
}

TEST_F(VoiceDownlinkAdapt, TheHostsCountForAnotherPeerConnectionIsNotMeasured) {
  start_call();
  const uint32_t pc = climb_to("host");
  for (int i = 0; i < 6; ++i) {
    h.advance(VoiceLadder::kPingMs);
    sent += 50;
    got += 40;
    h.feed(RtcPong{pc + 1, "pong", got, sent});
    h.feed(RtcPong{pc, "pong"});
  }
  EXPECT_EQ(h.client.ladder().downlink_level(), 0);
}

TEST(VoiceLadderFrames, FramesArrivingOnBothRungsAcrossAChangeArePlayedOnce) {
  voice::JitterBuffer jb;
  const uint8_t payload[3] = {1, 2, 3};
  std::vector<uint16_t> played;
  // One pull per 20 ms; the socket carries seq 0..9, the channel 6..19:
  // around the change both carry 6..9.
  for (int tick = 0; tick < 40; ++tick) {
    const int64_t now = tick * 20;
    if (tick < 10) jb.insert(static_cast<uint16_t>(tick), tick * 960u, payload, 3, now);
    if (tick >= 6 && tick < 20) jb.insert(static_cast<uint16_t>(tick), tick * 960u, payload, 3, now + 5);
    auto r = jb.pull();
    if (r.kind == voice::PullResult::kPacket) played.push_back(r.seq);
  }
  std::vector<uint16_t> once;
  for (uint16_t s = 0; s < 20; ++s) once.push_back(s);
  EXPECT_EQ(played, once);
  EXPECT_EQ(jb.stats().duplicates, 4u);
}

}  // namespace
}  // namespace natter
