// The voice session state machine (wasm/src/voice/call/voice_machine.hpp). Like
// send_triggers_test.cpp, it is driven with EVERY order of short event
// sequences and checked after each step against the rules in the header;
// then the stories from the issue are told one by one.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "voice/call/voice_machine.hpp"

namespace natter::voice {
namespace {

std::vector<VoiceEffect> feed(VoiceMachine& m, const VoiceEvent& e) {
  m.handle(e);
  std::vector<VoiceEffect> out;
  while (auto x = m.poll()) out.push_back(*x);
  return out;
}

template <class T>
size_t count(const std::vector<VoiceEffect>& fx) {
  size_t n = 0;
  for (const auto& e : fx) n += std::holds_alternative<T>(e);
  return n;
}

bool in_call(VoiceState s) { return s != VoiceState::Off && s != VoiceState::Ending; }

// What the shim would know: whether it holds a live microphone stream.
struct World {
  VoiceMachine m;
  bool mic_stream = false;
  bool heard = false;       // agent audio has played in this call
  bool live = false;        // the session is up
  bool playing = false;     // agent audio is playing (StartPlayback not yet stopped)

  std::vector<VoiceEffect> step(const VoiceEvent& e) {
    const VoiceState before = m.state();
    if (std::holds_alternative<MicGranted>(e)) mic_stream = true;
    if (std::holds_alternative<MicRevoked>(e)) mic_stream = false;
    if (std::holds_alternative<SessionLive>(e)) live = true;
    if (std::holds_alternative<SessionLost>(e)) live = false;
    const auto fx = feed(m, e);
    const VoiceState after = m.state();
    if (count<ReleaseMicrophone>(fx)) mic_stream = false;
    if (!in_call(before) && in_call(after)) heard = false;  // a new call
    for (const auto& x : fx) {
      if (auto* s = std::get_if<SendVoiceStart>(&x)) {
        // The greeting is asked for again (a reconnect before it began)
        // only while none of the agent's audio has been heard in this call.
        if (s->greeting) EXPECT_FALSE(heard) << "greeting asked for after agent audio was played";
      }
    }
    if (count<StartPlayback>(fx)) heard = true;

    // Only End / HostEnd end a call, except a mic refused before it was ever
    // granted and the server refusing or ending the call.
    if (in_call(before) && !in_call(after)) {
      const bool end = std::holds_alternative<EndPressed>(e) || std::holds_alternative<HostEnd>(e);
      const bool refused = std::holds_alternative<MicDenied>(e) || std::holds_alternative<MicMissing>(e) ||
                           std::holds_alternative<MicBlocked>(e) || std::holds_alternative<CallRefused>(e) ||
                           std::holds_alternative<VoiceClosed>(e);
      EXPECT_TRUE(end || refused) << "call ended by event #" << e.index();
      if (refused) EXPECT_EQ(count<ShowError>(fx), 1u);
    }
    // Ending a call leaves no microphone open, in the same step.
    if (!in_call(after)) EXPECT_FALSE(mic_stream) << "mic left open in " << voice_state_name(after);
    // The microphone is only asked for by Start or after the device went away.
    if (count<RequestMicrophone>(fx)) {
      EXPECT_TRUE(std::holds_alternative<StartPressed>(e) || std::holds_alternative<MicRevoked>(e));
    }
    // Enter never acts in voice mode; it only logs the exact text.
    if (std::holds_alternative<EnterPressed>(e)) {
      EXPECT_EQ(after, before);
      if (before != VoiceState::Off) {
        EXPECT_EQ(fx.size(), 1u);
        EXPECT_TRUE(!fx.empty() && std::get<Log>(fx[0]).text == "Enter ignored in voice mode");
      } else {
        EXPECT_TRUE(fx.empty());
      }
    }
    if (std::holds_alternative<TextTyped>(e)) {
      EXPECT_EQ(after, before);
      EXPECT_TRUE(fx.empty());
    }
    // Barge-in, and only barge-in, sends SendBargeIn.
    const bool barge = before == VoiceState::AgentSpeaking && std::holds_alternative<SpeechStarted>(e);
    EXPECT_EQ(count<SendBargeIn>(fx), barge ? 1u : 0u);
    if (barge) {
      EXPECT_EQ(count<StopPlayback>(fx), 1u);
      EXPECT_EQ(after, VoiceState::UserSpeaking);
    }
    // Agent audio in a live call is always played (the greeting is never dropped).
    if (std::holds_alternative<AgentAudioStarted>(e) && in_call(before) && live && !playing) {
      EXPECT_EQ(count<StartPlayback>(fx), 1u) << "agent audio dropped in " << voice_state_name(before);
    }
    if (count<StartPlayback>(fx)) EXPECT_TRUE(in_call(after));
    playing = (playing || count<StartPlayback>(fx)) && !count<StopPlayback>(fx);
    if (!in_call(after)) EXPECT_FALSE(playing) << "agent audio left playing after the call";
    // Start twice is idempotent.
    if (std::holds_alternative<StartPressed>(e) && in_call(before)) {
      EXPECT_EQ(after, before);
      EXPECT_LE(fx.size(), 1u);  // at most a retry of a failed microphone
    }
    // Every state change is announced exactly once.
    EXPECT_EQ(count<StateChanged>(fx), before == after ? 0u : 1u);
    return fx;
  }
};

const std::vector<VoiceEvent> kAll = {
    StartPressed{},  MicGranted{},      MicDenied{},       MicMissing{},    MicBlocked{},   MicRevoked{},   SessionLive{},
    SessionLost{},   AgentAudioStarted{}, AgentAudioEnded{}, SpeechStarted{}, SpeechEnded{}, MutePressed{},
    UnmutePressed{}, EndPressed{},      HostEnd{},         VoiceClosed{},   CallRefused{},  EnterPressed{}, TextTyped{}};

void every_sequence(const std::vector<VoiceEvent>& prefix, const std::vector<VoiceEvent>& alphabet, int depth,
                    size_t& runs) {
  std::vector<VoiceEvent> seq;
  std::function<void()> rec = [&]() {
    World w;
    for (const auto& e : prefix) w.step(e);
    for (const auto& e : seq) w.step(e);
    ++runs;
    if (::testing::Test::HasFailure()) {
      std::string names;
      for (const auto& e : seq) names += std::to_string(e.index()) + " ";
      FAIL() << "event indices (see VoiceEvent): " << names;
    }
    if (int(seq.size()) == depth) return;
    for (const auto& e : alphabet) {
      if (::testing::Test::HasFailure()) return;
      seq.push_back(e);
      rec();
      seq.pop_back();
    }
  };
  rec();
}

TEST(VoiceMachine, KeepsEveryRuleUnderEveryOrderOfFourEvents) {
  size_t runs = 0;
  every_sequence({}, kAll, 4, runs);
  EXPECT_EQ(runs, 1u + 20 + 20 * 20 + 20 * 20 * 20 + 20 * 20 * 20 * 20);
}

TEST(VoiceMachine, KeepsEveryRuleUnderEveryOrderOfFiveEventsInALiveCall) {
  size_t runs = 0;
  const std::vector<VoiceEvent> live = {SessionLive{}, StartPressed{}, MicGranted{}};
  const std::vector<VoiceEvent> alphabet = {StartPressed{},     MicRevoked{},  MicGranted{},   SessionLost{},
                                            SessionLive{},      AgentAudioStarted{}, SpeechStarted{}, SpeechEnded{},
                                            EndPressed{},       EnterPressed{}, CallRefused{}};
  every_sequence(live, alphabet, 5, runs);
  EXPECT_EQ(runs, 177156u);
}

TEST(VoiceMachine, TenEnterPressesDoNotEndTheCall) {
  World w;
  for (const VoiceEvent& e : std::vector<VoiceEvent>{SessionLive{}, StartPressed{}, MicGranted{}}) w.step(e);
  ASSERT_EQ(w.m.state(), VoiceState::Listening);
  for (int i = 0; i < 12; ++i) {
    const auto fx = w.step(EnterPressed{});
    ASSERT_EQ(fx.size(), 1u);
    EXPECT_EQ(std::get<Log>(fx[0]).text, "Enter ignored in voice mode");
    w.step(TextTyped{});
  }
  EXPECT_EQ(w.m.state(), VoiceState::Listening);
  EXPECT_TRUE(w.mic_stream);
}

TEST(VoiceMachine, PlaysAGreetingThatArrivesWhileTheMicPromptIsOpen) {
  World w;
  w.step(SessionLive{});
  auto fx = w.step(StartPressed{});
  ASSERT_EQ(count<RequestMicrophone>(fx), 1u);
  ASSERT_EQ(count<SendVoiceStart>(fx), 1u);
  EXPECT_TRUE(std::get<SendVoiceStart>(fx[2]).greeting);
  fx = w.step(AgentAudioStarted{});  // the greeting, before the shopper allowed the mic
  EXPECT_EQ(count<StartPlayback>(fx), 1u);
  EXPECT_EQ(w.m.state(), VoiceState::RequestingMic);
  w.step(MicGranted{});
  EXPECT_EQ(w.m.state(), VoiceState::AgentSpeaking) << "the greeting keeps playing";
  w.step(AgentAudioEnded{});
  EXPECT_EQ(w.m.state(), VoiceState::Listening);
}

TEST(VoiceMachine, MicDeniedSaysSoAndLeavesTextChatAlone) {
  World w;
  w.step(SessionLive{});
  w.step(StartPressed{});
  const auto fx = w.step(MicDenied{});
  EXPECT_EQ(w.m.state(), VoiceState::Off);
  ASSERT_EQ(count<ShowError>(fx), 1u);
  for (const auto& e : fx) {
    if (auto* err = std::get_if<ShowError>(&e)) {
      EXPECT_EQ(err->code, "mic_denied");
      EXPECT_TRUE(err->text.empty()) << "said by code only (voice_machine.hpp)";
    }
  }
  EXPECT_EQ(count<SendVoiceEnd>(fx), 1u);
  EXPECT_TRUE(w.step(EnterPressed{}).empty()) << "Enter belongs to text chat again";
}

// The server ends the call itself, one way or the other, and the call ends
// here at once with one notice, the microphone given back, agent audio
// stopped, nothing sent (the server kept nothing), and a later Start may try
// again:
// - it refused the call (busy: too many calls on the instance or from the
//   shopper's address; or voice not loaded) while the greeting would play;
// - it closed an open stream without being asked (a packet flood, an
//   instance going away), while the agent spoke.
struct ServerEndsTheCall {
  const char* name;
  std::vector<VoiceEvent> before;  // after SessionLive, StartPressed, MicGranted
  VoiceState state_before;
  VoiceEvent event;
  const char* notice_code;
  size_t playback_stopped;
};
void PrintTo(const ServerEndsTheCall& p, std::ostream* os) { *os << p.name; }

class VoiceMachineServerEnds : public ::testing::TestWithParam<ServerEndsTheCall> {};

TEST_P(VoiceMachineServerEnds, EndsTheCallWithOneNoticeAndGivesTheMicBack) {
  const ServerEndsTheCall& p = GetParam();
  World w;
  for (const VoiceEvent& e : std::vector<VoiceEvent>{SessionLive{}, StartPressed{}, MicGranted{}}) w.step(e);
  for (const VoiceEvent& e : p.before) w.step(e);
  ASSERT_EQ(w.m.state(), p.state_before);
  const auto fx = w.step(p.event);
  EXPECT_EQ(w.m.state(), VoiceState::Off);
  ASSERT_EQ(count<ShowError>(fx), 1u);
  for (const auto& e : fx) {
    if (auto* err = std::get_if<ShowError>(&e)) EXPECT_EQ(err->code, p.notice_code);
  }
  EXPECT_EQ(count<ReleaseMicrophone>(fx), 1u);
  EXPECT_EQ(count<StopPlayback>(fx), p.playback_stopped);
  EXPECT_EQ(count<SendVoiceEnd>(fx), 0u);
  EXPECT_TRUE(w.step(p.event).empty()) << "a second one says nothing more";
  const auto again = w.step(StartPressed{});
  EXPECT_EQ(w.m.state(), VoiceState::RequestingMic);
  EXPECT_EQ(count<SendVoiceStart>(again), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    VoiceMachine, VoiceMachineServerEnds,
    ::testing::Values(
        ServerEndsTheCall{"ARefusedCall", {}, VoiceState::Listening, CallRefused{}, "voice_busy", 0},
        ServerEndsTheCall{"AStreamClosedUnasked", {AgentAudioStarted{}}, VoiceState::AgentSpeaking, VoiceClosed{},
                          "voice_ended", 1}),
    [](const ::testing::TestParamInfo<ServerEndsTheCall>& info) { return std::string(info.param.name); });

TEST(VoiceMachine, ResumesAfterTheSessionDropsWithoutAskingForTheMicOrGreetingAgain) {
  World w;
  for (const VoiceEvent& e : std::vector<VoiceEvent>{SessionLive{}, StartPressed{}, MicGranted{},
                                                     AgentAudioStarted{}, AgentAudioEnded{}}) {
    w.step(e);
  }
  auto fx = w.step(SessionLost{});
  EXPECT_EQ(w.m.state(), VoiceState::Connecting);
  EXPECT_EQ(count<ReleaseMicrophone>(fx), 0u);
  fx = w.step(SessionLive{});
  EXPECT_EQ(w.m.state(), VoiceState::Listening);
  EXPECT_EQ(count<RequestMicrophone>(fx), 0u);
  ASSERT_EQ(count<SendVoiceStart>(fx), 1u);
  for (const auto& e : fx) {
    if (auto* s = std::get_if<SendVoiceStart>(&e)) EXPECT_FALSE(s->greeting);
  }
  EXPECT_TRUE(w.mic_stream);
}

TEST(VoiceMachine, BargeInStopsTheAgentAndTellsTheServer) {
  World w;
  for (const VoiceEvent& e : std::vector<VoiceEvent>{SessionLive{}, StartPressed{}, MicGranted{},
                                                     AgentAudioStarted{}}) {
    w.step(e);
  }
  const auto fx = w.step(SpeechStarted{});
  EXPECT_EQ(count<StopPlayback>(fx), 1u);
  EXPECT_EQ(count<SendBargeIn>(fx), 1u);
  EXPECT_EQ(w.m.state(), VoiceState::UserSpeaking);
}

TEST(VoiceMachine, EndReleasesTheMicrophoneAtOnce) {
  for (const VoiceEvent& end : std::vector<VoiceEvent>{EndPressed{}, HostEnd{}}) {
    World w;
    for (const VoiceEvent& e : std::vector<VoiceEvent>{SessionLive{}, StartPressed{}, MicGranted{}}) w.step(e);
    const auto fx = w.step(end);
    EXPECT_EQ(count<ReleaseMicrophone>(fx), 1u);
    EXPECT_EQ(w.m.state(), VoiceState::Ending);
    w.step(VoiceClosed{});
    EXPECT_EQ(w.m.state(), VoiceState::Off);
    EXPECT_EQ(count<ReleaseMicrophone>(w.step(MicGranted{})), 1u) << "a late grant is given back";
  }
}

TEST(VoiceMachine, AnUnpluggedMicKeepsTheCallAndAsksForTheMicAgain) {
  World w;
  for (const VoiceEvent& e : std::vector<VoiceEvent>{SessionLive{}, StartPressed{}, MicGranted{}}) w.step(e);
  auto fx = w.step(MicRevoked{});
  EXPECT_EQ(count<RequestMicrophone>(fx), 1u);
  EXPECT_EQ(w.m.state(), VoiceState::RequestingMic);
  fx = w.step(MicMissing{});
  EXPECT_EQ(w.m.state(), VoiceState::RequestingMic) << "only End ends a call";
  EXPECT_EQ(count<RequestMicrophone>(w.step(StartPressed{})), 1u);
  w.step(MicGranted{});
  EXPECT_EQ(w.m.state(), VoiceState::Listening);
}

}  // namespace
}  // namespace natter::voice
