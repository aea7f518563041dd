// The connection machine's transition table (kConnTransitions): the diagram
// in docs/connection-states.md is rendered from it, every state is
// reachable, and a transition it forbids is refused with nothing else done.
#include <gtest/gtest.h>

#include "session/connection_machine.hpp"
#include "session_harness.hpp"
#include "state_diagram.hpp"

namespace natter {
namespace {

using testing::DiagramSource;

const DiagramSource kSource{"Connection states", "connection-states.md", "kConnTransitions",
                            "wasm/src/session/connection_transitions.cpp", "tests/native/connection_states_test.cpp", ""};

TEST(ConnectionStates, TheDiagramInTheDocsMatchesTheTable) {
  testing::expect_doc_matches(
      kSource, testing::render_state_diagram(kSource, kConnTransitions, kConnTransitionCount, ConnState::Idle));
}

TEST(ConnectionStates, EveryStateIsReachableFromIdle) {
  EXPECT_EQ(testing::reachable_states(kConnTransitions, kConnTransitionCount, ConnState::Idle), 9u);
}

// A refusal close (4001) can only follow an opened socket; one on a socket
// that never opened would be ExpectOpen -> Failed. It used to be refused and
// then acted on anyway (socket forgotten, timeout cancelled, "failed" shown,
// the machine stuck in ExpectOpen with nothing armed).
TEST(ConnectionStates, ARefusalCloseOnASocketThatNeverOpenedIsRefusedAndChangesNothing) {
  testing::Harness h(testing::session_config());
  h.feed(SessionWanted{});
  const uint32_t id = testing::last_conn(h);
  ASSERT_EQ(h.client.connection().state(), ConnState::ExpectOpen);
  const auto deadline = h.client.next_deadline();

  auto fx = h.feed(WsClosed{id, 4001, "unsupported version", false});

  EXPECT_EQ(h.client.connection().state(), ConnState::ExpectOpen);
  EXPECT_EQ(h.client.connection().conn_id(), id);
  EXPECT_EQ(h.client.next_deadline(), deadline) << "the connect timeout stays armed";
  EXPECT_EQ(h.client.stats().illegal_transitions, 1u);
  ASSERT_EQ(fx.size(), 1u) << "only the report: no status, no close, no reload";
  const auto* log = std::get_if<Log>(&fx[0]);
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->level, "error");
  EXPECT_EQ(log->text, "refused illegal connection transition ExpectOpen -> Failed");

  // The connect timeout still recovers the session.
  ASSERT_TRUE(h.advance_to_deadline());
  EXPECT_EQ(h.client.connection().state(), ConnState::Backoff);
}

}  // namespace
}  // namespace natter
