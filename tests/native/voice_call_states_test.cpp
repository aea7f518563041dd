// The voice call machine's transition table (kVoiceCallTransitions): the
// diagram in docs/voice-call-states.md is rendered from it, every state is
// reachable, a seeded walk over every event takes every row and no other
// change, and a change the table forbids is refused, reported and changes
// nothing. (After changing the table: NATTER_UPDATE_DOCS=1 natter_tests
// --gtest_filter='VoiceCallStates.*', then review the diff.)
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <utility>

#include "harness.hpp"
#include "state_diagram.hpp"
#include "transition_probe.hpp"
#include "voice/call/voice_machine.hpp"

namespace natter {
namespace {

using voice::VoiceState;
using namespace natter::testing;

const DiagramSource kSource{"Voice call states", "voice-call-states.md", "kVoiceCallTransitions",
                            "wasm/src/voice/call/voice_machine.cpp", "tests/native/voice_call_states_test.cpp",
                            "Inside a call the state follows from facts (mic, session, speech, agent audio;\n"
                            "voice_machine.hpp); the transport under it is the ladder (voice-ladder-states.md).\n"};

TEST(VoiceCallStates, TheDiagramInTheDocsMatchesTheTable) {
  expect_doc_matches(kSource, render_state_diagram(kSource, voice::kVoiceCallTransitions,
                                                   voice::kVoiceCallTransitionCount, VoiceState::Off));
}

TEST(VoiceCallStates, EveryStateIsReachableFromOff) {
  EXPECT_EQ(reachable_states(voice::kVoiceCallTransitions, voice::kVoiceCallTransitionCount, VoiceState::Off), 7u);
}

// Random walks over the whole event alphabet: every change the machine makes
// is a row (none refused), and every row is taken by some walk (no dead row).
TEST(VoiceCallStates, SeededWalksTakeEveryRowAndNothingElse) {
  namespace v = voice;
  const std::vector<v::VoiceEvent> all = {
      v::StartPressed{}, v::MicGranted{}, v::MicDenied{}, v::MicMissing{}, v::MicBlocked{}, v::MicRevoked{}, v::AudioStalled{},
      v::SessionLive{}, v::SessionLost{}, v::AgentAudioStarted{}, v::AgentAudioEnded{}, v::SpeechStarted{}, v::SpeechEnded{},
      v::MutePressed{}, v::UnmutePressed{}, v::EndPressed{}, v::HostEnd{}, v::VoiceClosed{}, v::CallRefused{}, v::EnterPressed{}, v::TextTyped{}};
  std::set<std::pair<VoiceState, VoiceState>> taken;
  for (uint32_t seed = 1; seed <= 3000; ++seed) {
    std::mt19937 rng(seed);
    v::VoiceMachine m;
    for (int i = 0; i < 60; ++i) {
      VoiceState before = m.state();
      m.handle(all[rng() % all.size()]);
      while (auto e = m.poll()) {
        ASSERT_FALSE(std::holds_alternative<v::Refused>(*e)) << "seed " << seed;
        if (auto* s = std::get_if<v::StateChanged>(&*e)) {
          ASSERT_TRUE(v::is_legal(before, s->state)) << "seed " << seed;
          taken.insert({before, s->state});
          before = s->state;
        }
      }
    }
  }
  for (std::size_t i = 0; i < v::kVoiceCallTransitionCount; ++i) {
    const auto& row = v::kVoiceCallTransitions[i];
    EXPECT_TRUE(taken.count({row.from, row.to})) << "no walk takes " << v::state_name(row.from) << " -> "
                                                 << v::state_name(row.to);
  }
}

TEST(VoiceCallStates, AForbiddenTransitionIsRefusedReportedAndChangesNothing) {
  Harness h;
  ASSERT_FALSE(voice::is_legal(VoiceState::Off, VoiceState::Listening));
  EXPECT_FALSE(TransitionProbe::go(h.client, VoiceState::Listening));
  std::vector<Effect> fx;
  while (auto e = h.client.poll()) fx.push_back(*e);
  EXPECT_EQ(h.client.voice().state(), VoiceState::Off);
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
  ASSERT_EQ(fx.size(), 1u) << "only the report: no voice_state_changed, no host event";
  const auto* log = std::get_if<Log>(&fx[0]);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->text, "refused illegal voice call transition off -> listening");
}

}  // namespace
}  // namespace natter
