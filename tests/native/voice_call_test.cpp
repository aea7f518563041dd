// Voice mode inside the whole client (voice_call.hpp): the voice machine
// wired to the live session, frames on the wire, Enter in voice mode, and a
// reconnect mid-call that resumes without a new microphone prompt or greeting.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "boundary/codec.hpp"

#include "session_harness.hpp"

namespace natter::testing {
namespace {

std::string call_id_of(const Harness& h) {
  auto starts = sent_frames(h, "voice.start");
  if (starts.empty()) return "";
  return nlohmann::json::parse(starts.front())["call_id"].get<std::string>();
}

std::string voice_frame(const std::string& type, const std::string& call_id, const std::string& extra = "") {
  return R"({"type":")" + type + R"(","call_id":")" + call_id + "\"" + extra + "}";
}

std::string last_state(const Harness& h) {
  auto s = h.all_of<VoiceStateChanged>();
  return s.empty() ? "" : s.back().state;
}

struct VoiceCallTest : ::testing::Test {
  Harness h{session_config()};
  uint32_t conn = 0;
  std::string call;

  // Live session, call started, mic granted, voice.started received.
  void start_call() {
    conn = go_live(h);
    h.feed(VoiceStartClicked{});
    h.feed(MicAnswered{"granted"});
    call = call_id_of(h);
    h.feed(WsFrame{conn, voice_frame("voice.started", call)});
  }
};

TEST_F(VoiceCallTest, StartAsksForTheMicAndOpensTheStreamWithAGreeting) {
  conn = go_live(h);
  auto fx = h.feed(VoiceStartClicked{});
  EXPECT_EQ(Harness::of<MicrophoneRequested>(fx).size(), 1u);
  auto starts = sent_frames(h, "voice.start");
  ASSERT_EQ(starts.size(), 1u);
  auto j = nlohmann::json::parse(starts[0]);
  EXPECT_TRUE(j["greeting"].get<bool>());
  EXPECT_EQ(j["call_id"].get<std::string>().rfind("call-", 0), 0u);
  EXPECT_EQ(last_state(h), "requesting_mic");
  EXPECT_EQ(h.client.stats().voice_calls, 1u);
}

TEST_F(VoiceCallTest, UplinkOpensOnlyAfterMicAndVoiceStarted) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  EXPECT_TRUE(h.all_of<VoiceUplink>().empty());
  h.feed(MicAnswered{"granted"});
  EXPECT_TRUE(h.all_of<VoiceUplink>().empty());  // no voice.started yet
  h.feed(WsFrame{conn, voice_frame("voice.started", call_id_of(h))});
  auto up = h.all_of<VoiceUplink>();
  ASSERT_EQ(up.size(), 1u);
  EXPECT_TRUE(up[0].open);
  EXPECT_EQ(up[0].conn_id, conn);
  EXPECT_EQ(last_state(h), "listening");
}

TEST_F(VoiceCallTest, TheGreetingPlaysAndEndsOnlyWhenPlaybackHasDrained) {
  start_call();
  auto fx = h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"start","utterance":1)")});
  ASSERT_EQ(Harness::of<VoicePlayback>(fx).size(), 1u);
  EXPECT_TRUE(Harness::of<VoicePlayback>(fx)[0].playing);
  EXPECT_EQ(last_state(h), "agent_speaking");
  h.feed(PlaybackDrained{});  // a gap mid-utterance: still speaking
  EXPECT_EQ(last_state(h), "agent_speaking");
  h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"end","utterance":1,"reason":"done")")});
  EXPECT_EQ(last_state(h), "agent_speaking");  // frames still queued locally
  h.feed(PlaybackDrained{});
  EXPECT_EQ(last_state(h), "listening");
}

TEST_F(VoiceCallTest, EnterOnAnEmptyComposerInACallIsConsumedLoggedAndSendsNothing) {
  start_call();
  h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"start","utterance":1)")});
  const size_t frames_before = h.all_of<WsSend>().size();
  for (const char* text : {"", "   ", "\n"}) {
    for (int i = 0; i < 3; ++i) {
      auto fx = h.feed(EnterPressed{text, false, false, false});
      EXPECT_EQ(Harness::of<ConsumeKey>(fx).size(), 1u);
    }
  }
  h.feed(EnterPressed{"", false, false, true});  // held key
  h.feed(ComposerChanged{5});
  EXPECT_EQ(h.count_logs("Enter ignored in voice mode"), 9u);
  EXPECT_EQ(h.all_of<WsSend>().size(), frames_before);
  EXPECT_TRUE(sent_frames(h, "voice.end").empty());
  EXPECT_EQ(last_state(h), "agent_speaking");
  EXPECT_TRUE(h.all_of<MicrophoneReleased>().empty());
}

// Typing during a call is heard: Enter with text sends it as the shopper's
// turn (a msg, which the gateway answers aloud in the call), once, and the
// call goes on as it was; the next Enters, the composer empty again, are the
// call's.
TEST_F(VoiceCallTest, EnterWithTextInACallSendsItOnceAsATurnAndTheCallGoesOn) {
  start_call();
  h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"start","utterance":1)")});
  auto fx = h.feed(EnterPressed{"order 12345", false, false, false});
  EXPECT_EQ(Harness::of<ConsumeKey>(fx).size(), 1u);
  auto msgs = sent_frames(h, "msg");
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(msgs[0].find(R"("text":"order 12345")"), std::string::npos) << msgs[0];
  h.feed(EnterPressed{"order 12345", false, false, true});  // the key held while the send is in flight
  h.feed(EnterPressed{"order 12345", true, false, false});  // Shift+Enter: a newline, the browser's
  h.feed(EnterPressed{"order 12345", false, true, false});  // the IME's own Enter
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
  EXPECT_EQ(h.count_logs("Enter ignored in voice mode"), 0u);
  h.feed(EnterPressed{"", false, false, false});
  EXPECT_EQ(h.count_logs("Enter ignored in voice mode"), 1u);
  EXPECT_TRUE(sent_frames(h, "voice.end").empty());
  EXPECT_EQ(last_state(h), "agent_speaking");
  EXPECT_TRUE(h.all_of<MicrophoneReleased>().empty());
}

TEST_F(VoiceCallTest, BargeInStopsPlaybackAndTellsTheServer) {
  start_call();
  h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"start","utterance":1)")});
  auto fx = h.feed(SpeechActivity{true});
  auto pb = Harness::of<VoicePlayback>(fx);
  ASSERT_EQ(pb.size(), 1u);
  EXPECT_FALSE(pb[0].playing);
  EXPECT_EQ(sent_frames(h, "voice.barge_in").size(), 1u);
  EXPECT_EQ(last_state(h), "user_speaking");
  EXPECT_EQ(h.client.stats().barge_ins, 1u);
}

TEST_F(VoiceCallTest, EndReleasesTheMicInTheSameStepAndClosesTheStream) {
  start_call();
  auto fx = h.feed(VoiceEndClicked{});
  EXPECT_EQ(Harness::of<MicrophoneReleased>(fx).size(), 1u);
  EXPECT_EQ(sent_frames(h, "voice.end").size(), 1u);
  EXPECT_FALSE(h.all_of<VoiceUplink>().back().open);
  EXPECT_EQ(last_state(h), "ending");
  h.feed(WsFrame{conn, voice_frame("voice.closed", call)});
  EXPECT_EQ(last_state(h), "off");
  // Back in text mode, Enter sends again.
  h.feed(EnterPressed{"hi", false, false, false});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
}

TEST_F(VoiceCallTest, AReconnectResumesWithoutANewMicPromptOrGreeting) {
  start_call();
  h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"start","utterance":1)")});
  h.feed(WsFrame{conn, voice_frame("voice.agent", call, R"(,"state":"end","utterance":1,"reason":"done")")});
  h.feed(PlaybackDrained{});
  h.feed(WsClosed{conn, 1006, "", true});
  EXPECT_EQ(last_state(h), "connecting");
  EXPECT_FALSE(h.all_of<VoiceUplink>().back().open);
  while (h.all_of<WsConnect>().size() < 2) ASSERT_TRUE(h.advance_to_deadline());
  const uint32_t second = last_conn(h);
  h.feed(WsOpened{second});
  h.feed(WsFrame{second, welcome(true)});
  auto starts = sent_frames(h, "voice.start");
  ASSERT_EQ(starts.size(), 2u);
  auto j = nlohmann::json::parse(starts[1]);
  EXPECT_FALSE(j["greeting"].get<bool>());
  EXPECT_EQ(j["call_id"].get<std::string>(), call);
  EXPECT_EQ(h.all_of<MicrophoneRequested>().size(), 1u);
  h.feed(WsFrame{second, voice_frame("voice.started", call)});
  EXPECT_TRUE(h.all_of<VoiceUplink>().back().open);
  EXPECT_EQ(h.all_of<VoiceUplink>().back().conn_id, second);
  EXPECT_EQ(last_state(h), "listening");
}

TEST_F(VoiceCallTest, MicDeniedEndsVoiceModeWithAClearMessageAndTextGoesOn) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  auto fx = h.feed(MicAnswered{"denied"});
  auto notices = Harness::of<NoticeShown>(fx);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].code, "mic_denied");
  // By code only: its English, and the host's error event, come with the
  // session UI chunk (shim/session-ui/call-notices.js), not the core's first part.
  EXPECT_TRUE(notices[0].text.empty());
  EXPECT_TRUE(notices[0].error);
  for (const auto& ev : Harness::of<HostEvent>(fx)) EXPECT_NE(ev.name, "error") << "the chunk raises it";
  EXPECT_EQ(encode_effect(notices[0]), nlohmann::json::parse(R"({"type":"call_notice","code":"mic_denied","error":true})"));
  EXPECT_EQ(last_state(h), "off");
  h.feed(EnterPressed{"still here", false, false, false});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
}

// The browser refused what voice needs (the shim names the fix in the
// console): one stable code for the shopper's message, voice off, text on.
TEST_F(VoiceCallTest, VoiceBlockedByTheBrowserEndsVoiceModeWithItsOwnCodeAndTextGoesOn) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  auto fx = h.feed(MicAnswered{"blocked"});
  auto notices = Harness::of<NoticeShown>(fx);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].code, "voice_blocked");
  EXPECT_NE(notices[0].text.find("not available on this page"), std::string::npos)
      << "the core's own words: a chunk that failed to load ends here too";
  EXPECT_EQ(encode_effect(notices[0])["type"], "notice_shown");
  EXPECT_EQ(last_state(h), "off");
  EXPECT_EQ(h.all_of<MicrophoneReleased>().size(), 0u) << "no mic was granted: nothing to release";
  h.feed(EnterPressed{"still here", false, false, false});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
}

// The gateway ends the call itself: it refused it (as many calls open as it
// allows, on the instance or from this address: an error frame with the
// call_id), or it closed the stream unasked (after voice packets far past
// their rate, say: voice.closed). The call ends with one notice, the
// microphone given back, no voice.end (the server kept nothing), text goes
// on. The same about another call, or a refusal without a call_id, changes
// nothing.
struct GatewayEndsTheCall {
  const char* name;
  std::vector<std::string> (*about_others)();     // frames that must change nothing
  std::string (*about_this)(const std::string& call);
  const char* notice_code;
};
void PrintTo(const GatewayEndsTheCall& p, std::ostream* os) { *os << p.name; }

const std::string kRefused = R"({"type":"error","code":"voice_unavailable","reason":"address","message":"busy","call_id":")";

struct VoiceCallGatewayEnds : VoiceCallTest, ::testing::WithParamInterface<GatewayEndsTheCall> {};

TEST_P(VoiceCallGatewayEnds, EndsTheCallWithANoticeAndReleasesTheMic) {
  const GatewayEndsTheCall& p = GetParam();
  start_call();
  for (const std::string& frame : p.about_others()) h.feed(WsFrame{conn, frame});
  EXPECT_EQ(last_state(h), "listening");
  auto fx = h.feed(WsFrame{conn, p.about_this(call)});
  auto notices = Harness::of<NoticeShown>(fx);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].code, p.notice_code);
  EXPECT_TRUE(notices[0].text.empty()) << "said by code only: it may come before the voice runtime chunk";
  EXPECT_TRUE(notices[0].error);
  EXPECT_EQ(last_state(h), "off");
  EXPECT_EQ(Harness::of<MicrophoneReleased>(fx).size(), 1u);
  EXPECT_TRUE(sent_frames(h, "voice.end").empty());
  h.feed(EnterPressed{"still here", false, false, false});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    VoiceCallTest, VoiceCallGatewayEnds,
    ::testing::Values(
        GatewayEndsTheCall{
            "ACallTheGatewayRefuses",
            [] {
              return std::vector<std::string>{R"({"type":"error","code":"voice_unavailable","message":"busy"})",
                                              kRefused + "call-old\"}"};
            },
            [](const std::string& call) { return kRefused + call + "\"}"; }, "voice_busy"},
        GatewayEndsTheCall{
            "AStreamTheGatewayClosesUnasked",
            [] { return std::vector<std::string>{voice_frame("voice.closed", "call-old")}; },
            [](const std::string& call) { return voice_frame("voice.closed", call); }, "voice_ended"}),
    [](const ::testing::TestParamInfo<GatewayEndsTheCall>& info) { return std::string(info.param.name); });

TEST_F(VoiceCallTest, FramesOfAnotherCallAreIgnored) {
  start_call();
  h.feed(WsFrame{conn, voice_frame("voice.agent", "call-old", R"(,"state":"start","utterance":1)")});
  EXPECT_TRUE(h.all_of<VoicePlayback>().empty());
  EXPECT_EQ(last_state(h), "listening");
}

TEST_F(VoiceCallTest, MuteClosesTheUplinkAndUnmuteReopensIt) {
  start_call();
  h.feed(VoiceMuteClicked{true});
  EXPECT_FALSE(h.all_of<VoiceUplink>().back().open);
  EXPECT_TRUE(h.all_of<VoiceStateChanged>().back().muted);
  h.feed(SpeechActivity{true});  // ignored while muted
  EXPECT_EQ(last_state(h), "listening");
  h.feed(VoiceMuteClicked{false});
  EXPECT_TRUE(h.all_of<VoiceUplink>().back().open);
}

TEST_F(VoiceCallTest, ABrowserWithoutWhatVoiceNeedsGetsANoticeAndNoMicrophonePrompt) {
  Config c = session_config();
  c.voice_missing = "audio_worklet";
  Harness lacking{c};
  go_live(lacking);
  auto fx = lacking.feed(VoiceStartClicked{});
  ASSERT_EQ(Harness::of<NoticeShown>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<NoticeShown>(fx)[0].code, "voice_unsupported");
  EXPECT_TRUE(Harness::of<MicrophoneRequested>(fx).empty());
  ASSERT_FALSE(Harness::of<Log>(fx).empty());
  EXPECT_NE(Harness::of<Log>(fx)[0].text.find("audio_worklet"), std::string::npos);
  EXPECT_EQ(lacking.all_of<VoiceStateChanged>().size(), 0u) << "the call never started";
}

TEST_F(VoiceCallTest, WithoutALiveSessionUrlVoiceSaysItIsUnavailable) {
  Harness http{Harness::default_config()};
  auto fx = http.feed(VoiceStartClicked{});
  ASSERT_EQ(Harness::of<NoticeShown>(fx).size(), 1u);
  EXPECT_EQ(Harness::of<NoticeShown>(fx)[0].code, "voice_unavailable");
  EXPECT_TRUE(Harness::of<MicrophoneRequested>(fx).empty());
}


// The microphone answer is bounded (voice_call.hpp): a prompt left open gets
// a hint and the call waits on; an allowed mic whose audio never starts ends
// the call with a notice, releases the mic, and text goes on.
std::vector<std::string> notice_codes(const Harness& h) {
  std::vector<std::string> codes;
  for (const auto& n : h.all_of<NoticeShown>()) codes.push_back(n.code);
  return codes;
}

TEST_F(VoiceCallTest, AMicPromptLeftOpenGetsAHintAndTheCallWaitsOn) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  h.advance(VoiceCall::kMicPromptHintMs - 1);
  EXPECT_TRUE(notice_codes(h).empty());
  h.advance(1);
  EXPECT_EQ(notice_codes(h), std::vector<std::string>{"voice_mic_waiting"});
  EXPECT_TRUE(h.all_of<NoticeShown>()[0].text.empty()) << "said by code only";
  EXPECT_FALSE(h.all_of<NoticeShown>()[0].error) << "a hint, not an error";
  EXPECT_EQ(last_state(h), "requesting_mic");
  EXPECT_TRUE(h.all_of<MicrophoneReleased>().empty()) << "the shopper may still answer";
  h.feed(MicAnswered{"granted"});
  h.feed(WsFrame{conn, voice_frame("voice.started", call_id_of(h))});
  EXPECT_EQ(last_state(h), "listening");
  h.advance(VoiceCall::kMicPromptHintMs * 2);
  EXPECT_EQ(notice_codes(h).size(), 1u) << "one hint, never repeated";
}

TEST_F(VoiceCallTest, AnAllowedMicWhoseAudioNeverStartsEndsTheCallWithANoticeAndReleasesIt) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  h.feed(MicAnswered{"permitted"});
  h.advance(VoiceCall::kAudioStartMs - 1);
  EXPECT_TRUE(notice_codes(h).empty()) << "the prompt was answered: no hint";
  EXPECT_EQ(last_state(h), "requesting_mic");
  h.advance(1);
  EXPECT_EQ(notice_codes(h), std::vector<std::string>{"voice_audio_stalled"});
  EXPECT_EQ(h.all_of<MicrophoneReleased>().size(), 1u) << "the stream the host holds is given back";
  EXPECT_EQ(last_state(h), "off");
  EXPECT_EQ(sent_frames(h, "voice.end").size(), 1u);
  h.feed(MicAnswered{"lost"});  // the host's late answer for the released stream
  EXPECT_EQ(notice_codes(h).size(), 1u);
  EXPECT_EQ(last_state(h), "off");
  h.feed(SendClicked{"still there?"});
  EXPECT_EQ(sent_frames(h, "msg").size(), 1u) << "text chat goes on";
}

TEST_F(VoiceCallTest, AudioThatStartsInTimeCancelsTheBound) {
  conn = go_live(h);
  h.feed(VoiceStartClicked{});
  h.feed(MicAnswered{"permitted"});
  h.advance(VoiceCall::kAudioStartMs - 1);
  h.feed(MicAnswered{"granted"});
  h.advance(VoiceCall::kAudioStartMs + VoiceCall::kMicPromptHintMs);
  EXPECT_TRUE(notice_codes(h).empty());
  EXPECT_TRUE(h.all_of<MicrophoneReleased>().empty());
}

TEST_F(VoiceCallTest, PermittedWithoutAnOpenRequestArmsNothing) {
  conn = go_live(h);
  h.feed(MicAnswered{"permitted"});
  EXPECT_FALSE(h.client.timers().armed(TimerName::AudioStart));
  start_call();
  h.feed(MicAnswered{"permitted"});  // the mic is held already
  EXPECT_FALSE(h.client.timers().armed(TimerName::AudioStart));
}

}  // namespace
}  // namespace natter::testing

// The reload rules (ReloadTest) moved to release_watch_test.cpp.
