// The send machine's transition table (kSendTransitions): the diagram in
// docs/send-states.md is rendered from it, every state is reachable, the
// phases of a send are the named states, and a transition the table forbids
// is refused with nothing else done.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "chat/send_machine.hpp"
#include "state_diagram.hpp"
#include "transition_probe.hpp"

namespace natter {
namespace {

using testing::DiagramSource;
using testing::Harness;
using testing::sse;

const DiagramSource kSource{"Send states", "send-states.md", "kSendTransitions", "wasm/src/chat/send_machine.cpp",
                            "tests/native/send_states_test.cpp",
                            "Over HTTP only: with a live session, messages go through the outbox instead.\n"};

TEST(SendStates, TheDiagramInTheDocsMatchesTheTable) {
  testing::expect_doc_matches(
      kSource, testing::render_state_diagram(kSource, kSendTransitions, kSendTransitionCount, SendState::Idle));
}

TEST(SendStates, EveryStateIsReachableFromIdle) {
  EXPECT_EQ(testing::reachable_states(kSendTransitions, kSendTransitionCount, SendState::Idle), 5u);
}

TEST(SendStates, ASendWalksThroughTheNamedStates) {
  Harness h;
  h.feed(SendClicked{"hi"});
  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::ExpectHeaders);
  uint32_t id = h.all_of<HttpRequest>().back().request_id;
  h.feed(HttpFailed{id, "offline"});
  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::Backoff);
  ASSERT_TRUE(h.advance_to_deadline());
  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::ExpectHeaders);
  id = h.all_of<HttpRequest>().back().request_id;
  h.feed(HttpResponded{id, 200, -1});
  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::Streaming);
  h.feed(HttpBody{id, sse("start", R"({"reply_id":"r1"})") + sse("delta", R"({"text":"hello"})") + sse("done", "{}")});
  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::Idle);
  EXPECT_EQ(h.client.stats().illegal_transitions, 0u);
}

TEST(SendStates, AForbiddenTransitionIsRefusedReportedAndChangesNothing) {
  Harness h;
  h.feed(SendClicked{"hi"});
  const uint32_t id = h.all_of<HttpRequest>().back().request_id;
  h.feed(HttpResponded{id, 200, -1});
  ASSERT_EQ(TransitionProbe::send_state(h.client), SendState::Streaming);
  ASSERT_FALSE(is_legal(SendState::Streaming, SendState::ExpectHeaders));

  EXPECT_FALSE(TransitionProbe::go(h.client, SendState::ExpectHeaders));
  std::vector<Effect> fx;
  while (auto e = h.client.poll()) fx.push_back(*e);

  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::Streaming);
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
  ASSERT_EQ(fx.size(), 1u) << "only the report";
  const auto* log = std::get_if<Log>(&fx[0]);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->level, "error");
  EXPECT_EQ(log->text, "refused illegal send transition Streaming -> ExpectHeaders");

  // The request in flight still counts: its reply finishes the send.
  h.feed(HttpBody{id, sse("start", R"({"reply_id":"r1"})") + sse("delta", R"({"text":"hello"})") + sse("done", "{}")});
  EXPECT_EQ(TransitionProbe::send_state(h.client), SendState::Idle);
  EXPECT_EQ(h.all_of<HttpRequest>().size(), 1u);
}

}  // namespace
}  // namespace natter
